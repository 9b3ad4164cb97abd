/** The client side of the prediction bench: plain HTTP with the API key, timed one request at a time. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const CLIENT = fileURLToPath(new URL('./client.ts', import.meta.url));

export interface Api {
  url: string;
  key: string;
}

// Below the OS's ephemeral range, so no outgoing connection of the stack takes it before the API listens.
export { freePort } from '../../test/support/ports.js';

async function call(api: Api, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${api.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${api.key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export async function postJson<T>(api: Api, path: string, body: unknown): Promise<T> {
  const response = await call(api, 'POST', path, body);
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Long-polls `GET /runs/:runId` until the run closes; anything but `completed` is an error. */
export async function waitForRun(api: Api, runId: string): Promise<{ status: string; result: unknown }> {
  for (;;) {
    // A long poll: answered as soon as the run closes, so no polling interval adds to a measured run.
    const response = await call(api, 'GET', `/runs/${runId}?waitSeconds=30`);
    const run = (await response.json()) as { status: string; result: unknown; error?: unknown };
    if (run.status === 'completed') return run;
    if (run.status !== 'running') throw new Error(`run ${runId} ended ${run.status}: ${JSON.stringify(run.error)}`);
  }
}

/** One kind of request to time: a path and the body sent to it. */
export interface TimedTarget {
  path: string;
  body: unknown;
}

/**
 * Sends each target's request `count` times from a client process of its own (./client.ts), the targets in
 * turn, after `warmup` untimed rounds; each target's timed milliseconds, from send to the whole body read.
 */
export async function timeRequests(
  api: Api,
  targets: readonly TimedTarget[],
  warmup: number,
  count: number,
): Promise<number[][]> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-predict-'));
  try {
    const args: string[] = [];
    for (const [i, target] of targets.entries()) {
      const bodyFile = join(dir, `body-${i}.json`);
      await writeFile(bodyFile, JSON.stringify(target.body));
      args.push(`${api.url}${target.path}`, bodyFile);
    }
    const { stdout } = await execFileAsync(
      process.execPath,
      ['--import', 'tsx', CLIENT, String(warmup), String(count), ...args],
      { env: { ...process.env, BENCH_API_KEY: api.key }, maxBuffer: 64 * 1024 * 1024 },
    );
    return JSON.parse(stdout) as number[][];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The nearest-rank percentile (0 < q ≤ 1). */
export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}
