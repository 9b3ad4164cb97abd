import { join } from 'node:path';
import type { AppConfig } from '../../../config.js';
import { withDuckDb } from '../../../storage/duckdb.js';
import { readGoldRows } from '../features.js';
import { buildGoldForMonth } from '../medallion/gold.js';
import { prepareLoanSnapshot } from '../medallion/prepare.js';
import { loadLoanModel, scoreLoanRows } from '../scoring.js';
import type { LoanInferenceResult } from './contract.js';
import { writeRowsAsParquet } from '../../../storage/parquet.js';

export interface PreparedLoanMonth {
  dataset: string;
  snapshotMonth: string;
  goldMonthPath: string;
  rows: number;
  labeled: number;
  /** Where this dataset's gold predictions go. */
  predictionsDir: string;
}

export const PREDICTION_COLUMNS = {
  Customer_ID: 'VARCHAR',
  loan_id: 'VARCHAR',
  snapshot_date: 'DATE',
  prediction: 'INTEGER',
  prediction_proba: 'DOUBLE',
  actual_label: 'INTEGER',
  model_id: 'VARCHAR',
} as const;

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

    /** Scores the month with the champion (or the given model) and writes the gold predictions Parquet. */
    async predictLoanMonth(args: { month: PreparedLoanMonth; modelId?: string }): Promise<LoanInferenceResult> {
      const artifact = await loadLoanModel(config.modelStoreDir, args.month.dataset, args.modelId);
      const path = join(args.month.predictionsDir, args.month.snapshotMonth, `${artifact.modelId}.parquet`);
      const rows = await withDuckDb(async (conn) => {
        const gold = await readGoldRows(conn, args.month.goldMonthPath);
        const { proba, prediction } = scoreLoanRows(artifact, gold);
        const records = gold.map((row, i) => ({
          Customer_ID: row.Customer_ID,
          loan_id: row.loan_id,
          snapshot_date: row.snapshot_date,
          prediction: prediction[i],
          prediction_proba: proba[i],
          actual_label: row.label === null ? null : Number(row.label),
          model_id: artifact.modelId,
        }));
        await writeRowsAsParquet(conn, records, PREDICTION_COLUMNS, path);
        return records;
      });
      return {
        dataset: args.month.dataset,
        snapshotDate: `${args.month.snapshotMonth}-01`,
        modelId: artifact.modelId,
        rows: rows.length,
        labeled: rows.filter((r) => r.actual_label !== null).length,
        predictedPositives: rows.filter((r) => r.prediction === 1).length,
        predictionsPath: path,
      };
    },
  };
}

export type LoanInferenceActivities = ReturnType<typeof createLoanInferenceActivities>;
