/**
 * Services of the trace: the colour legend with span counts (and failures), and the breakdown of where
 * the time went — each service's own (self) time against the time it spent waiting on others.
 */
import type { TraceModel } from '../model/trace-model.ts';
import { formatNs } from './format-ns.ts';
import { serviceColor } from './span-colors.ts';

function slotOf(model: TraceModel, name: string): number {
  const idx = model.strings.indexOf(name);
  return model.serviceSlot.get(idx) ?? 0;
}

export function ServiceLegend({ model }: { model: TraceModel }) {
  return (
    <ul className="service-legend" aria-label="Services">
      {model.services.map((s) => (
        <li key={s.name} data-service={s.name}>
          <span
            className="swatch"
            aria-hidden="true"
            style={{ background: serviceColor(slotOf(model, s.name)) }}
          />
          {s.name} <span className="muted">{s.spans.toLocaleString('en-US')}</span>
          {s.errors > 0 && <span className="bad"> ⚠ {s.errors.toLocaleString('en-US')}</span>}
        </li>
      ))}
    </ul>
  );
}

export function ServiceBreakdown({ model }: { model: TraceModel }) {
  const totalSelf = model.services.reduce((n, s) => n + s.selfNs, 0) || 1;
  return (
    <section className="panel" aria-label="Time by service">
      <h3>Time by service</h3>
      <table className="breakdown">
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col" className="num">
              Spans
            </th>
            <th scope="col" className="num">
              Errors
            </th>
            <th scope="col" className="num">
              Self time
            </th>
            <th scope="col" className="num">
              Share of self time
            </th>
            <th scope="col" className="num">
              Waiting on others
            </th>
          </tr>
        </thead>
        <tbody>
          {model.services.map((s) => (
            <tr key={s.name}>
              <td>
                <span
                  className="swatch"
                  aria-hidden="true"
                  style={{ background: serviceColor(slotOf(model, s.name)) }}
                />
                {s.name}
              </td>
              <td className="num">{s.spans.toLocaleString('en-US')}</td>
              <td className="num">{s.errors.toLocaleString('en-US')}</td>
              <td className="num">{formatNs(s.selfNs)}</td>
              <td className="num">{((100 * s.selfNs) / totalSelf).toFixed(1)} %</td>
              <td className="num">{formatNs(s.totalNs - s.selfNs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
