import { describe, expect, it } from 'vitest';
import { overviewFixture } from './overview-fixture.ts';
import { filterChoices, filterServices, sortServices } from './overview-rows.ts';

const names = (rows: { service: string }[]) => rows.map((r) => r.service);
const { services } = overviewFixture;

describe('overview rows', () => {
  it('puts the most degraded service first and inactive services last', () => {
    expect(names(sortServices(services, 'degraded', 'desc'))).toEqual(['checkout', 'cart', 'legacy-batch']);
    // Reversed, the healthiest active service leads; inactive still sinks.
    expect(names(sortServices(services, 'degraded', 'asc'))).toEqual(['cart', 'checkout', 'legacy-batch']);
  });

  it('sorts by a figure with missing values last in both directions', () => {
    expect(names(sortServices(services, 'latencyP95', 'desc'))).toEqual(['checkout', 'cart', 'legacy-batch']);
    expect(names(sortServices(services, 'latencyP95', 'asc'))).toEqual(['cart', 'checkout', 'legacy-batch']);
    expect(names(sortServices(services, 'name', 'asc'))).toEqual(['cart', 'checkout', 'legacy-batch']);
  });

  it('filters by cluster and namespace (free text is matched by the server, endpoints too)', () => {
    expect(names(filterServices(services, { cluster: 'prod-us' }))).toEqual(['legacy-batch']);
    expect(names(filterServices(services, { namespace: 'shop' }))).toEqual(['cart', 'checkout']);
    expect(filterChoices(services)).toEqual({
      clusters: ['prod-eu', 'prod-us'],
      namespaces: ['batch', 'shop'],
    });
  });

  it('scores the fixture the way the shared rule does (checkout breaches all three)', () => {
    const checkout = services.find((s) => s.service === 'checkout')!;
    expect(checkout.health.level).toBe('critical');
    expect(checkout.health.breachedCount).toBe(3);
  });
});
