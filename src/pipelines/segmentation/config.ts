/** Names and ids of the segmentation pipeline. Pure: safe inside the workflow sandbox. */

/** The API's pipeline name: `POST /runs/segmentation`, run ids `segmentation-<uuid>`. */
export const SEGMENTATION_PIPELINE = 'segmentation';

/** Model ids say what they are and are deterministic for a run, so a retried save rewrites one file. */
export function segmentationModelId(algorithm: string, runStamp: string): string {
  return `segmentation-${algorithm}-${runStamp}`;
}

/** About ten progress steps whatever the k range: each chunk of ks is one activity. */
export function chunkKs(kMin: number, kMax: number, chunks = 10): number[][] {
  const ks = Array.from({ length: kMax - kMin + 1 }, (_, i) => kMin + i);
  const size = Math.max(1, Math.ceil(ks.length / chunks));
  const out: number[][] = [];
  for (let i = 0; i < ks.length; i += size) out.push(ks.slice(i, i + size));
  return out;
}
