import { setTimeout as sleep } from 'node:timers/promises';

/** Deadlines only stop a broken run from hanging the suite; they assert nothing about speed. */
export const DEFAULT_DEADLINE_MS = 180_000;

/** Polls `probe` until it returns a value; fails naming `what` if the deadline passes first. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  { deadlineMs = DEFAULT_DEADLINE_MS, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Timed out after ${deadlineMs} ms waiting for ${what}${cause}`);
    }
    await sleep(intervalMs);
  }
}

/** The promise's value, or a failure naming `what` if it does not settle before the deadline. */
export async function withDeadline<T>(what: string, promise: Promise<T>, deadlineMs = DEFAULT_DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${deadlineMs} ms waiting for ${what}`)), deadlineMs);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
