/**
 * What docs/api.md says about each procedure that the running router itself knows: its path and kind, its
 * input (the zod schema as JSON Schema, rendered as a compact TypeScript-like shape with its bounds), and its
 * `.meta()` — `role` (who may call it) and `description` when a procedure declares them.
 */
import { appRouter } from '../apps/server/src/trpc/root.ts';

/** The subset of JSON Schema that zod emits for our inputs. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  description?: string;
  default?: unknown;
  additionalProperties?: boolean | JsonSchema;
}

export interface ProcedureModel {
  path: string;
  kind: string;
  /** undefined: the procedure takes no input. */
  input: JsonSchema | undefined;
  role: string | undefined;
  description: string | undefined;
}

interface ProcedureDef {
  type: string;
  inputs: unknown[];
  meta?: unknown;
}

interface JsonSchemaCapable {
  toJSONSchema(params: { io: 'input'; unrepresentable: 'any' }): JsonSchema;
}

function isJsonSchemaCapable(value: unknown): value is JsonSchemaCapable {
  return (
    typeof value === 'object' && value !== null && typeof Reflect.get(value, 'toJSONSchema') === 'function'
  );
}

function stringField(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field: unknown = Reflect.get(value, key);
  return typeof field === 'string' && field !== '' ? field : undefined;
}

/** Every procedure of the router, in the order the routers declare them. */
export function procedureModels(): ProcedureModel[] {
  // tRPC v11 keeps a flat map of dotted paths to procedures on the router's definition.
  const procedures = (appRouter._def as unknown as { procedures: Record<string, { _def: ProcedureDef }> })
    .procedures;
  return Object.entries(procedures).map(([path, procedure]) => {
    const def = procedure._def;
    // Several `.input()` calls merge their objects; ours use one.
    const schemas = def.inputs
      .filter(isJsonSchemaCapable)
      .map((s) => s.toJSONSchema({ io: 'input', unrepresentable: 'any' }));
    const input =
      schemas.length === 0
        ? undefined
        : schemas.length === 1
          ? schemas[0]
          : { type: 'object', allOf: schemas };
    return {
      path,
      kind: def.type,
      input,
      role: stringField(def.meta, 'role'),
      description: stringField(def.meta, 'description'),
    };
  });
}

const number = (n: number) =>
  Number.isInteger(n) && Math.abs(n) >= 10_000 ? n.toLocaleString('en-US') : String(n);

/** Bounds and formats of one value, in words: `1–64 characters`, `≥ 0`, `matches /…/`. */
function constraintsOf(schema: JsonSchema): string[] {
  const notes: string[] = [];
  const range = (min: number | undefined, max: number | undefined, unit: string) => {
    if (min !== undefined && max !== undefined) notes.push(`${number(min)}–${number(max)}${unit}`);
    else if (min !== undefined) notes.push(`≥ ${number(min)}${unit}`);
    else if (max !== undefined) notes.push(`≤ ${number(max)}${unit}`);
  };
  range(schema.minLength, schema.maxLength, ' characters');
  range(schema.minItems, schema.maxItems, ' items');
  if (schema.exclusiveMinimum !== undefined) notes.push(`> ${number(schema.exclusiveMinimum)}`);
  if (schema.exclusiveMaximum !== undefined) notes.push(`< ${number(schema.exclusiveMaximum)}`);
  range(schema.minimum, schema.maximum, '');
  if (schema.pattern !== undefined) notes.push(`matches /${schema.pattern}/`);
  if (schema.format !== undefined) notes.push(schema.format);
  if (schema.default !== undefined) notes.push(`default ${JSON.stringify(schema.default)}`);
  return notes;
}

/** A TypeScript-like type for a schema, on one line (nested objects inline, bounds left to the caller). */
function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const).replace(/"/g, "'");
  if (schema.enum !== undefined)
    return schema.enum.map((v) => JSON.stringify(v).replace(/"/g, "'")).join(' | ');
  const union = schema.anyOf ?? schema.oneOf;
  if (union !== undefined) return union.map((s) => typeOf(s)).join(' | ');
  if (schema.allOf !== undefined) return schema.allOf.map((s) => typeOf(s)).join(' & ');
  const type = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  if (type.length > 1) return type.map((t) => typeOf({ ...schema, type: t })).join(' | ');
  switch (type[0]) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'integer':
      return 'integer';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      if (schema.prefixItems !== undefined) return `[${schema.prefixItems.map((s) => typeOf(s)).join(', ')}]`;
      const item = schema.items === undefined ? 'unknown' : typeOf(schema.items);
      return /[ |&]/.test(item) && !item.startsWith('{') ? `(${item})[]` : `${item}[]`;
    }
    case 'object': {
      const properties = Object.entries(schema.properties ?? {});
      if (properties.length === 0) return 'object';
      const required = new Set(schema.required ?? []);
      const fields = properties.map(([key, value]) => {
        const notes = constraintsOf(value);
        return `${key}${required.has(key) ? '' : '?'}: ${typeOf(value)}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
      });
      return `{ ${fields.join('; ')} }`;
    }
    default:
      return 'unknown';
  }
}

/**
 * A procedure's input as lines for a code block: one field per line with its bounds and description as a
 * comment. Refinements across fields (`to` after `from`) are not in the schema; the doc comment says them.
 */
export function renderInput(schema: JsonSchema): string[] {
  if (schema.type !== 'object' || schema.properties === undefined) return [typeOf(schema)];
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties).map(([key, value]) => ({
    head: `  ${key}${required.has(key) ? '' : '?'}: ${typeOf(value)}`,
    notes: [...constraintsOf(value), ...(value.description === undefined ? [] : [value.description])],
  }));
  const width = Math.max(...fields.map((f) => (f.notes.length > 0 ? f.head.length : 0)));
  return [
    '{',
    ...fields.map((f) =>
      f.notes.length === 0 ? f.head : `${f.head.padEnd(width)}  // ${f.notes.join('; ')}`,
    ),
    '}',
  ];
}
