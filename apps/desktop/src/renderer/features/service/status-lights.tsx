import type { LightLevel, ServiceInfrastructure, StatusLight } from '@apo/shared/console';
import type { UseQueryResult } from '@tanstack/react-query';
import type { RangeResult } from '../../app/data/range-query.ts';
import { Tooltip } from '../../ui/primitives/tooltip.tsx';

// Shape AND word AND colour, as the health badge: a colour-blind reader tells them apart.
const LEVEL: Record<LightLevel, { icon: string; text: string; tone: string }> = {
  ok: { icon: '●', text: 'OK', tone: 'health-ok' },
  warning: { icon: '▲', text: 'Warning', tone: 'health-warning' },
  critical: { icon: '✖', text: 'Critical', tone: 'health-critical' },
  unknown: { icon: '○', text: 'No data', tone: 'muted' },
};

const NAME: Record<StatusLight['dimension'], string> = {
  infrastructure: 'Infra',
  network: 'Network',
  kubernetes: 'Kubernetes',
};

/**
 * The lights in the page header, compact in every state: a failure is one line with a Retry (the Hosts
 * panel below explains it in full), never a problem box that pushes the header apart.
 */
export function StatusLightsState({
  query,
}: {
  query: UseQueryResult<RangeResult<ServiceInfrastructure>, { message: string }>;
}) {
  if (query.data !== undefined) return <StatusLights lights={query.data.result.lights} />;
  if (query.isError)
    return (
      <span className="muted small status-lights-pending" role="status">
        status lights unavailable{' '}
        <button type="button" className="link-button" onClick={() => void query.refetch()}>
          Retry
        </button>
      </span>
    );
  return (
    <span className="muted small status-lights-pending" role="status" aria-busy="true">
      checking status…
    </span>
  );
}

/** Infrastructure, network and Kubernetes lights; each says why on hover or focus. */
function StatusLights({ lights }: { lights: readonly StatusLight[] }) {
  return (
    <ul className="status-lights" aria-label="Status lights">
      {lights.map((l) => (
        <li key={l.dimension}>
          <Tooltip
            side="bottom"
            content={
              <div>
                <p className="tooltip-title">
                  {NAME[l.dimension]}: {LEVEL[l.level].text}
                </p>
                <ul className="tooltip-list">
                  {l.reasons.map((r) => (
                    <li key={r}>{r}</li>
                  ))}
                </ul>
              </div>
            }
          >
            <span
              className={`status-light ${LEVEL[l.level].tone}`}
              tabIndex={0}
              data-level={l.level}
              aria-label={`${NAME[l.dimension]} ${LEVEL[l.level].text}: ${l.reasons.join('; ')}`}
            >
              <span aria-hidden="true">{LEVEL[l.level].icon}</span> {NAME[l.dimension]}
            </span>
          </Tooltip>
        </li>
      ))}
    </ul>
  );
}
