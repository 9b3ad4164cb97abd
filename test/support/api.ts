import { TEST_API_KEY } from './test-stack.js';

/** Headers an API call in a test sends: the test stack's API key. */
export function authHeaders(key = TEST_API_KEY): { authorization: string } {
  return { authorization: `Bearer ${key}` };
}
