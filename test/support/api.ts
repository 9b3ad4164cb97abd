import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { TEST_API_KEY } from './test-stack.js';
import { waitFor } from './wait.js';

/** Headers an API call in a test sends: the test stack's API key. */
export function authHeaders(key = TEST_API_KEY): { authorization: string } {
  return { authorization: `Bearer ${key}` };
}

/** Starts a run over `POST /runs/<pipeline>` (which must accept it) and returns its id. */
export async function startRunOverApi(app: FastifyInstance, pipeline: string, payload: object): Promise<string> {
  const response = await app.inject({ method: 'POST', url: `/runs/${pipeline}`, payload, headers: authHeaders() });
  assert.equal(response.statusCode, 202, response.body);
  return response.json<{ runId: string }>().runId;
}

/**
 * Polls `GET /runs/:runId` until the run is no longer running; any answer but 200 fails at once, a run that
 * never closes fails at the deadline.
 */
export async function runClosedOverApi<T extends { status: string }>(app: FastifyInstance, runId: string): Promise<T> {
  const response = await waitFor(`run ${runId} to close`, async () => {
    const answer = await app.inject({ method: 'GET', url: `/runs/${runId}`, headers: authHeaders() });
    return answer.statusCode !== 200 || answer.json<T>().status !== 'running' ? answer : undefined;
  });
  assert.equal(response.statusCode, 200, response.body);
  return response.json<T>();
}
