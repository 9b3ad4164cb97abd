/**
 * Defaults are written once, as `default` in a pipeline's request schema; the API (Ajv's useDefaults), the
 * workflows (runs started by schedules or child workflows skip the API) and the docs all read them there.
 * Pure: safe inside the workflow sandbox.
 */

interface ObjectSchema {
  properties: object;
}

/** The top-level defaults of an object schema, e.g. `{ kMin: 1, kMax: 20 }`. */
export function defaultsOf<T extends object>(schema: ObjectSchema): Required<T> {
  const defaults: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema.properties as Record<string, { default?: unknown }>)) {
    if (property.default !== undefined) defaults[key] = property.default;
  }
  return JSON.parse(JSON.stringify(defaults)) as Required<T>;
}

/** A request type whose defaulted fields `K` are known to be present. */
export type WithDefaults<T, K extends keyof T> = T & Required<Pick<T, K>>;

/** The value with every missing top-level field that has a default filled in (copied, never shared). */
export function withDefaults<R extends object>(schema: ObjectSchema, value: Partial<R> | undefined): R {
  const out: Record<string, unknown> = { ...(value ?? {}) };
  for (const [key, fallback] of Object.entries(defaultsOf(schema))) {
    if (out[key] === undefined) out[key] = fallback;
  }
  return out as R;
}
