import { join } from 'node:path';
import type { AppConfig } from '../../../config.js';
import { writeFileAtomic } from '../../../storage/atomic-file.js';
import { renderDashboardPng, type DashboardInput } from './dashboard.js';
import { runComputeInActivity } from '../../../compute/activity-compute.js';
import { withDuckDb } from '../../../storage/duckdb.js';
import type { GoldColumns } from '../features.js';
import { readGoldColumns } from '../gold-columns.js';
import { buildGoldForMonth } from '../medallion/gold.js';
import { prepareLoanSnapshot } from '../medallion/prepare.js';
import type { LoanModelArtifact } from '../model.js';
import { loadLoanModel } from '../scoring.js';
import { scoreGoldColumnsTask } from '../scoring-task.js';
import type { LoanMonitoringMetrics, MonthlyMetrics } from './contract.js';
import { writeRowsAsParquet } from '../../../storage/parquet.js';
import { classificationSummary, precisionRecallCurve, rocCurve } from '../../../ml/metrics.js';
import { psiFromReference } from '../../../ml/psi.js';
import { GOLD_NUMERIC_FEATURES } from '../medallion/schemas.js';
import { checkpoint } from '../../../temporal/activity-context.js';

interface ScoredMonth {
  month: string;
  gold: GoldColumns;
  proba: Float64Array;
  /** The loans whose outcome is known: labels and scores. */
  labeled: { y: Float64Array; proba: Float64Array };
}

function hasBothClasses(y: Float64Array): boolean {
  return y.includes(0) && y.includes(1);
}

/** Labels and scores of the rows whose label is known. */
function labeledScores(label: Float64Array, proba: Float64Array): ScoredMonth['labeled'] {
  const rows: number[] = [];
  label.forEach((y, i) => {
    if (!Number.isNaN(y)) rows.push(i);
  });
  return { y: Float64Array.from(rows, (i) => label[i]), proba: Float64Array.from(rows, (i) => proba[i]) };
}

function monthMetrics(artifact: LoanModelArtifact, scored: ScoredMonth): MonthlyMetrics {
  const { y, proba } = scored.labeled;
  const psi = scored.proba.length ? psiFromReference(artifact.model.psiReference.score, scored.proba).psi : null;
  if (!hasBothClasses(y)) {
    return {
      month: scored.month,
      rows: scored.gold.nRows,
      labeled: y.length,
      auc: null,
      precision: null,
      recall: null,
      f1: null,
      psi,
    };
  }
  const summary = classificationSummary(y, proba, artifact.model.threshold);
  return {
    month: scored.month,
    rows: scored.gold.nRows,
    labeled: y.length,
    auc: summary.auc,
    precision: summary.precision,
    recall: summary.recall,
    f1: summary.f1,
    psi,
  };
}

/** Keeps at most `max` points of a curve (history and charts need the shape, not every threshold). */
function thin(values: number[], max = 200): number[] {
  if (values.length <= max) return values;
  const step = (values.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => values[Math.round(i * step)]);
}

function dashboardInput(
  artifact: LoanModelArtifact,
  current: ScoredMonth,
  monthly: MonthlyMetrics[],
  thresholds: DashboardInput['thresholds'],
): DashboardInput {
  const { y, proba } = current.labeled;
  const both = hasBothClasses(y);
  const roc = both ? rocCurve(y, proba, { dropIntermediate: true }) : { fpr: [], tpr: [] };
  const pr = both ? precisionRecallCurve(y, proba, { dropIntermediate: true }) : { precision: [], recall: [] };
  const summary = both ? classificationSummary(y, proba, artifact.model.threshold) : undefined;
  const reference = artifact.model.psiReference.score;
  const psi = psiFromReference(reference, current.proba);
  const edges = [0, ...reference.edges, 1];
  return {
    title: `Loan default model — monitoring ${current.month}`,
    subtitle: `${artifact.modelId} (${artifact.algorithm}) · ${current.labeled.y.length} labelled of ${current.gold.nRows} loans`,
    roc: { fpr: thin(roc.fpr), tpr: thin(roc.tpr), auc: summary?.auc ?? Number.NaN },
    pr: {
      precision: thin(pr.precision),
      recall: thin(pr.recall),
      baseline: y.length ? y.reduce((a, b) => a + b, 0) / y.length : 0,
    },
    confusion: { ...(summary?.confusion ?? { tn: 0, fp: 0, fn: 0, tp: 0 }), threshold: artifact.model.threshold },
    scoreHistogram: { edges, reference: reference.expectedPct, current: psi.bins.map((b) => b.actualPct) },
    monthly: monthly.map(({ month, auc, precision, recall, f1, psi: monthPsi }) => ({
      month,
      auc,
      precision,
      recall,
      f1,
      psi: monthPsi,
    })),
    thresholds,
  };
}

