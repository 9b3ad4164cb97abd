import { join } from 'node:path';
import type { AppConfig } from '../../../config.js';
import { writeFileAtomic } from '../../../storage/atomic-file.js';
import { renderDashboardPng, type DashboardInput } from './dashboard.js';
import { withDuckDb } from '../../../storage/duckdb.js';
import { readGoldRows, type GoldRow } from '../features.js';
import { buildGoldForMonth } from '../medallion/gold.js';
import { prepareLoanSnapshot } from '../medallion/prepare.js';
import type { LoanModelArtifact } from '../model.js';
import { loadLoanModel, scoreLoanRows } from '../scoring.js';
import type { LoanMonitoringMetrics, MonthlyMetrics } from './contract.js';
import { writeRowsAsParquet } from '../../../storage/parquet.js';
import { classificationSummary, precisionRecallCurve, rocCurve } from '../../../ml/metrics.js';
import { psiFromReference } from '../../../ml/psi.js';
import { checkpoint } from '../../../temporal/activity-context.js';

interface ScoredMonth {
  month: string;
  rows: GoldRow[];
  proba: Float64Array;
  labeled: { y: number[]; proba: number[] };
}

function hasBothClasses(y: number[]): boolean {
  return y.includes(0) && y.includes(1);
}

function monthMetrics(artifact: LoanModelArtifact, scored: ScoredMonth): MonthlyMetrics {
  const { y, proba } = scored.labeled;
  const psi = scored.proba.length ? psiFromReference(artifact.model.psiReference.score, scored.proba).psi : null;
  if (!hasBothClasses(y)) {
    return {
      month: scored.month,
      rows: scored.rows.length,
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
    rows: scored.rows.length,
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
    subtitle: `${artifact.modelId} (${artifact.algorithm}) · ${current.labeled.y.length} labelled of ${current.rows.length} loans`,
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

      const scored: ScoredMonth[] = [];
      for (const month of window) {
        const gold = await buildGoldForMonth({
          silverDir: layers.silverDir,
          goldDir: layers.goldDir,
          snapshotMonth: month,
        });
        const rows = await withDuckDb((conn) => readGoldRows(conn, gold.path));
        const { proba } = scoreLoanRows(artifact, rows);
        const labeled = { y: [] as number[], proba: [] as number[] };
        rows.forEach((row, i) => {
          if (row.label !== null) {
            labeled.y.push(Number(row.label));
            labeled.proba.push(proba[i]);
          }
        });
        scored.push({ month, rows, proba, labeled });
        await checkpoint(month);
      }
      const monthly = scored.map((s) => monthMetrics(artifact, s));
      // The evaluated month is the newest one whose outcomes are known.
      const currentIndex = monthly.findLastIndex((m) => m.auc !== null);
      const current = scored[currentIndex >= 0 ? currentIndex : scored.length - 1];
      const featurePsi = Object.fromEntries(
        Object.entries(artifact.model.psiReference.features).map(([name, reference]) => [
          name,
          psiFromReference(
            reference,
            Float64Array.from(current.rows, (r) => (typeof r[name] === 'number' ? r[name] : Number.NaN)),
          ).psi,
        ]),
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
