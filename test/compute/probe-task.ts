import { getHeapStatistics } from 'node:v8';

export function square(input: { x: number }): number {
  let s = 0;
  for (let i = 0; i < 1e8; i++) s += i % 3;
  return input.x * input.x + (s > 0 ? 0 : 1);
}

/** Appends `id` to a shared log (`log[0]` counts the entries): the order tasks started in. */
export function recordStart(input: { log: Int32Array; id: number }): number {
  const index = Atomics.add(input.log, 0, 1);
  Atomics.store(input.log, 1 + index, input.id);
  return index;
}

/** Memory outside this thread's JavaScript heap (ArrayBuffers among it), in bytes; the input is only held. */
export function externalMemory(_input: { buffer?: ArrayBuffer }): number {
  return getHeapStatistics().external_memory;
}
