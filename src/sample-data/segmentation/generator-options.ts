/** The options both segmentation CSV generators take, and their checks. */

export interface GeneratorOptions {
  seed: number;
  rows: number;
  /** First customer ID; each generator has its own default. */
  startId?: number;
}

export function assertGeneratorOptions(opts: GeneratorOptions): void {
  if (!Number.isInteger(opts.seed)) throw new Error(`seed must be an integer, got ${opts.seed}`);
  if (!Number.isInteger(opts.rows) || opts.rows < 0) throw new Error(`rows must be a non-negative integer`);
  if (opts.startId !== undefined && (!Number.isInteger(opts.startId) || opts.startId < 0)) {
    throw new Error(`startId must be a non-negative integer, got ${opts.startId}`);
  }
}
