import { describe, expect, it } from 'vitest';
import { buildResource, buildResourceAttributes, type ResourceInputs } from './resource.ts';

const inputs = (overrides: Partial<ResourceInputs> = {}): ResourceInputs => ({
  identity: { name: 'shop', version: '1.0.0', source: 'package.json' },
  serviceName: undefined,
  envAttributes: {},
  pid: 4242,
  hostName: 'host-a',
  instanceId: '00000000-0000-4000-8000-000000000001',
  ...overrides,
});

describe('buildResourceAttributes', () => {
  it('describes the process from what was detected', () => {
    expect(buildResourceAttributes(inputs())).toMatchObject({
      'service.name': 'shop',
      'service.version': '1.0.0',
      'service.instance.id': '00000000-0000-4000-8000-000000000001',
      'process.pid': 4242,
      'host.name': 'host-a',
      'process.runtime.name': 'nodejs',
      'telemetry.distro.name': 'apo',
    });
  });

  it('lets OTEL_RESOURCE_ATTRIBUTES override detection and OTEL_SERVICE_NAME override both', () => {
    const attributes = buildResourceAttributes(
      inputs({
        envAttributes: {
          'service.name': 'from-attributes',
          'service.version': '9',
          'telemetry.distro.name': 'x',
        },
        serviceName: 'from-service-name',
      }),
    );
    expect(attributes).toMatchObject({
      'service.name': 'from-service-name',
      'service.version': '9',
      'telemetry.distro.name': 'apo',
    });
  });

  it('sets no service.version when the package has none', () => {
    const attributes = buildResourceAttributes(
      inputs({ identity: { name: 'job', version: undefined, source: 'script' } }),
    );
    expect(attributes).not.toHaveProperty('service.version');
  });

  it('keeps the SDK defaults (telemetry.sdk.*) under its own attributes', () => {
    const resource = buildResource(inputs());
    expect(resource.attributes).toMatchObject({ 'telemetry.sdk.language': 'nodejs', 'service.name': 'shop' });
  });
});
