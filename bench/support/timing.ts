/** Wall-clock and process-CPU timing of synchronous work (fits, sweeps). */

/** Seconds of wall time since `startMs` (a `performance.now()` reading). */
export function secondsSince(startMs: number): number {
  return (performance.now() - startMs) / 1000;
}

/** Process CPU seconds (user + system) since `start` (a `process.cpuUsage()` reading). */
export function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

export interface RepeatedTiming<T> {
  /** Wall seconds per repeat. */
  seconds: number[];
  /** Process CPU seconds per repeat: less sensitive than wall time to other load on a shared machine. */
  cpuSeconds: number[];
  /** What the last repeat returned. */
  last: T;
}

/** Runs `work` `repeats` (≥ 1) times, timing each run. */
export function timeRepeats<T>(repeats: number, work: () => T): RepeatedTiming<T> {
  const seconds: number[] = [];
  const cpuSeconds: number[] = [];
  let last!: T;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    last = work();
    cpuSeconds.push(cpuSecondsSince(cpuStart));
    seconds.push(secondsSince(start));
  }
  return { seconds, cpuSeconds, last };
}

export interface FitTiming {
  /** First fit of the process (for ours: includes JIT warm-up). */
  coldSeconds: number;
  fitSeconds: number[];
  /** Process CPU time per timed fit: less sensitive than wall time to other load on a shared machine. */
  fitCpuSeconds: number[];
}

/** A cold first fit, then `repeats` timed fits (wall and CPU); `fitted` is the model of the last fit. */
export function timeFits<M>(fit: () => M, repeats: number): { fitted: M; timing: FitTiming } {
  const coldStart = performance.now();
  fit();
  const coldSeconds = secondsSince(coldStart);
  const { seconds, cpuSeconds, last } = timeRepeats(repeats, fit);
  return { fitted: last, timing: { coldSeconds, fitSeconds: seconds, fitCpuSeconds: cpuSeconds } };
}
