/**
 * One way to configure every APO process: an optional YAML/JSON file as the base, environment variables
 * on top (`setIn`), one zod schema validating the result, and every problem reported at once with the
 * offending value quoted.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A comma-separated list (`a, b,,c` → ['a', 'b', 'c']); undefined stays undefined. */
export function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Sets `value` at `path`, creating objects on the way; undefined and '' leave the target alone. */
export function setIn(target: Record<string, unknown>, path: string[], value: unknown): void {
  if (value === undefined || value === '') return;
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file "${path}": ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`config file "${path}" is not valid YAML/JSON: ${(err as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`config file "${path}" must hold an object`);
  }
  return parsed as Record<string, unknown>;
}

/** Validates `raw`; on failure throws one ConfigError listing every problem with the value quoted. */
export function parseConfig<Schema extends z.ZodType>(
  schema: Schema,
  raw: Record<string, unknown>,
): z.output<Schema> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const value = issue.path.reduce<unknown>(
      (node, key) =>
        node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined,
      raw,
    );
    const shown = value === undefined || typeof value === 'object' ? '' : ` (got ${JSON.stringify(value)})`;
    return `${issue.path.join('.') || 'config'}: ${issue.message}${shown}`;
  });
  throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
}
