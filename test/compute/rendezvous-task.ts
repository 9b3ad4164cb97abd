/** Pool test tasks: a rendezvous that only succeeds if two tasks run at the same time, and a spin until told. */
import { threadId } from 'node:worker_threads';

/** Arrives at `counter[0]`, then waits (at most `timeoutMs`) until `parties` tasks have arrived. */
export function rendezvous(input: { counter: Int32Array; parties: number; timeoutMs: number }): {
  threadId: number;
  metEveryone: boolean;
} {
  const { counter, parties, timeoutMs } = input;
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
  const deadline = Date.now() + timeoutMs;
  let seen = Atomics.load(counter, 0);
  while (seen < parties && Date.now() < deadline) {
    Atomics.wait(counter, 0, seen, Math.max(1, deadline - Date.now()));
    seen = Atomics.load(counter, 0);
  }
  return { threadId, metEveryone: seen >= parties };
}

/** Sets `flag[0]` to 1 when it starts, then burns CPU until `flag[1]` is set (or forever, if aborted). */
export function spinUntilReleased(input: { flag: Int32Array }): number {
  Atomics.store(input.flag, 0, 1);
  let spins = 0;
  while (Atomics.load(input.flag, 1) === 0) spins++;
  return spins;
}
