import { setTimeout as sleep } from 'node:timers/promises';
import { progressReporter, type RunProgress } from './run-progress.js';
import { LOAN_PIPELINES } from './pipelines/loan/config.js';
import { SEGMENTATION_PIPELINE } from './pipelines/segmentation/config.js';
import { DRIFTED_LOAN_SAMPLE } from './sample-data/index.js';
import { SEGMENTATION_SAMPLE_FILES } from './sample-data/segmentation.js';
import type { SegmentationInput, SegmentationResult } from './pipelines/segmentation/contract.js';
import type { LoanInferenceResult } from './pipelines/loan/inference/contract.js';
import type { LoanMonitoringResult } from './pipelines/loan/monitoring/contract.js';
import type { LoanTrainingResult } from './pipelines/loan/training/contract.js';

/** The demo runs, as an operator would start them over REST. */
export const DEMO_SEGMENTATION_RUNS: { title: string; body: SegmentationInput }[] = [
  {
    title: 'K-Means on mall customers (Annual Income, Spending Score)',
    body: {
      dataset: SEGMENTATION_SAMPLE_FILES.customers,
      features: ['Annual Income (k$)', 'Spending Score (1-100)'],
      algorithm: 'kmeans',
      kMin: 1,
      kMax: 10,
      nInit: 10,
      seed: 42,
      testDataset: SEGMENTATION_SAMPLE_FILES.customersTest,
    },
  },
  {
    title: 'GMM on credit-card customers (BALANCE, PURCHASES, CREDIT_LIMIT)',
    body: {
      dataset: SEGMENTATION_SAMPLE_FILES.creditCard,
      features: ['BALANCE', 'PURCHASES', 'CREDIT_LIMIT'],
      algorithm: 'gmm',
      kMin: 1,
      kMax: 10,
      nInit: 1,
      seed: 42,
      testDataset: SEGMENTATION_SAMPLE_FILES.creditCardTest,
    },
  },
];

/** Where the API is and the key the demo sends (`Authorization: Bearer <key>`). */
export interface ApiTarget {
  url: string;
  key: string;
}

const authorization = (api: ApiTarget) => ({ authorization: `Bearer ${api.key}` });

interface RunStatus {
  status: string;
  progress?: unknown;
  result: unknown;
  error: unknown;
  temporalUiUrl?: string;
}

async function postJson<T>(api: ApiTarget, path: string, body: unknown): Promise<T> {
  const url = `${api.url}${path}`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authorization(api) },
    body: JSON.stringify(body),
  });
  const payload = (await response.json()) as T & { message?: string };
  if (!response.ok) throw new Error(`POST ${url} → ${response.status}: ${payload.message ?? ''}`);
  return payload;
}

/** Polls GET /runs/:runId until the run closes, showing its live progress (stage, k or models done). */
export async function waitForRun(
  api: ApiTarget,
  runId: string,
  { timeoutMs = 10 * 60_000, label = runId }: { timeoutMs?: number; label?: string } = {},
): Promise<RunStatus> {
  const deadline = Date.now() + timeoutMs;
  const url = `${api.url}/runs/${encodeURIComponent(runId)}`;
  const reporter = progressReporter(label);
  try {
    for (;;) {
      const response = await fetch(url, { headers: authorization(api) });
      const status = (await response.json()) as RunStatus & { message?: string };
      if (!response.ok) throw new Error(`GET ${url} → ${response.status}: ${status.message ?? ''}`);
      if (status.status !== 'running') return status;
      reporter.update(status.progress as RunProgress | null);
      if (Date.now() > deadline) throw new Error(`Run ${runId} still running after ${timeoutMs / 1000} s`);
      await sleep(250);
    }
  } finally {
    reporter.done();
  }
}

function describeSegmentation(result: SegmentationResult): string[] {
  const curve = result.curve.map((p) => `k=${p.k}:${p.score.toPrecision(4)}`).join('  ');
  const assigned = result.testPredictions
    .slice(0, 8)
    .map((p) => (p.probabilities ? `${p.cluster}(${Math.max(...p.probabilities).toFixed(2)})` : String(p.cluster)))
    .join(', ');
  return [
    `  chosen k: ${result.optimalK}${result.elbowFound ? ' (Kneedle elbow)' : ' (no elbow found: kMin)'}; ${result.rows} rows clustered, ${result.droppedRows} dropped`,
    `  ${result.metric.toUpperCase()} curve: ${curve}`,
    `  cluster sizes: ${result.clusterSizes.join(', ')}`,
    `  test rows (first ${Math.min(8, result.testPredictions.length)} of ${result.testPredictions.length}): ${assigned}`,
    `  model: ${result.modelId}`,
  ];
}

const pct = (value: number | null | undefined) => (typeof value === 'number' ? value.toFixed(3) : '-');

