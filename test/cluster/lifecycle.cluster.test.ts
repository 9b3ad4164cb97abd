/**
 * The loan lifecycle on the production-shaped deployment (`npm run cluster`): Temporal's real server on
 * PostgreSQL, the Web UI, the API and two worker processes. A worker is killed -9 mid-fit and the Temporal
 * server is restarted mid-run; every run still completes with the artifacts an undisturbed run has, and the
 * cluster starts again on the same state. Slow (it builds the server from source on first use), so it runs
 * only with CLUSTER=1 (`npm run test:cluster`); `npm test` lists it as skipped.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCluster, type RunningCluster } from '../../src/cluster/cluster.js';
import type { ClusterPorts } from '../../src/cluster/server-config.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { findOrphanedTempFiles, processIsRunning } from '../../src/processes/leftovers.js';
import { DRIFTED_LOAN_SAMPLE, writeSampleData } from '../../src/sample-data/index.js';
import { ML_SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes.js';
import { canConnect } from '../../src/cluster/supervised-process.js';
import { listFiles, pidOfIdentity } from '../failures/support.js';
import { TEST_API_KEY } from '../support/test-stack.js';
import { waitFor } from '../support/wait.js';
import { ClusterApi, clusterHome, freeClusterPorts, workerHoldingStage } from './support.js';

const ENABLED = process.env.CLUSTER === '1';
/** temporal.api.enums.v1.IndexedValueType */
const INDEXED_VALUE_TYPES = { KEYWORD: 2, DOUBLE: 4 } as const;

interface TrainingResult {
  championModelId: string;
  models: { name: string; testAuc: number }[];
}

