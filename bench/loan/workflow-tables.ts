/** The workflow half of the loan report: wall times per run, where the time goes, the training activities. */
import { LOAN_MODEL_KINDS } from '../../src/pipelines/loan/contract.js';
import { FAMILY_TITLES } from '../support/classifier-rows.js';
import { fixed, markdownTable, verdict } from '../support/markdown.js';
import { median, mostCommon } from '../support/stats.js';
import { stageStats, type StageStats } from '../support/workflow-history.js';
import type { QualityReport } from './models.js';
import { TARGET_SECONDS, WORKFLOWS } from './setup.js';
import type { LifecycleRun } from './workflows.js';

export function wallTable(runs: LifecycleRun[]): string {
  const header =
    `Workflow | ${runs.map((_, i) => `Run ${i + 1} s`).join(' | ')} | Min s | Median s | Server-side median s | ` +
    'Process CPU s (median) | Target s | Met (median)';
  const rows = WORKFLOWS.map((name) => {
    const walls = runs.map((r) => r.timings[name].wallSeconds);
    const server = median(runs.map((r) => r.timings[name].serverSeconds));
    const cpu = median(runs.map((r) => r.timings[name].cpuSeconds));
    const target = TARGET_SECONDS[name];
    const summary = [Math.min(...walls), median(walls), server, cpu].map((v) => fixed(v));
    return [name, ...walls.map((w) => fixed(w)), ...summary, String(target), verdict(median(walls) <= target)];
  });
  return markdownTable(header, `l${'r'.repeat(runs.length)}rrrrrl`, rows);
}

/** Per activity type, the median over runs of each statistic; plus what the activities do not account for. */
export function stageTable(runs: LifecycleRun[]): string {
  const header =
    'Workflow | Stage (activity type) | Activities | Span s | Longest activity s | Slowest (most runs) | ' +
    'Max queue wait s | Share of wall';
  const rows: string[][] = [];
  for (const name of WORKFLOWS) {
    const perRun = runs.map((r) => stageStats(r.timings[name].activities));
    const wall = median(runs.map((r) => r.timings[name].wallSeconds));
    const share = (seconds: number) => `${fixed((100 * seconds) / wall, 0)}%`;
    for (const { type, count } of perRun[0]) {
      const ofType = perRun.flatMap((stats) => stats.filter((st) => st.type === type));
      const pick = (f: (st: StageStats) => number) => fixed(median(ofType.map(f)));
      const span = median(ofType.map((st) => st.spanSeconds));
      const slowest = mostCommon(ofType.map((st) => st.slowestLabel));
      const longest = pick((st) => st.longestSeconds);
      rows.push([name, type, String(count), fixed(span), longest, slowest, pick((st) => st.queueSeconds), share(span)]);
    }
    const overhead = median(
      runs.map((r, i) => r.timings[name].wallSeconds - perRun[i].reduce((sum, st) => sum + st.spanSeconds, 0)),
    );
    rows.push([
      name,
      '_between activities (workflow tasks, client)_',
      '',
      fixed(overhead),
      '',
      '',
      '',
      share(overhead),
    ]);
  }
  return markdownTable(header, 'llrrrlrr', rows);
}

export function trainingModelTable(runs: LifecycleRun[], quality: QualityReport): string {
  const header =
    'Model | Activity s in workflow (3 in parallel) | fitSeconds reported | Activity s alone (in-process) | ' +
    'Fit s alone (median)';
  const rows = LOAN_MODEL_KINDS.map((kind) => {
    const inWorkflow = median(
      runs.flatMap((r) =>
        r.timings.training.activities
          .filter((a) => a.type === 'trainLoanModel' && a.label === kind)
          .map((a) => (a.completedMs - a.startedMs) / 1000),
      ),
    );
    const reported = median(
      runs.flatMap((r) => r.training.models.filter((m) => m.name === kind).map((m) => m.fitSeconds)),
    );
    const alone = quality.ours.find((o) => o.model === kind);
    const aloneFit = alone ? fixed(median(alone.fitSeconds), 3) : '–';
    return [FAMILY_TITLES[kind], fixed(inWorkflow), fixed(reported), fixed(quality.aloneSeconds[kind]), aloneFit];
  });
  return markdownTable(header, 'lrrrr', rows);
}