function describeLoanRun(pipeline: string, result: unknown): string[] {
  if (pipeline === LOAN_PIPELINES.training) {
    const r = result as LoanTrainingResult;
    return [
      `  gold: ${r.rows.gold} loans (${r.snapshotRange.min} … ${r.snapshotRange.max}); train ${r.rows.train}, test ${r.rows.test}; quality removed ${r.quality.removedCustomers} customers`,
      ...r.models.map(
        (m) =>
          `  ${m.name.padEnd(20)} test AUC ${pct(m.testAuc)}  train AUC ${pct(m.trainAuc)}  P ${pct(m.precision)}  R ${pct(m.recall)}  F1 ${pct(m.f1)}  fit ${m.fitSeconds.toFixed(2)} s`,
      ),
      `  champion: ${r.championModelId} (${r.championAlgorithm})`,
    ];
  }
  if (pipeline === LOAN_PIPELINES.inference) {
    const r = result as LoanInferenceResult;
    return [
      `  ${r.snapshotDate}: ${r.rows} loans scored with ${r.modelId}, ${r.predictedPositives} predicted to default`,
      `  predictions: ${r.predictionsPath}`,
    ];
  }
  const r = result as LoanMonitoringResult;
  return [
    `  ${r.current.month}: AUC ${pct(r.current.auc)}  precision ${pct(r.current.precision)}  recall ${pct(r.current.recall)}  F1 ${pct(r.current.f1)}  score PSI ${pct(r.psi.score)}`,
    `  decision: ${r.decision}${r.reasons.length ? ` (${r.reasons.join('; ')})` : ''}${r.retrainRunId ? `; retraining run ${r.retrainRunId}` : ''}`,
    `  dashboard: ${r.dashboardPath}`,
  ];
}

/**
 * Training → inference → monitoring on the sample data; then a model trained before a drift, whose monitoring
 * gate starts a retraining run.
 */
const LOAN_DEMO_RUNS: { title: string; pipeline: string; body: object }[] = [
  {
    title: 'training (out-of-time split: loans before 2024-07 train, later ones test)',
    pipeline: LOAN_PIPELINES.training,
    body: { dataset: 'loan', split: { kind: 'out-of-time', cutoffMonth: '2024-07' } },
  },
  {
    title: 'inference for 2025-01',
    pipeline: LOAN_PIPELINES.inference,
    body: { dataset: 'loan', snapshotDate: '2025-01' },
  },
  {
    title: 'monitoring 2024-07 … 2024-12',
    pipeline: LOAN_PIPELINES.monitoring,
    body: { dataset: 'loan', snapshotDate: '2024-12' },
  },
  {
    title: `training on ${DRIFTED_LOAN_SAMPLE.folder} before its drift (distributions shift from ${DRIFTED_LOAN_SAMPLE.driftFromMonth})`,
    pipeline: LOAN_PIPELINES.training,
    body: { dataset: DRIFTED_LOAN_SAMPLE.folder, split: { kind: 'out-of-time', cutoffMonth: '2024-07' } },
  },
  {
    title: `monitoring ${DRIFTED_LOAN_SAMPLE.folder} after the drift`,
    pipeline: LOAN_PIPELINES.monitoring,
    body: { dataset: DRIFTED_LOAN_SAMPLE.folder, snapshotDate: '2024-12' },
  },
];

async function runLoanDemo(api: ApiTarget, log: (line: string) => void): Promise<boolean> {
  for (const demo of LOAN_DEMO_RUNS) {
    const { runId } = await postJson<{ runId: string }>(api, `/runs/${demo.pipeline}`, demo.body);
    const run = await waitForRun(api, runId, { label: `${demo.pipeline} (${demo.title})` });
    log(`\nLoan default — ${demo.title}\n  run: ${runId} → ${run.status}`);
    if (run.status !== 'completed') {
      log(`  error: ${JSON.stringify(run.error)}`);
      return false;
    }
    describeLoanRun(demo.pipeline, run.result).forEach((line) => log(line));
    if (run.temporalUiUrl) log(`  Temporal UI: ${run.temporalUiUrl}`);
    const retrainRunId = (run.result as Partial<LoanMonitoringResult>).retrainRunId;
    if (retrainRunId) {
      const retrain = await waitForRun(api, retrainRunId, { label: 'retraining started by the governance gate' });
      log(`\nLoan default — retraining started by the governance gate\n  run: ${retrainRunId} → ${retrain.status}`);
      if (retrain.status !== 'completed') return false;
      describeLoanRun(LOAN_PIPELINES.training, retrain.result).forEach((line) => log(line));
    }
  }
  return true;
}

/** Starts the demo runs through the API, waits for each and prints what an operator wants to see. */
export async function runDemo(api: ApiTarget, log: (line: string) => void): Promise<boolean> {
  let allOk = true;
  const started = await Promise.all(
    DEMO_SEGMENTATION_RUNS.map(async (demo) => ({
      demo,
      ...(await postJson<{ runId: string }>(api, `/runs/${SEGMENTATION_PIPELINE}`, demo.body)),
    })),
  );
  for (const { demo, runId } of started) {
    const run = await waitForRun(api, runId, { label: demo.title });
    log(`\n${demo.title}\n  run: ${runId} → ${run.status}`);
    if (run.status === 'completed') describeSegmentation(run.result as SegmentationResult).forEach((line) => log(line));
    else {
      allOk = false;
      log(`  error: ${JSON.stringify(run.error)}`);
    }
    log(`  API: ${api.url}/runs/${runId}`);
    if (run.temporalUiUrl) log(`  Temporal UI: ${run.temporalUiUrl}`);
  }
  return (await runLoanDemo(api, log)) && allOk;
}
