/**
 * The investigation page's own URL state (the range is the global one): what is investigated — a service,
 * one of its endpoints, or a trace — which wizard step is open, or a saved investigation to reopen. A link
 * pasted into chat reopens the same investigation: the page pins a relative range to absolute ends first.
 */
export const WIZARD_STEPS = ['impact', 'timeline', 'dependencies', 'hypotheses', 'save'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

export interface InvestigateSearch {
  service?: string | undefined;
  endpoint?: string | undefined;
  cluster?: string | undefined;
  /** Investigate around this trace: its root cause, then its entry service over its window. */
  traceId?: string | undefined;
  /** Investigate every service (no service asked): the engine picks the degraded entry service. */
  all?: true | undefined;
  /** A saved investigation's id: shown as saved, nothing re-run. */
  saved?: string | undefined;
  step?: WizardStep | undefined;
}

function text(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed.slice(0, max);
}

const isStep = (value: unknown): value is WizardStep => WIZARD_STEPS.some((s) => s === value);

export function validateInvestigateSearch(raw: Record<string, unknown>): InvestigateSearch {
  const out: InvestigateSearch = {};
  const service = text(raw.service, 1024);
  const endpoint = text(raw.endpoint, 1024);
  const cluster = text(raw.cluster, 64);
  const traceId = text(raw.traceId, 32);
  const saved = text(raw.saved, 64);
  if (service !== undefined) out.service = service;
  // An endpoint means nothing without its service (the server refuses it too).
  if (endpoint !== undefined && service !== undefined) out.endpoint = endpoint;
  if (cluster !== undefined) out.cluster = cluster;
  if (traceId !== undefined && /^[0-9a-f]{32}$/i.test(traceId)) out.traceId = traceId.toLowerCase();
  if (saved !== undefined) out.saved = saved;
  if (raw.all === true || raw.all === 'true' || raw.all === 1 || raw.all === '1') out.all = true;
  if (isStep(raw.step)) out.step = raw.step;
  return out;
}
