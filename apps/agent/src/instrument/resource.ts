import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Attributes } from '@opentelemetry/api';
import type * as Resources from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';
import agentPackage from '../../package.json' with { type: 'json' };
import { requireCjs } from './cjs.ts';
import { ResourceAttr } from './semconv.ts';
import type { ServiceIdentity } from './service-identity.ts';

const { defaultResource, resourceFromAttributes } = requireCjs(
  '@opentelemetry/resources',
) as typeof Resources;

const DISTRO_NAME = 'apo';

export interface ResourceInputs {
  identity: ServiceIdentity;
  /** OTEL_SERVICE_NAME: wins over everything, as the specification says. */
  serviceName: string | undefined;
  /** OTEL_RESOURCE_ATTRIBUTES: wins over what the preload detects. */
  envAttributes: Record<string, string>;
  pid: number;
  hostName: string;
  /**
   * A fresh UUID per process start rather than hostname:pid: in a container the pid is often 1 and the
   * hostname survives a restart, so hostname:pid would merge two lifetimes into one instance. The agent
   * joins /proc data through process.pid and host.name, which are set separately.
   */
  instanceId: string;
}

export function defaultResourceInputs(
  identity: ServiceIdentity,
  serviceName: string | undefined,
  envAttributes: Record<string, string>,
): ResourceInputs {
  return {
    identity,
    serviceName,
    envAttributes,
    pid: process.pid,
    hostName: hostname(),
    instanceId: randomUUID(),
  };
}

/** Detected attributes first, then OTEL_RESOURCE_ATTRIBUTES over them, then OTEL_SERVICE_NAME over all. */
export function buildResourceAttributes(inputs: ResourceInputs): Attributes {
  const detected: Attributes = {
    [ResourceAttr.ServiceName]: inputs.identity.name,
    [ResourceAttr.ServiceInstanceId]: inputs.instanceId,
    [ResourceAttr.HostName]: inputs.hostName,
    [ResourceAttr.ProcessPid]: inputs.pid,
    [ResourceAttr.ProcessRuntimeName]: 'nodejs',
    [ResourceAttr.ProcessRuntimeVersion]: process.versions.node,
    [ResourceAttr.TelemetryDistroName]: DISTRO_NAME,
    [ResourceAttr.TelemetryDistroVersion]: agentPackage.version,
  };
  if (inputs.identity.version !== undefined) detected[ResourceAttr.ServiceVersion] = inputs.identity.version;
  const merged: Attributes = { ...detected, ...inputs.envAttributes };
  if (inputs.serviceName !== undefined) merged[ResourceAttr.ServiceName] = inputs.serviceName;
  // The distro is a fact about this process, not configuration.
  merged[ResourceAttr.TelemetryDistroName] = DISTRO_NAME;
  return merged;
}

/** The SDK's default resource (telemetry.sdk.*) under ours. */
export function buildResource(inputs: ResourceInputs): Resource {
  return defaultResource().merge(resourceFromAttributes(buildResourceAttributes(inputs)));
}
