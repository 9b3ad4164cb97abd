/**
 * Segmentation end to end through the API, as `npm start` runs it (support/child-stack.ts: dist/main.js in a
 * process of its own): the dev server, the API and one worker process (its compute pool uses every core). Each run is timed from the POST to the GET that
 * shows it completed, a long poll (`?waitSeconds`) answered as soon as the run closes: no polling interval, and
 * no polling load (a GET every few milliseconds used to query the worker that was fitting).
 */
import { symlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';

import type { SegmentationInput, SegmentationResult } from '../../src/pipelines/segmentation/contract.js';
import { postJson, waitForRun, type Api } from '../predict/http.js';
import { startChildStack } from '../support/child-stack.js';

export interface ApiWorkload {
  /** The CSV (symlinked into the stack's DATA_DIR under its own name). */
  csvPath: string;
  request: Omit<SegmentationInput, 'dataset'>;
}

export interface ApiTiming {
  /** Seconds per timed run, POST to completed. */
  seconds: number[];
  /** The warm-up run's seconds (worker threads start and compile the fit code). */
  firstSeconds: number;
  result: SegmentationResult;
}

async function runOnce(api: Api, request: SegmentationInput): Promise<{ seconds: number; result: SegmentationResult }> {
  const started = performance.now();
  const { runId } = await postJson<{ runId: string }>(api, '/runs/segmentation', request);
  const run = await waitForRun(api, runId);
  return { seconds: (performance.now() - started) / 1000, result: run.result as SegmentationResult };
}

/** Starts the stack once, runs each workload once to warm up and `repeats` times timed, then stops it. */
export async function timeThroughApi(
  workloads: ApiWorkload[],
  repeats: number,
  log: (line: string) => void,
): Promise<ApiTiming[]> {
  const { api, stop } = await startChildStack({
    name: 'segmentation-api',
    workers: 1,
    log,
    prepare: async (dataDir) => {
      for (const { csvPath } of workloads) await symlink(csvPath, join(dataDir, basename(csvPath)));
    },
  });
  try {
    const timings: ApiTiming[] = [];
    for (const workload of workloads) {
      const request = { dataset: basename(workload.csvPath), ...workload.request };
      const first = await runOnce(api, request);
      log(`API ${request.algorithm} on ${request.dataset}: warm-up ${first.seconds.toFixed(2)} s`);
      const seconds: number[] = [];
      let result = first.result;
      for (let r = 0; r < repeats; r++) {
        const run = await runOnce(api, request);
        seconds.push(run.seconds);
        result = run.result;
        log(`API ${request.algorithm} on ${request.dataset}: ${run.seconds.toFixed(2)} s`);
      }
      timings.push({ seconds, firstSeconds: first.seconds, result });
    }
    return timings;
  } finally {
    await stop();
  }
}
