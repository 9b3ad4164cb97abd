/**
 * One gold read for the fits a training run starts together. Its three trainLoanModel activities start within
 * milliseconds on a worker and read the same gold file; reading it once saves two reads (0.3 s each on the
 * CS611 files, tens of seconds at 100x) and lets the three submit their fits in the same turn, so the pool
 * starts the longest first (`priority` in compute/pool.ts). Every caller gets the same columns: the read puts
 * them in SharedArrayBuffers (readGoldColumns' `shared`), which the compute threads share and only read, so
 * the fits hold one copy instead of three (at 10× that was 100 MB of the fits' peak). A read is forgotten once
 * it settles, so a retried activity reads the file again.
 */
import type { GoldColumns } from '../features.js';

const reads = new Map<string, Promise<GoldColumns>>();

/** `read()` unless a read of the same `key` is under way, whose result is returned instead. */
export function readGoldOnce(key: string, read: () => Promise<GoldColumns>): Promise<GoldColumns> {
  let shared = reads.get(key);
  if (!shared) {
    // Registered before any caller's await, so the entry is gone before the first caller resumes.
    shared = read().finally(() => reads.delete(key));
    reads.set(key, shared);
  }
  return shared;
}
