import { join } from 'node:path';
import type { AppConfig } from '../../../config.js';
import { runComputeInActivity } from '../../../compute/activity-compute.js';
import { atomicWriteParquet, sqlString, withDuckDb } from '../../../storage/duckdb.js';
import { createTableFromColumns } from '../../../storage/parquet.js';
import { goldBuffers } from '../features.js';
import { readGoldColumns } from '../gold-columns.js';
import { buildGoldForMonth } from '../medallion/gold.js';
import { prepareLoanSnapshot } from '../medallion/prepare.js';
import { loadLoanModel } from '../scoring.js';
import { scoreGoldColumnsTask } from '../scoring-task.js';
import type { LoanInferenceResult } from './contract.js';

export interface PreparedLoanMonth {
  dataset: string;
  snapshotMonth: string;
  goldMonthPath: string;
  rows: number;
  labeled: number;
  /** Where this dataset's gold predictions go. */
  predictionsDir: string;
}

export function createLoanInferenceActivities(
  config: Pick<AppConfig, 'dataDir' | 'modelStoreDir' | 'scheduleTimeZone'>,
) {
  return {
    /** Layers for the current data version (reused when built), then the gold rows of one month. */
    async prepareLoanMonth(args: {
      dataset: string;
      snapshotDate?: string;
      referenceTime: string;
    }): Promise<PreparedLoanMonth> {
      const { layers, snapshotMonth } = await prepareLoanSnapshot(config.dataDir, args, config.scheduleTimeZone);
      const gold = await buildGoldForMonth({ silverDir: layers.silverDir, goldDir: layers.goldDir, snapshotMonth });
      return {
        dataset: args.dataset,
        snapshotMonth,
        goldMonthPath: gold.path,
        rows: gold.rows,
        labeled: gold.labeled,
        predictionsDir: join(layers.layersDir, '..', 'predictions'),
      };
    },

    /**
     * Scores the month with the champion (or the given model) on a compute thread and writes the gold
     * predictions Parquet: the scores join the gold file in DuckDB by row order, no row objects in JS.
     */
    async predictLoanMonth(args: { month: PreparedLoanMonth; modelId?: string }): Promise<LoanInferenceResult> {
      const artifact = await loadLoanModel(config.modelStoreDir, args.month.dataset, args.modelId);
      const path = join(args.month.predictionsDir, args.month.snapshotMonth, `${artifact.modelId}.parquet`);
      const goldPath = args.month.goldMonthPath;
      const gold = await withDuckDb((conn) => readGoldColumns(conn, goldPath));
      const labeled = gold.label.reduce((n, y) => n + (Number.isNaN(y) ? 0 : 1), 0);
      const [scored] = await runComputeInActivity(
        scoreGoldColumnsTask,
        (progress) => ({ model: artifact.model, golds: [{ label: args.month.snapshotMonth, gold }], progress }),
        { transferList: goldBuffers(gold) },
      );
      await withDuckDb(async (conn) => {
        await createTableFromColumns(conn, 'scores', {
          prediction: { type: 'INTEGER', values: scored.prediction },
          prediction_proba: { type: 'DOUBLE', values: scored.proba },
        });
        // The same order readGoldColumns read the rows in.
        await atomicWriteParquet(
          conn,
          `SELECT CAST(g.Customer_ID AS VARCHAR) AS Customer_ID, CAST(g.loan_id AS VARCHAR) AS loan_id,
                  CAST(g.snapshot_date AS DATE) AS snapshot_date, s.prediction, s.prediction_proba,
                  CAST(g.label AS INTEGER) AS actual_label, ${sqlString(artifact.modelId)} AS model_id
           FROM (SELECT *, CAST(row_number() OVER (ORDER BY CAST(loan_id AS VARCHAR)) - 1 AS INTEGER) AS row_index
                 FROM read_parquet(${sqlString(goldPath)})) g
           JOIN scores s USING (row_index)
           ORDER BY row_index`,
          path,
        );
      });
      return {
        dataset: args.month.dataset,
        snapshotDate: `${args.month.snapshotMonth}-01`,
        modelId: artifact.modelId,
        rows: scored.proba.length,
        labeled,
        predictedPositives: scored.prediction.reduce((n, p) => n + p, 0),
        predictionsPath: path,
      };
    },
  };
}

export type LoanInferenceActivities = ReturnType<typeof createLoanInferenceActivities>;
