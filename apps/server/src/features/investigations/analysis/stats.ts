/**
 * The few statistics the analyses share: robust location/scale (median, MAD) for baselines that a
 * handful of bad minutes cannot move, and correlation for curve similarity. Nulls (minutes without
 * data) are skipped, never treated as zero.
 */

export type Series = readonly (number | null)[];

export function present(values: Series): number[] {
  const out: number[] = [];
  for (const v of values) if (v !== null && Number.isFinite(v)) out.push(v);
  return out;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Median absolute deviation, scaled (× 1.4826) to estimate a normal standard deviation. */
export function mad(values: readonly number[], center: number): number {
  const m = median(values.map((v) => Math.abs(v - center)));
  return m === null ? 0 : 1.4826 * m;
}

function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Pearson correlation over the indexes where both are present; null with fewer than 3 pairs or no variance. */
export function pearson(a: Series, b: Series, lag = 0): number | null {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const j = i + lag;
    if (j < 0 || j >= b.length) continue;
    const x = a[i];
    const y = b[j];
    if (x === null || x === undefined || y === null || y === undefined) continue;
    xs.push(x);
    ys.push(y);
  }
  if (xs.length < 3) return null;
  const mx = mean(xs) ?? 0;
  const my = mean(ys) ?? 0;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    const dx = (xs[i] ?? 0) - mx;
    const dy = (ys[i] ?? 0) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/** Ranks (average rank for ties), nulls kept in place: Spearman is Pearson on these. */
export function ranks(values: Series): (number | null)[] {
  const idx = values.flatMap((v, i) => (v === null ? [] : [i]));
  idx.sort((i, j) => (values[i] ?? 0) - (values[j] ?? 0));
  const out: (number | null)[] = values.map(() => null);
  let k = 0;
  while (k < idx.length) {
    let e = k;
    while (e + 1 < idx.length && values[idx[e + 1] ?? 0] === values[idx[k] ?? 0]) e++;
    const r = (k + e) / 2 + 1;
    for (let m = k; m <= e; m++) out[idx[m] ?? 0] = r;
    k = e + 1;
  }
  return out;
}

export const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

/** Element-wise ratio, null where the denominator is 0 or either side is missing. */
export function ratioSeries(num: Series, den: Series): (number | null)[] {
  return num.map((n, i) => {
    const d = den[i];
    return n === null || d === null || d === undefined || d === 0 ? null : n / d;
  });
}
