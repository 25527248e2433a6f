/**
 * The health thresholds an overview call scores with: the input's, else the caller's stored setting
 * `health.thresholds` (scope user, else global), else APO's defaults. A stored value that is not a valid
 * HealthThresholds (edited by hand, an older shape) is skipped with a warning in the log, never an error.
 */
import { z } from 'zod';
import { DEFAULT_HEALTH_THRESHOLDS } from '@apo/shared/console';
import type { HealthThresholds } from '@apo/shared/console';
import type { SettingsStore } from '../settings/settings-store.ts';

const HEALTH_THRESHOLDS_KEY = 'health.thresholds';

const percent = z.number().min(0).max(1_000_000);
/** Three increasing limits: below the first 3 points, the second 2, the third 1. */
const limits = z
  .tuple([percent, percent, percent])
  .refine(([a, b, c]) => a <= b && b <= c, 'must be three increasing percentages');

export const healthThresholdsInput = z.object({
  breachPercent: percent,
  latency: limits,
  errorRate: limits,
  logErrors: limits,
});

interface WarnLog {
  warn: (details: object, message: string) => void;
}

/** The stored thresholds for a caller whose own settings live under `userScope`; the defaults without any. */
export async function storedHealthThresholds(
  settings: Pick<SettingsStore, 'get'>,
  userScope: string,
  log: WarnLog,
): Promise<HealthThresholds> {
  const scopes = [userScope, 'global'];
  const stored = await Promise.all(scopes.map((scope) => settings.get(scope, HEALTH_THRESHOLDS_KEY)));
  for (const [i, setting] of stored.entries()) {
    if (setting === null) continue;
    const parsed = healthThresholdsInput.safeParse(setting.value);
    if (parsed.success) return parsed.data;
    log.warn(
      { scope: scopes[i], key: HEALTH_THRESHOLDS_KEY, problem: z.prettifyError(parsed.error) },
      `the stored setting ${HEALTH_THRESHOLDS_KEY} is not valid health thresholds: ignored`,
    );
  }
  return DEFAULT_HEALTH_THRESHOLDS;
}
