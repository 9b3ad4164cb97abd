import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { cachedPicturePath } from '../../src/artifacts/segmentation-pictures.js';
import { writeLoanSampleData } from '../../src/sample-data/loan.js';
import { SEGMENTATION_SAMPLE_FILES, writeSegmentationSampleData } from '../../src/sample-data/segmentation.js';
import { sqlString, withDuckDb } from '../../src/storage/duckdb.js';
import { runWorkspace } from '../../src/storage/run-workspace.js';
import { authHeaders, runClosedOverApi, startRunOverApi } from '../support/api.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PARQUET_MAGIC = 'PAR1';

interface ArtifactItem {
  name: string;
  contentType: string;
  size: number;
  url: string;
  formats: string[];
}
interface ArtifactListBody {
  runId: string;
  pipeline: string;
  status: string;
  artifacts: ArtifactItem[];
}
interface RunBody {
  status: string;
  error: unknown;
}

describe('run artifacts over HTTP against a real worker and dev server', () => {
  let stack: TestStack;
  let app: FastifyInstance;
  let scratch: string;

  before(async () => {
    stack = await startTestStack();
    await writeSegmentationSampleData(stack.config.dataDir);
    await writeLoanSampleData(join(stack.config.dataDir, 'loan'), { seed: 5, customers: 1200 });
    await stack.startWorker();
    app = await buildApp({ config: stack.config, client: stack.env.client });
    scratch = await mkdtemp(join(tmpdir(), 'artifacts-test-'));
  });

  after(async () => {
    await app?.close();
    await stack?.teardown();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const get = (url: string): Promise<LightMyRequestResponse> =>
    app.inject({ method: 'GET', url, headers: authHeaders() });

  const start = (pipeline: string, payload: object) => startRunOverApi(app, pipeline, payload);
  const closed = (runId: string) => runClosedOverApi<RunBody>(app, runId);

  async function completedRun(pipeline: string, payload: object): Promise<string> {
    const runId = await start(pipeline, payload);
    const run = await closed(runId);
    assert.equal(run.status, 'completed', `${runId}: ${JSON.stringify(run.error)}`);
    return runId;
  }

  async function listOf(runId: string): Promise<ArtifactListBody> {
    const response = await get(`/runs/${runId}/artifacts`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json<ArtifactListBody>();
  }

  /** Rows of a Parquet file given as bytes, counted by DuckDB. */
  async function parquetRowCount(bytes: Buffer, name: string): Promise<number> {
    const path = join(scratch, `${Date.now()}-${name}`);
    await writeFile(path, bytes);
    const reader = await withDuckDb((conn) =>
      conn.runAndReadAll(`SELECT count(*) AS n FROM read_parquet(${sqlString(path)})`),
    );
    return Number(reader.getRowObjects()[0].n);
  }

  /** Fetches every listed artifact and checks it is what its entry says; returns the bodies by name. */
  async function fetchAll(list: ArtifactListBody): Promise<Map<string, LightMyRequestResponse>> {
    const bodies = new Map<string, LightMyRequestResponse>();
    for (const item of list.artifacts) {
      assert.equal(item.url, `/runs/${list.runId}/artifacts/${item.name}`);
      assert.ok(item.size > 0, `${item.name} has a size`);
      const response = await get(item.url);
      assert.equal(response.statusCode, 200, `${item.name}: ${response.body}`);
      assert.equal(response.headers['content-type'], item.contentType, item.name);
      assert.equal(response.rawPayload.length, item.size, `${item.name}: the listed size is what is served`);
      if (item.name.endsWith('.png')) {
        assert.equal(item.contentType, 'image/png');
        assert.deepEqual(item.formats, []);
        assert.ok(response.rawPayload.subarray(0, 8).equals(PNG_SIGNATURE), `${item.name} is a PNG`);
        if (process.env.KEEP_ARTIFACT_PNGS) {
          await writeFile(
            join(process.env.KEEP_ARTIFACT_PNGS, `${list.pipeline}-${list.runId.slice(-4)}-${item.name}`),
            response.rawPayload,
          );
        }
      } else {
        assert.equal(item.contentType, 'application/vnd.apache.parquet');
        assert.deepEqual(item.formats, ['parquet', 'csv', 'json']);
        assert.equal(response.rawPayload.subarray(0, 4).toString('ascii'), PARQUET_MAGIC, `${item.name} starts PAR1`);
        assert.equal(response.rawPayload.subarray(-4).toString('ascii'), PARQUET_MAGIC, `${item.name} ends PAR1`);
        assert.match(String(response.headers['content-disposition']), /^attachment; filename=".+\.parquet"$/);
      }
      bodies.set(item.name, response);
    }
    return bodies;
  }

  /** The table as CSV and JSON: a header row, and as many JSON rows as the Parquet has. */
  async function checkConversions(url: string, parquet: Buffer, header: string): Promise<void> {
    const rows = await parquetRowCount(parquet, url.split('/').pop()!);
    assert.ok(rows > 0, `${url} has rows`);
    const csv = await get(`${url}?format=csv`);
    assert.equal(csv.statusCode, 200, csv.body);
    assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
    const lines = csv.body.trimEnd().split('\n');
    assert.equal(lines[0], header);
    assert.equal(lines.length, rows + 1, 'one CSV line per row after the header');
    const json = await get(`${url}?format=json`);
    assert.equal(json.statusCode, 200, json.body);
    assert.equal(json.headers['content-type'], 'application/json; charset=utf-8');
    const parsed = json.json<Record<string, unknown>[]>();
    assert.equal(parsed.length, rows, 'JSON row count equals the Parquet row count');
    assert.deepEqual(Object.keys(parsed[0]), header.split(','));
    const asParquet = await get(`${url}?format=parquet`);
    assert.ok(asParquet.rawPayload.equals(parquet), '?format=parquet is the stored file');
  }

  let segmentationRunId = '';

  it('lists and serves a segmentation run: elbow and cluster pictures, the test rows as Parquet, CSV and JSON', async () => {
    segmentationRunId = await completedRun('segmentation', {
      dataset: SEGMENTATION_SAMPLE_FILES.customers,
      features: ['Annual Income (k$)', 'Spending Score (1-100)'],
      algorithm: 'kmeans',
      kMin: 1,
      kMax: 8,
      nInit: 2,
      testDataset: SEGMENTATION_SAMPLE_FILES.customersTest,
    });
    const list = await listOf(segmentationRunId);
    assert.equal(list.pipeline, 'segmentation');
    assert.equal(list.status, 'completed');
    assert.deepEqual(
      list.artifacts.map((a) => a.name),
      ['elbow.png', 'clusters.png', 'test-predictions.parquet'],
    );
    const bodies = await fetchAll(list);
    await checkConversions(
      `/runs/${segmentationRunId}/artifacts/test-predictions.parquet`,
      bodies.get('test-predictions.parquet')!.rawPayload,
      'row_index,cluster,probabilities',
    );

    // The pictures are cached in the run's workspace: a second GET serves the same bytes from there.
    const workDir = runWorkspace(stack.config.runsDir, segmentationRunId);
    for (const picture of ['elbow', 'clusters'] as const) {
      assert.ok((await stat(cachedPicturePath(workDir, picture))).size > 0, `${picture} cached`);
      const again = await get(`/runs/${segmentationRunId}/artifacts/${picture}.png`);
      assert.ok(again.rawPayload.equals(bodies.get(`${picture}.png`)!.rawPayload));
    }
  });

  it('draws a GMM run too (BIC curve, 9k rows); without a test dataset there is no test-predictions artifact', async () => {
    const runId = await completedRun('segmentation', {
      dataset: SEGMENTATION_SAMPLE_FILES.creditCard,
      features: ['BALANCE', 'PURCHASES', 'CREDIT_LIMIT'],
      algorithm: 'gmm',
      kMin: 1,
      kMax: 5,
      nInit: 1,
    });
    const list = await listOf(runId);
    assert.deepEqual(
      list.artifacts.map((a) => a.name),
      ['elbow.png', 'clusters.png'],
    );
    await fetchAll(list);
  });

  it('answers 404 for an unknown run or artifact, 400 for a malformed name or format', async () => {
    const base = `/runs/${segmentationRunId}/artifacts`;
    const expect = async (url: string, status: number, pattern?: RegExp) => {
      const response = await get(url);
      assert.equal(response.statusCode, status, `${url} → ${response.statusCode} ${response.body}`);
      if (pattern) assert.match(response.json<{ message: string }>().message, pattern);
    };
    await expect('/runs/segmentation-no-such-run/artifacts', 404, /does not exist/);
    await expect('/runs/segmentation-no-such-run/artifacts/elbow.png', 404, /does not exist/);
    await expect(`${base}/dashboard.png`, 404, /has no artifact "dashboard.png"; it has: elbow.png, clusters.png/);
    // A ".." segment (literal or percent-encoded) is resolved by URL parsing before routing: no route matches.
    await expect(`${base}/..`, 404);
    await expect(`${base}/%2E%2E`, 404);
    await expect(`${base}/elbow..png`, 404, /has no artifact/);
    await expect(`${base}/.elbow.png`, 400);
    await expect(`${base}/..%2F..%2Fscaler.json`, 400);
    await expect(`${base}/clean%2Fparquet`, 400);
    await expect(`${base}/../../scaler.json`, 404);
    await expect(`${base}/clean.parquet`, 404, /has no artifact/);
    await expect(`${base}/test-predictions.parquet?format=xml`, 400, /format/);
    await expect(`${base}/elbow.png?format=csv`, 400, /format applies to Parquet artifacts/);
    await expect(`${base}/elbow.png?path=/etc/passwd`, 400);
  });

  it('a running run lists no artifacts and fetching one is a 409; so does a cancelled run', async () => {
    // A GMM sweep over the 8,950-row sample runs for many seconds: long enough to ask while it is running.
    const runId = await start('segmentation', {
      dataset: SEGMENTATION_SAMPLE_FILES.creditCard,
      features: ['BALANCE', 'PURCHASES', 'CREDIT_LIMIT'],
      algorithm: 'gmm',
      kMax: 20,
    });
    const running = await listOf(runId);
    assert.equal(running.status, 'running');
    assert.deepEqual(running.artifacts, []);
    const early = await get(`/runs/${runId}/artifacts/elbow.png`);
    assert.equal(early.statusCode, 409, early.body);
    assert.match(early.json<{ message: string }>().message, /is running: only a completed run has artifacts/);

    await stack.env.client.workflow.getHandle(runId).cancel();
    assert.equal((await closed(runId)).status, 'cancelled');
    const cancelled = await listOf(runId);
    assert.equal(cancelled.status, 'cancelled');
    assert.deepEqual(cancelled.artifacts, []);
    assert.equal((await get(`/runs/${runId}/artifacts/elbow.png`)).statusCode, 409);
  });

  it('serves loan inference predictions and the monitoring dashboard and tables; training has none', async () => {
    const trainingRunId = await completedRun('loan-training', {
      dataset: 'loan',
      split: { kind: 'out-of-time', cutoffMonth: '2024-06' },
    });
    assert.deepEqual((await listOf(trainingRunId)).artifacts, []);

    const inferenceRunId = await completedRun('loan-inference', { dataset: 'loan', snapshotDate: '2024-08-01' });
    const inference = await listOf(inferenceRunId);
    assert.deepEqual(
      inference.artifacts.map((a) => a.name),
      ['predictions.parquet'],
    );
    const predictions = (await fetchAll(inference)).get('predictions.parquet')!;
    await checkConversions(
      inference.artifacts[0].url,
      predictions.rawPayload,
      'Customer_ID,loan_id,snapshot_date,prediction,prediction_proba,actual_label,model_id',
    );

    const monitoringRunId = await completedRun('loan-monitoring', {
      dataset: 'loan',
      snapshotDate: '2024-10-01',
      retrainOnDegradation: false,
    });
    const monitoring = await listOf(monitoringRunId);
    assert.deepEqual(
      monitoring.artifacts.map((a) => a.name),
      ['dashboard.png', 'metrics.parquet', 'feature_psi.parquet'],
    );
    const bodies = await fetchAll(monitoring);
    await checkConversions(
      `/runs/${monitoringRunId}/artifacts/metrics.parquet`,
      bodies.get('metrics.parquet')!.rawPayload,
      'month,rows,labeled,auc,precision,recall,f1,psi,model_id',
    );
    await checkConversions(
      `/runs/${monitoringRunId}/artifacts/feature_psi.parquet`,
      bodies.get('feature_psi.parquet')!.rawPayload,
      'month,feature,psi,model_id',
    );
  });
});