export function createLoanMonitoringActivities(
  config: Pick<AppConfig, 'dataDir' | 'modelStoreDir' | 'scheduleTimeZone'>,
) {
  return {
    /**
     * Scores the last `months` loan-start months with the model, computes per-month AUC / precision / recall /
     * F1 and score PSI, feature PSI for the evaluated month, writes them to Parquet and renders the dashboard.
     */
    async computeLoanMonitoring(args: {
      dataset: string;
      snapshotDate?: string;
      referenceTime: string;
      months: number;
      modelId?: string;
      thresholds: { minAuc: number; minPrecision: number; minRecall: number };
    }): Promise<LoanMonitoringMetrics> {
      const artifact = await loadLoanModel(config.modelStoreDir, args.dataset, args.modelId);
      const {
        layers,
        months: available,
        snapshotMonth: target,
      } = await prepareLoanSnapshot(config.dataDir, args, config.scheduleTimeZone);
      const window = available.filter((m) => m <= target).slice(-Math.max(1, args.months));

      const golds: { label: string; gold: GoldColumns }[] = [];
      for (const month of window) {
        const built = await buildGoldForMonth({
          silverDir: layers.silverDir,
          goldDir: layers.goldDir,
          snapshotMonth: month,
        });
        golds.push({ label: month, gold: await withDuckDb((conn) => readGoldColumns(conn, built.path)) });
        await checkpoint(month);
      }
      // All months in one task: the model crosses to the thread once. The columns are copied, not moved:
      // labels and features are needed here afterwards.
      const scores = await runComputeInActivity(scoreGoldColumnsTask, (progress) => ({
        model: artifact.model,
        golds,
        progress,
      }));
      const scored: ScoredMonth[] = golds.map(({ label: month, gold }, k) => ({
        month,
        gold,
        proba: scores[k].proba,
        labeled: labeledScores(gold.label, scores[k].proba),
      }));
      const monthly = scored.map((s) => monthMetrics(artifact, s));
      // The evaluated month is the newest one whose outcomes are known.
      const currentIndex = monthly.findLastIndex((m) => m.auc !== null);
      const current = scored[currentIndex >= 0 ? currentIndex : scored.length - 1];
      const featurePsi = Object.fromEntries(
        Object.entries(artifact.model.psiReference.features).map(([name, reference]) => {
          const column = current.gold.numeric[GOLD_NUMERIC_FEATURES.indexOf(name)];
          return [name, column ? psiFromReference(reference, column).psi : Number.NaN];
        }),
      );

      const outDir = join(layers.layersDir, '..', 'monitoring', target, artifact.modelId);
      const metricsPath = join(outDir, 'metrics.parquet');
      const dashboardPath = join(outDir, 'dashboard.png');
      await withDuckDb(async (conn) => {
        await writeRowsAsParquet(
          conn,
          monthly.map((m) => ({ ...m, model_id: artifact.modelId })),
          {
            month: 'VARCHAR',
            rows: 'INTEGER',
            labeled: 'INTEGER',
            auc: 'DOUBLE',
            precision: 'DOUBLE',
            recall: 'DOUBLE',
            f1: 'DOUBLE',
            psi: 'DOUBLE',
            model_id: 'VARCHAR',
          },
          metricsPath,
        );
        await writeRowsAsParquet(
          conn,
          Object.entries(featurePsi).map(([feature, psi]) => ({
            month: current.month,
            feature,
            psi,
            model_id: artifact.modelId,
          })),
          { month: 'VARCHAR', feature: 'VARCHAR', psi: 'DOUBLE', model_id: 'VARCHAR' },
          join(outDir, 'feature_psi.parquet'),
        );
      });
      await writeFileAtomic(
        dashboardPath,
        renderDashboardPng(dashboardInput(artifact, current, monthly, args.thresholds)),
      );
      const currentMetrics = monthly[scored.indexOf(current)];
      return {
        modelId: artifact.modelId,
        snapshotDate: `${target}-01`,
        current: currentMetrics,
        monthly,
        psi: { score: currentMetrics.psi ?? 0, features: featurePsi },
        metricsPath,
        dashboardPath,
      };
    },
  };
}

export type LoanMonitoringActivities = ReturnType<typeof createLoanMonitoringActivities>;
