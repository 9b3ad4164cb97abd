/**
 * Records one history of every workflow path the product runs into test/fixtures/histories/, for the replay
 * test (test/temporal/replay.test.ts). Real activities on small seeded data, on the project's dev server,
 * each run started as the API starts it (precheck, then start by reference with the run's metadata).
 *
 *   npm run record-histories
 *
 * Re-record after a deliberate workflow change (see the README's "Replay tests"). Machine paths in the
 * histories (the temp data and model folders, the checkout) are rewritten to relative ones, and the script
 * fails if any is left.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { PROJECT_ROOT } from '../src/config.js';
import { promoteChampion, rollbackChampion } from '../src/pipelines/champions/client.js';
import { apiRequestUpdateId, championRegistryId } from '../src/pipelines/champions/config.js';
import { championRegistry } from '../src/pipelines/champions/pipeline.js';
import { retrainingWorkflowId } from '../src/pipelines/loan/config.js';
import type { LoanTrainingResult } from '../src/pipelines/loan/training/contract.js';
import type { LoanMonitoringResult } from '../src/pipelines/loan/monitoring/contract.js';
import type { PipelineDefinition } from '../src/pipelines/pipeline.js';
import { PIPELINES } from '../src/pipelines/registry.js';
import * as workflows from '../src/pipelines/workflows.js';
import { writeLoanSampleData } from '../src/sample-data/loan.js';
import { SEGMENTATION_SAMPLE_FILES, writeSegmentationSampleData } from '../src/sample-data/segmentation.js';
import { writeFileAtomic } from '../src/storage/atomic-file.js';
import { runStartMetadata } from '../src/temporal/search-attributes.js';
import { startTestStack, type TestStack } from '../test/support/test-stack.js';
import { historyToJson } from '../test/temporal/history-json.js';
import { withDeadline } from '../test/support/wait.js';

const FIXTURES_DIR = fileURLToPath(new URL('../test/fixtures/histories/', import.meta.url));
const LOAN_DATASET = 'loan';
/** Enough loans for three models and six monitored months, few enough to train in seconds. */
const LOAN_CUSTOMERS = 600;
const MALL_FEATURES = ['Annual Income (k$)', 'Spending Score (1-100)'];
/** Thresholds every model meets, and one no model meets (the governance gate then starts retraining). */
const LENIENT = { minAuc: 0, maxPsi: 100, minPrecision: 0, minRecall: 0 };
const UNREACHABLE_AUC = { minAuc: 1 };

const byName = new Map((PIPELINES as PipelineDefinition[]).map((pipeline) => [pipeline.name, pipeline]));

/** Starts a run the way `POST /runs/<pipeline>` does; the fixture is named after the workflow id. */
async function startRun(stack: TestStack, pipelineName: string, scenario: string, request: object) {
  const pipeline = byName.get(pipelineName);
  if (!pipeline) throw new Error(`No pipeline named ${pipelineName} in the registry`);
  const args = await pipeline.precheck(stack.config, request);
  return stack.env.client.workflow.start(pipeline.workflow, {
    workflowId: `${pipelineName}-${scenario}`,
    taskQueue: stack.config.taskQueue,
    args: [args],
    ...runStartMetadata(pipeline.name, pipeline.describe(args)),
  });
}

async function completed<T>(handle: WorkflowHandle): Promise<{ workflowId: string; result: T }> {
  const result = (await withDeadline(`${handle.workflowId} to complete`, handle.result())) as T;
  return { workflowId: handle.workflowId, result };
}

/** Every run to record, in dependency order; returns the workflow ids whose histories become fixtures. */
async function runEveryWorkflow(stack: TestStack): Promise<string[]> {
  const segmentation = ['kmeans', 'gmm'].map((algorithm) =>
    startRun(stack, 'segmentation', algorithm, {
      dataset: SEGMENTATION_SAMPLE_FILES.customers,
      features: MALL_FEATURES,
      algorithm,
      kMin: 1,
      kMax: 6,
      nInit: 3,
      seed: 42,
      testDataset: SEGMENTATION_SAMPLE_FILES.customersTest,
    }).then(completed),
  );

  const training = await completed<LoanTrainingResult>(
    await startRun(stack, 'loan-training', 'fixture', { dataset: LOAN_DATASET }),
  );
  const [inference, healthy] = await Promise.all([
    startRun(stack, 'loan-inference', 'fixture', { dataset: LOAN_DATASET }).then(completed),
    startRun(stack, 'loan-monitoring', 'ok', { dataset: LOAN_DATASET, thresholds: LENIENT }).then(
      completed<LoanMonitoringResult>,
    ),
  ]);
  if (healthy.result.decision !== 'ok') throw new Error(`${healthy.workflowId} was ${healthy.result.decision}`);
  // Last: its child replaces the dataset's champion.
  const degraded = await startRun(stack, 'loan-monitoring', 'retraining', {
    dataset: LOAN_DATASET,
    thresholds: UNREACHABLE_AUC,
  }).then(completed<LoanMonitoringResult>);
  const childId = degraded.result.retrainRunId;
  if (degraded.result.decision !== 'degraded' || !childId) {
    throw new Error(`${degraded.workflowId} started no retraining (${degraded.result.decision})`);
  }
  if (childId !== retrainingWorkflowId(degraded.result.snapshotDate, degraded.workflowId)) {
    throw new Error(`Unexpected retraining workflow id ${childId}`);
  }
  const child = await completed(stack.env.client.workflow.getHandle(childId));
  const registryId = await changeChampionByHand(stack, training.result.championModelId);
  return [
    ...(await Promise.all(segmentation)).map((r) => r.workflowId),
    ...[training, inference, healthy, degraded, child].map((r) => r.workflowId),
    registryId,
  ];
}

