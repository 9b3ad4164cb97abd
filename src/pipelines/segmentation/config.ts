/** Names, ids and the sweep's plan of the segmentation pipeline. Pure: safe inside the workflow sandbox. */
import type { SegmentationAlgorithm } from './contract.js';

/** The API's pipeline name: `POST /runs/segmentation`, run ids `segmentation-<uuid>`. */
export const SEGMENTATION_PIPELINE = 'segmentation';

/** Model ids say what they are and are deterministic for a run, so a retried save rewrites one file. */
export function segmentationModelId(algorithm: string, runStamp: string): string {
  return `segmentation-${algorithm}-${runStamp}`;
}

/**
 * Seconds one fit costs per row, restart and cluster on this project's 2-core machine (measured: K-Means on
 * Mall, k = 1..50, nInit = 10 sums to ~0.3 s; the GMM on 8,950 credit-card rows, k = 1..20, to ~4 s). Only
 * the ratios between ks and the order of magnitude matter: they size and balance the sweep's chunks.
 */
const SECONDS_PER_ROW_CLUSTER_RESTART: Record<SegmentationAlgorithm, number> = { kmeans: 1.2e-7, gmm: 2e-6 };
/** A chunk worth an activity: its round trip (tens of ms) stays a small part of it. */
const TARGET_CHUNK_SECONDS = 0.25;
/** Enough chunks for a live k-done count on long sweeps, few enough to keep the Temporal timeline readable. */
export const MAX_SWEEP_CHUNKS = 20;
/** Chunks in flight at once: more than a 2-core pool's threads, so a chunk's round trip never idles a core. */
export const SWEEP_CONCURRENCY = 4;

export interface SweepPlanInput {
  algorithm: SegmentationAlgorithm;
  kMin: number;
  kMax: number;
  nInit: number;
  /** Rows that are clustered. */
  rows: number;
}

/** Estimated seconds of one fit at k (a k = 1 fit still reads every row). */
export function estimatedFitSeconds(plan: Omit<SweepPlanInput, 'kMin' | 'kMax'>, k: number): number {
  return SECONDS_PER_ROW_CLUSTER_RESTART[plan.algorithm] * plan.rows * plan.nInit * (k + 1);
}

/**
 * The k range cut into consecutive chunks of about equal estimated cost (a chunk of high ks holds fewer ks
 * than one of low ks): at least two when there are two ks (both cores work), more for long sweeps (one per
 * ~TARGET_CHUNK_SECONDS, at most MAX_SWEEP_CHUNKS), every k exactly once, in order.
 */
export function sweepChunks(plan: SweepPlanInput): number[][] {
  const ks = Array.from({ length: plan.kMax - plan.kMin + 1 }, (_, i) => plan.kMin + i);
  const costs = ks.map((k) => estimatedFitSeconds(plan, k));
  const total = costs.reduce((sum, cost) => sum + cost, 0);
  const wanted = Math.ceil(total / TARGET_CHUNK_SECONDS);
  const count = Math.max(Math.min(ks.length, 2), Math.min(ks.length, MAX_SWEEP_CHUNKS, wanted));
  const share = total / count;
  const chunks: number[][] = Array.from({ length: count }, () => []);
  let before = 0;
  ks.forEach((k, i) => {
    // A k belongs to the chunk its cost's midpoint falls in.
    const index = Math.min(count - 1, Math.floor((before + costs[i] / 2) / share));
    chunks[index].push(k);
    before += costs[i];
  });
  return chunks.filter((chunk) => chunk.length > 0);
}

/** "k=3" or "k=3..7". */
export function kRange(ks: readonly number[]): string {
  return ks.length === 1 ? `k=${ks[0]}` : `k=${ks[0]}..${ks[ks.length - 1]}`;
}
