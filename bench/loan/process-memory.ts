/** Peak resident memory of a process and every process it started (the dev server, worker processes). */
import { readdir, readFile } from 'node:fs/promises';

interface ProcessSample {
  pid: number;
  ppid: number;
  name: string;
  rssBytes: number;
}

async function readProcess(pid: number): Promise<ProcessSample | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const field = (key: string) => new RegExp(`^${key}:\\s*(.+)$`, 'm').exec(status)?.[1] ?? '';
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
    // node processes are told apart by their script (the last one: loader flags come first), others by binary.
    const script = cmdline.filter((arg, i) => i > 0 && /\.(ts|js|mjs)$/.test(arg)).at(-1);
    const name = script ? `${field('Name')} ${script.split('/').slice(-2).join('/')}` : field('Name');
    // Kernel threads and exiting processes have no VmRSS.
    const rssKb = Number.parseInt(field('VmRSS'), 10);
    return { pid, ppid: Number(field('PPid')), name, rssBytes: Number.isNaN(rssKb) ? 0 : rssKb * 1024 };
  } catch {
    return undefined; // exited meanwhile
  }
}

/** This process and its descendants, now. */
export async function processTree(root = process.pid): Promise<ProcessSample[]> {
  const pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry)).map(Number);
  const all = (await Promise.all(pids.map(readProcess))).filter((p): p is ProcessSample => p !== undefined);
  const tree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) if (!tree.has(p.pid) && tree.has(p.ppid)) grew = tree.add(p.pid) !== undefined;
  }
  return all.filter((p) => tree.has(p.pid));
}

export interface MemoryPeaks {
  /** Largest sum of RSS over the tree at one sample. */
  totalBytes: number;
  /** Largest RSS each process reached, by name (same-named processes: the largest). */
  byProcess: Record<string, number>;
  samples: number;
  /** Each sample's wall-clock time and summed RSS, to find the peak of a stage of the run. */
  timeline: { atMs: number; totalBytes: number }[];
}

/** Largest summed RSS sampled between two wall-clock times; undefined when no sample fell inside (a short stage). */
export function peakBetween(peaks: MemoryPeaks, fromMs: number, toMs: number): number | undefined {
  const inside = peaks.timeline.filter((sample) => sample.atMs >= fromMs && sample.atMs <= toMs);
  return inside.length === 0 ? undefined : Math.max(...inside.map((sample) => sample.totalBytes));
}

/** Samples the tree under `root` (this process unless given) every `everyMs` until stopped; Linux only (/proc). */
export function sampleMemory(root = process.pid, everyMs = 250): { stop(): Promise<MemoryPeaks> } {
  const peaks: MemoryPeaks = { totalBytes: 0, byProcess: {}, samples: 0, timeline: [] };
  let running = true;
  const loop = (async () => {
    while (running) {
      const tree = await processTree(root);
      peaks.samples++;
      const totalBytes = tree.reduce((sum, p) => sum + p.rssBytes, 0);
      peaks.timeline.push({ atMs: Date.now(), totalBytes });
      peaks.totalBytes = Math.max(peaks.totalBytes, totalBytes);
      for (const p of tree) peaks.byProcess[p.name] = Math.max(peaks.byProcess[p.name] ?? 0, p.rssBytes);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return peaks;
    },
  };
}
