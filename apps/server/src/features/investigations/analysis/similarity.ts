/**
 * Dependency ranking by curve similarity (PRODUCT.md §2.2): the dependency whose latency or error curve
 * moves most like the symptom's is the most likely cause. Pearson on the aligned minute series and
 * Spearman on their ranks (one outlier minute cannot dominate), the better of the two, at the best lag
 * within ±`maxLag` minutes (a dependency's rollup minute and its caller's may straddle a boundary).
 */
import { pearson, ranks, type Series } from './stats.ts';

export interface CurveCandidate {
  name: string;
  latency: Series;
  errorRate: Series;
}

export interface Similarity {
  name: string;
  /** −1…1; 0 when the curves cannot be compared (flat or too few points). */
  score: number;
  /** Which curve matched best. */
  curve: 'latency' | 'errors' | null;
  lag: number;
}

/** The best correlation of `a` with `b` over lags −maxLag…maxLag, Pearson or Spearman. */
export function laggedCorrelation(a: Series, b: Series, maxLag = 1): { r: number; lag: number } | null {
  return bestLag({ values: a, ranks: ranks(a) }, b, maxLag);
}

/** A curve with its ranks: the symptom's are computed once, not once per candidate. */
interface Ranked {
  values: Series;
  ranks: Series;
}

function bestLag({ values: a, ranks: ra }: Ranked, b: Series, maxLag: number) {
  const rb = ranks(b);
  let best: { r: number; lag: number } | null = null;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    for (const r of [pearson(a, b, lag), pearson(ra, rb, lag)]) {
      // Ties go to the smaller |lag|, then the earlier lag: deterministic.
      if (r !== null && (best === null || r > best.r + 1e-12)) best = { r, lag };
    }
  }
  return best;
}

/** Candidates ranked by similarity to the symptom's curves, most similar first (ties by name). */
export function rankBySimilarity(
  symptom: { latency: Series; errorRate: Series },
  candidates: readonly CurveCandidate[],
  maxLag = 1,
): Similarity[] {
  const latency = { values: symptom.latency, ranks: ranks(symptom.latency) };
  const errorRate = { values: symptom.errorRate, ranks: ranks(symptom.errorRate) };
  const out = candidates.map((c): Similarity => {
    const l = bestLag(latency, c.latency, maxLag);
    const e = bestLag(errorRate, c.errorRate, maxLag);
    if (l === null && e === null) return { name: c.name, score: 0, curve: null, lag: 0 };
    if (e === null || (l !== null && l.r >= e.r))
      return { name: c.name, score: l?.r ?? 0, curve: 'latency', lag: l?.lag ?? 0 };
    return { name: c.name, score: e.r, curve: 'errors', lag: e.lag };
  });
  return out.sort((x, y) => y.score - x.score || x.name.localeCompare(y.name));
}
