/** Registers the run index's search attributes on the server: CLI flags for the dev server, the operator API otherwise. */
import { type Connection } from '@temporalio/client';
import { ML_SEARCH_ATTRIBUTES } from './search-attributes.js';

const CLI_TYPE_NAMES = { KEYWORD: 'Keyword', DOUBLE: 'Double' } as const;
/** temporal.api.enums.v1.IndexedValueType (the proto package is not a direct dependency). */
const INDEXED_VALUE_TYPES = { KEYWORD: 2, DOUBLE: 4 } as const;

/** `temporal server start-dev` flags: `--search-attribute MlPipeline=Keyword …`. */
export function devServerSearchAttributeArgs(): string[] {
  return ML_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPE_NAMES[key.type]}`]);
}

const GRPC_ALREADY_EXISTS = 6;

/**
 * Adds the attributes the namespace lacks (idempotent: listed first, and a concurrent "already exists"
 * is success). Returns the names it added.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = ML_SEARCH_ATTRIBUTES.filter((key) => !customAttributes?.[key.name]);
  if (missing.length === 0) return [];
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, INDEXED_VALUE_TYPES[key.type]])),
    });
  } catch (err) {
    if ((err as { code?: number }).code !== GRPC_ALREADY_EXISTS && !/already exists/i.test(String(err))) throw err;
  }
  return missing.map((key) => key.name);
}