describe(
  'the loan lifecycle on the real Temporal server (PostgreSQL, two worker processes)',
  {
    skip: ENABLED ? false : 'set CLUSTER=1 to run it (npm run test:cluster)',
  },
  () => {
    let root: string;
    let config: AppConfig;
    let ports: ClusterPorts;
    let cluster: RunningCluster | undefined;
    let api: ClusterApi;
    const log = (line: string) => console.log(`[cluster] ${line}`);
    const runs: Record<string, string> = {};

    const start = async () => {
      const started = Date.now();
      cluster = await startCluster({ config, ports, workers: 2, layout: 'single', log });
      log(`up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      api = new ClusterApi(cluster.apiUrl);
      return cluster;
    };

    before(async () => {
      root = await clusterHome();
      ports = await freeClusterPorts();
      config = loadConfig({
        DATA_DIR: join(root, 'data'),
        MODEL_STORE_DIR: join(root, 'models'),
        STATE_DIR: join(root, 'state'),
        PORT: '0',
        API_KEY: TEST_API_KEY,
      });
      await writeSampleData(config.dataDir);
      await start();
    });

    after(async () => {
      await cluster?.stop();
      if (root) await rm(root, { recursive: true, force: true });
    });

    it('starts on a new PostgreSQL cluster: schemas, the namespace, the search attributes, the Web UI', async () => {
      const { report } = cluster!;
      assert.equal(report.postgresInitialized, true);
      assert.deepEqual(report.schema.created, ['temporal', 'temporal_visibility']);
      assert.ok(Object.values(report.schema.versions).every((version) => /^\d+\.\d+$/.test(version)));
      assert.equal(report.namespaceCreated, true);

      const { customAttributes } = await cluster!.connections.client.connection.operatorService.listSearchAttributes({
        namespace: config.namespace,
      });
      for (const key of ML_SEARCH_ATTRIBUTES)
        assert.equal(customAttributes?.[key.name], INDEXED_VALUE_TYPES[key.type], `${key.name} registered`);

      const ui = await fetch(cluster!.temporalUiUrl!);
      assert.equal(ui.status, 200);
      assert.match(await ui.text(), /<html/i);
      assert.equal(cluster!.workers.pids().length, 2);
      assert.equal(cluster!.server.pids().length, 1);
    });

    it('trains on two workers; a worker killed -9 mid-fit is replaced and its fit completes elsewhere', async () => {
      const { client } = cluster!.connections;
      runs.training = await api.startRun('loan-training', { dataset: 'loan' });
      const fitting = await workerHoldingStage(api, client, runs.training, 'training');
      assert.ok(cluster!.workers.pids().includes(fitting.pid), `pid ${fitting.pid} is one of the cluster's workers`);

      // The API must keep answering while a worker dies and the run moves on.
      let healthChecks = 0;
      const unhealthy: string[] = [];
      let closed = false;
      const watchHealth = (async () => {
        while (!closed) {
          const response = await fetch(`${api.url}/health`);
          healthChecks++;
          if (response.status !== 200) unhealthy.push(`${response.status} ${await response.text()}`);
          await new Promise((resolveSleep) => setTimeout(resolveSleep, 500));
        }
      })();
      process.kill(fitting.pid, 'SIGKILL');
      const result = (await api.completed(runs.training).finally(() => (closed = true))) as unknown as TrainingResult;
      await watchHealth;
      assert.deepEqual(unhealthy, []);
      assert.ok(healthChecks > 0);
      assert.deepEqual(result.models.map((m) => m.name).sort(), [
        'gradient-boosting',
        'logistic-regression',
        'random-forest',
      ]);

      // The killed worker's activity ran again (a later attempt) on a live worker.
      const history = await client.workflow.getHandle(runs.training).fetchHistory();
      const retried = (history.events ?? []).filter(
        (event) => (event.activityTaskStartedEventAttributes?.attempt ?? 1) > 1,
      );
      assert.ok(retried.length > 0, 'an activity was retried after the kill');
      for (const event of retried)
        assert.notEqual(pidOfIdentity(event.activityTaskStartedEventAttributes!.identity!), fitting.pid);

      await waitFor('the killed worker to be replaced', () => {
        const pids = cluster!.workers.pids();
        return pids.length === 2 && !pids.includes(fitting.pid) ? pids : undefined;
      });
      assert.ok(cluster!.workers.restarts() >= 1);
    });

    it('a Temporal server restarted mid-run: the run continues and completes', async () => {
      runs.driftTraining = await api.startRun('loan-training', {
        dataset: DRIFTED_LOAN_SAMPLE.folder,
        split: { kind: 'out-of-time', cutoffMonth: '2024-07' },
      });
      await workerHoldingStage(api, cluster!.connections.client, runs.driftTraining, 'training');
      const before = cluster!.server.pids();
      await cluster!.server.restart();
      assert.notDeepEqual(cluster!.server.pids(), before);
      assert.ok(
        before.every((pid) => !processIsRunning(pid)),
        'the old server process is gone',
      );
      await api.completed(runs.driftTraining);
    });

    it('inference, monitoring and governance retraining complete, with their artifacts', async () => {
      const training = (await api.completed(runs.training)) as unknown as TrainingResult;
      runs.inference = await api.startRun('loan-inference', { dataset: 'loan', snapshotDate: '2024-03-01' });
      const scored = await api.completed(runs.inference);
      assert.equal(scored.modelId, training.championModelId);
      assert.ok(Number(scored.rows) > 0);
      assert.deepEqual(await api.artifactNames(runs.inference), ['predictions.parquet']);

      runs.monitoring = await api.startRun('loan-monitoring', {
        dataset: 'loan',
        snapshotDate: '2024-06-01',
        thresholds: { minAuc: 0.5, maxPsi: 5, minPrecision: 0.1, minRecall: 0.1 },
        retrainOnDegradation: false,
      });
      const healthy = await api.completed(runs.monitoring);
      assert.equal(healthy.decision, 'ok', JSON.stringify(healthy.reasons));
      assert.deepEqual(await api.artifactNames(runs.monitoring), [
        'dashboard.png',
        'feature_psi.parquet',
        'metrics.parquet',
      ]);

      // The drifted months: PSI alone degrades the model trained before the drift, and a child retrains it.
      runs.driftMonitoring = await api.startRun('loan-monitoring', {
        dataset: DRIFTED_LOAN_SAMPLE.folder,
        snapshotDate: '2024-12',
        thresholds: { minAuc: 0, minPrecision: 0, minRecall: 0 },
      });
      const degraded = await api.completed(runs.driftMonitoring);
      assert.equal(degraded.decision, 'degraded', JSON.stringify(degraded.reasons));
      assert.equal(typeof degraded.retrainRunId, 'string');
      runs.retraining = String(degraded.retrainRunId);
      const retrained = (await api.completed(runs.retraining)) as unknown as TrainingResult;

      // One model per completed training (the killed fit and the server restart published nothing twice).
      const { models } = await api.get<{ models: { modelId: string }[] }>('/models?pipeline=loan');
      const driftTraining = (await api.completed(runs.driftTraining)) as unknown as TrainingResult;
      assert.deepEqual(
        models.map((m) => m.modelId).sort(),
        [training.championModelId, driftTraining.championModelId, retrained.championModelId].sort(),
      );
      const files = [...(await listFiles(config.dataDir)), ...(await listFiles(config.modelStoreDir))];
      assert.deepEqual(
        files.filter((path) => path.endsWith('.tmp')),
        [],
      );
      assert.deepEqual(await findOrphanedTempFiles([config.dataDir, config.modelStoreDir]), []);
    });

    it('stops everything, PostgreSQL included, and starts again on the same state with its runs and models', async () => {
      const serverPids = cluster!.server.pids();
      const workerPids = cluster!.workers.pids();
      await cluster!.stop();
      cluster = undefined;
      for (const pid of [...serverPids, ...workerPids])
        assert.equal(processIsRunning(pid), false, `pid ${pid} stopped`);
      assert.equal(await canConnect(ports.postgres), false, 'PostgreSQL stopped');
      assert.equal(await canConnect(ports.frontend), false, 'the frontend stopped');

      const again = await start();
      assert.equal(again.report.postgresInitialized, false, 'no initdb on the second start');
      assert.deepEqual(again.report.schema.created, []);
      assert.equal(again.report.namespaceCreated, false);
      assert.deepEqual(again.report.toolsBuilt, [], 'nothing rebuilt');
      for (const runId of Object.values(runs))
        assert.equal((await api.get<{ status: string }>(`/runs/${runId}`)).status, 'completed');
      const { models } = await api.get<{ models: unknown[] }>('/models?pipeline=loan');
      assert.equal(models.length, 3);
      // Visibility (PostgreSQL) still indexes the runs by their search attributes.
      const listed = await waitFor('the run index to list the trainings', async () => {
        const page = await api.get<{ runs: { runId: string }[] }>('/runs?pipeline=loan-training');
        return page.runs.length >= 3 ? page.runs : undefined;
      });
      assert.ok(listed.some((run) => run.runId === runs.training));
    });
  },
);
