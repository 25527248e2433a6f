import type { EndpointDelaySource } from '@apo/shared/console';
import { formatValue } from '../../ui/format/units.ts';
import { Tooltip } from '../../ui/primitives/tooltip.tsx';

/**
 * "dependency 78 %" / "self 92 %": the verdict and the share that decided it (the larger side's share), with
 * the split per request and where it comes from on hover.
 */
export function DelaySourceBadge({ source }: { source: EndpointDelaySource | undefined }) {
  if (source === undefined || source.dependencyShare === null || source.verdict === null)
    return (
      <span className="muted" title="No stored trace of this endpoint in the range">
        —
      </span>
    );
  const share = source.verdict === 'dependency' ? source.dependencyShare : 1 - source.dependencyShare;
  return (
    <Tooltip
      content={
        <div>
          <p className="tooltip-title">
            {source.verdict === 'dependency'
              ? 'Most of the time is spent waiting on downstream calls'
              : 'Most of the time is spent in the service itself'}
          </p>
          <p>
            Per request: self {formatValue(source.selfMs, 'ms')}, dependency{' '}
            {formatValue(source.dependencyMs, 'ms')} ({formatValue(source.dependencyShare, 'ratio')} waiting).
          </p>
          <p className="muted">
            From {formatValue(source.sampledRequests, 'count', true)} stored requests, weighted by the latency
            of all {formatValue(source.requests, 'count', true)}.
          </p>
        </div>
      }
    >
      <span
        className={`delay-source ${source.verdict}`}
        data-share={source.dependencyShare}
        tabIndex={0}
        aria-label={`delay source ${source.verdict} ${formatValue(share, 'ratio')}`}
      >
        <span aria-hidden="true">{source.verdict === 'dependency' ? '⇢' : '●'}</span> {source.verdict}{' '}
        {formatValue(share, 'ratio')}
      </span>
    </Tooltip>
  );
}
