/**
 * One gold read for the fits a training run starts together. Its three trainLoanModel activities start within
 * milliseconds on a worker and read the same gold file; reading it once saves two reads (0.3 s each on the
 * CS611 files, tens of seconds at 100x) and lets the three submit their fits in the same turn, so the pool
 * starts the longest first (`priority` in compute/pool.ts). Each caller gets columns of its own, since they
 * are moved into a compute thread: copies for all but the last caller, which takes the read itself. A read is
 * forgotten once it settles, so a retried activity reads the file again.
 */
import type { GoldColumns } from '../features.js';

interface SharedRead {
  promise: Promise<GoldColumns>;
  /** Callers still to take their columns. */
  waiting: number;
}

const reads = new Map<string, SharedRead>();

/** Columns with buffers of their own. */
export function copyGold(gold: GoldColumns): GoldColumns {
  return {
    nRows: gold.nRows,
    numeric: gold.numeric.map((column) => column.slice()),
    categorical: gold.categorical.map((column) => ({ ...column, codes: column.codes.slice() })),
    label: gold.label.slice(),
    snapshotMonth: gold.snapshotMonth.slice(),
  };
}

/** `read()` unless a read of the same `key` is under way, whose result (or a copy of it) is returned instead. */
export async function readGoldOnce(key: string, read: () => Promise<GoldColumns>): Promise<GoldColumns> {
  let shared = reads.get(key);
  if (!shared) {
    // Registered before any caller's await, so the entry is gone before the first caller resumes.
    const promise = read().finally(() => reads.delete(key));
    shared = { promise, waiting: 0 };
    reads.set(key, shared);
  }
  const entry = shared;
  entry.waiting++;
  try {
    const gold = await entry.promise;
    return entry.waiting === 1 ? gold : copyGold(gold);
  } finally {
    entry.waiting--;
  }
}
