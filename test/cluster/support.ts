/**
 * Driving a running cluster as its users do: over its API (HTTP, its API key) and, for what only Temporal
 * knows (which worker holds an activity), over the cluster's own Temporal client.
 */
import assert from 'node:assert/strict';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { ClusterPorts } from '../../src/cluster/server-config.js';
import { workerRunningStage } from '../failures/support.js';
import { freePort } from '../support/ports.js';
import { TEST_API_KEY } from '../support/test-stack.js';
import { waitFor } from '../support/wait.js';

/** A home for the cluster's state, data and models that the PostgreSQL OS user can enter (mkdtemp is 0700). */
export async function clusterHome(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'ml-pipelines-cluster-'));
  await chmod(root, 0o755);
  return root;
}

/** Every port the cluster listens on, free now (membership ports low enough for Temporal's smallint column). */
export async function freeClusterPorts(): Promise<ClusterPorts> {
  const names: (keyof ClusterPorts)[] = [
    'postgres',
    'frontend',
    'frontendHttp',
    'history',
    'matching',
    'worker',
    'frontendMembership',
    'historyMembership',
    'matchingMembership',
    'workerMembership',
    'ui',
  ];
  const ports = {} as ClusterPorts;
  const taken = new Set<number>();
  for (const name of names) {
    // All below the kernel's ephemeral ports, so also at or below MAX_MEMBERSHIP_PORT (Temporal's smallint column).
    ports[name] = await freePort(taken);
    taken.add(ports[name]);
  }
  assert.equal(new Set(Object.values(ports)).size, names.length, 'distinct ports');
  return ports;
}

export interface RunStatus {
  status: string;
  progress?: { stage?: string };
  result?: Record<string, unknown>;
  error?: unknown;
}

export class ClusterApi {
  constructor(readonly url: string) {}

  async request(method: string, path: string, body?: object): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TEST_API_KEY}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
  }

  async get<T>(path: string): Promise<T> {
    const { status, json } = await this.request('GET', path);
    assert.equal(status, 200, `GET ${path}: ${JSON.stringify(json)}`);
    return json as T;
  }

  async startRun(pipeline: string, payload: object): Promise<string> {
    const { status, json } = await this.request('POST', `/runs/${pipeline}`, payload);
    assert.equal(status, 202, JSON.stringify(json));
    return (json as { runId: string }).runId;
  }

  /** Polls until the run closes; errors while a server restarts are retried until the deadline. */
  runClosed(runId: string, deadlineMs = 300_000): Promise<RunStatus> {
    return waitFor(
      `run ${runId} to close`,
      async () => {
        const status = await this.get<RunStatus>(`/runs/${runId}`);
        return status.status === 'running' ? undefined : status;
      },
      { deadlineMs, intervalMs: 250 },
    );
  }

  async completed(runId: string): Promise<Record<string, unknown>> {
    const closed = await this.runClosed(runId);
    assert.equal(closed.status, 'completed', `${runId}: ${JSON.stringify(closed.error)}`);
    return closed.result!;
  }

  async artifactNames(runId: string): Promise<string[]> {
    const { artifacts } = await this.get<{ artifacts: { name: string }[] }>(`/runs/${runId}/artifacts`);
    return artifacts.map((artifact) => artifact.name).sort();
  }
}

/** The failure tests' poll for the worker holding a stage, reading the run through this API. */
export function workerHoldingStage(api: ClusterApi, client: Client, runId: string, stage: string) {
  return workerRunningStage((id) => api.get<RunStatus>(`/runs/${id}`), client, runId, stage);
}