/**
 * The registry (long-lived: recorded while open) after the training runs' promotions: a promotion by an API
 * request back to the first model, then a rollback. Created here if the training runs did not create it.
 */
async function changeChampionByHand(stack: TestStack, firstModelId: string): Promise<string> {
  const { client } = stack.env;
  const target = { pipeline: 'loan', dataset: LOAN_DATASET } as const;
  const source = (id: string) => ({ kind: 'api', id }) as const;
  const { taskQueue } = stack.config;
  const actor = 'scripts/record-histories.ts';
  await promoteChampion(
    client,
    target,
    { modelId: firstModelId, reason: 'replay fixture: promote by hand', actor, source: source('fixture-promote') },
    { taskQueue, updateId: apiRequestUpdateId('fixture-promote') },
  );
  const state = await rollbackChampion(
    client,
    target,
    { reason: 'replay fixture: roll back by hand', actor, source: source('fixture-rollback') },
    { taskQueue, updateId: apiRequestUpdateId('fixture-rollback') },
  );
  if (state.lastChange.action !== 'rollback')
    throw new Error(`The registry's last change is ${state.lastChange.action}`);
  return championRegistryId(target.pipeline, target.dataset);
}

const JSON_PLAIN = Buffer.from('json/plain').toString('base64');

/** A payload whose data is JSON text (base64 in the history's JSON form). */
function isJsonPayload(value: Record<string, unknown>): value is { metadata: { encoding: string }; data: string } {
  const metadata = value.metadata as Record<string, unknown> | undefined;
  return typeof value.data === 'string' && metadata?.encoding === JSON_PLAIN;
}

/** Applies `rewrite` to every string of the history, inside JSON payloads too. */
function mapStrings(value: unknown, rewrite: (text: string) => string): unknown {
  if (typeof value === 'string') return rewrite(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, rewrite));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (isJsonPayload(record)) {
    const text = rewrite(Buffer.from(record.data, 'base64').toString('utf8'));
    return { ...record, data: Buffer.from(text, 'utf8').toString('base64') };
  }
  return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, mapStrings(item, rewrite)]));
}

/** The recorded folders become relative paths: `<root>/data/x` → `./data/x`, the checkout's files → `./src/…`. */
function scrubMachinePaths(history: unknown, stackRoot: string): unknown {
  const prefixes = [stackRoot, PROJECT_ROOT].sort((a, b) => b.length - a.length);
  const forbidden = [stackRoot, PROJECT_ROOT, `${tmpdir()}/`, `${homedir()}/`].filter((p) => p.length > 2);
  const scrubbed = mapStrings(history, (text) => prefixes.reduce((t, prefix) => t.replaceAll(prefix, '.'), text));
  mapStrings(scrubbed, (text) => {
    const leak = forbidden.find((path) => text.includes(path));
    if (leak) throw new Error(`A machine path (${leak}) is left in a history: ${text.slice(0, 300)}`);
    return text;
  });
  return scrubbed;
}

/** Fails before anything runs if a workflow type has no scenario here (the replay test would fail later). */
function checkEveryWorkflowIsRecorded(recordedTypes: Set<string>): void {
  const exported = Object.values(workflows)
    .filter((value) => typeof value === 'function')
    .map((fn) => fn.name);
  const missing = exported.filter((name) => !recordedTypes.has(name));
  if (missing.length > 0) {
    throw new Error(`No recorded run of ${missing.join(', ')}: add a scenario to scripts/record-histories.ts`);
  }
}

async function main(): Promise<void> {
  const recordedTypes = [...byName.values()].map((pipeline) => pipeline.workflow.name);
  checkEveryWorkflowIsRecorded(new Set([...recordedTypes, championRegistry.workflow.name]));
  const started = Date.now();
  const stack = await startTestStack();
  try {
    const { dataDir } = stack.config;
    const stackRoot = dirname(dataDir);
    await writeSegmentationSampleData(dataDir);
    await writeLoanSampleData(join(dataDir, LOAN_DATASET), { seed: 11, customers: LOAN_CUSTOMERS });
    await stack.startWorker();

    const workflowIds = await runEveryWorkflow(stack);
    const prettier = await resolveConfig(join(FIXTURES_DIR, 'history.json'));
    const fixtures = new Map<string, string>();
    for (const workflowId of workflowIds) {
      const history = await stack.env.client.workflow.getHandle(workflowId).fetchHistory();
      const scrubbed = scrubMachinePaths(historyToJson(history), stackRoot);
      // Named after the workflow id (URI-encoded: ids may hold ':'), which the replay needs and the history lacks.
      fixtures.set(
        `${encodeURIComponent(workflowId)}.json`,
        await format(JSON.stringify(scrubbed), { ...prettier, parser: 'json' }),
      );
    }

    // The folder holds exactly this recording: a fixture of a run no longer recorded would replay stale code paths.
    await mkdir(FIXTURES_DIR, { recursive: true });
    for (const old of await readdir(FIXTURES_DIR)) {
      if (old.endsWith('.json') && !fixtures.has(old)) await rm(join(FIXTURES_DIR, old));
    }
    for (const [file, text] of fixtures) {
      await writeFileAtomic(join(FIXTURES_DIR, file), text);
      console.log(`${file}: ${(Buffer.byteLength(text) / 1024).toFixed(1)} KiB`);
    }
    console.log(`Recorded ${fixtures.size} histories in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await stack.teardown();
  }
}

await main();
