import { defineQuery, proxyActivities, setHandler } from '@temporalio/workflow';
import { standardRetry } from '../../../failures.js';
import { innermostMessage, runStamp, startedBySchedule } from '../../../temporal/workflow-context.js';
import { withDefaults } from '../../contract-defaults.js';
import { loanModelId } from '../config.js';
import { LOAN_MODEL_KINDS, LOAN_RAW_TABLES } from '../contract.js';
import type { LoanTrainingActivities } from './activities.js';
import {
  LoanTrainingRequest,
  type LoanTrainingInput,
  type ResolvedLoanTrainingInput,
  type LoanTrainingProgress,
  type LoanTrainingResult,
} from './contract.js';

export const loanTrainingProgressQuery = defineQuery<LoanTrainingProgress>('progress');

/** DuckDB steps: seconds each on the real data; a hung one is cut off and retried. */
const dataSteps = proxyActivities<LoanTrainingActivities>({
  startToCloseTimeout: '10 minutes',
  retry: standardRetry,
});

/** Model fits heartbeat between phases; a lost worker is noticed within the heartbeat timeout. */
const fits = proxyActivities<LoanTrainingActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '5 minutes',
  retry: standardRetry,
});

/** Medallion layers → quality gate → three models in parallel → best by test AUC becomes the champion. */
export async function loanTrainingWorkflow(request: LoanTrainingInput = {}): Promise<LoanTrainingResult> {
  const {
    dataset,
    split,
    reason: requestedReason,
  } = withDefaults<ResolvedLoanTrainingInput>(LoanTrainingRequest, request);
  const progress: LoanTrainingProgress = {
    stage: 'fingerprinting',
    modelsDone: 0,
    modelsTotal: LOAN_MODEL_KINDS.length,
  };
  setHandler(loanTrainingProgressQuery, () => progress);
  try {
    const layers = await dataSteps.resolveLoanDataset({ dataset });

    progress.stage = 'bronze';
    const bronze = await Promise.all(
      LOAN_RAW_TABLES.map((table) => dataSteps.ingestLoanBronzeTable({ layers, table })),
    );

    progress.stage = 'silver';
    const silver = await Promise.all(LOAN_RAW_TABLES.map((table) => dataSteps.buildLoanSilverTable({ layers, table })));

    progress.stage = 'quality';
    const quality = await dataSteps.checkLoanDataQuality({ layers });

    progress.stage = 'gold';
    const gold = await dataSteps.buildLoanGold({ layers });

    progress.stage = 'training';
    const candidates = await Promise.all(
      LOAN_MODEL_KINDS.map(async (kind) => {
        const report = await fits.trainLoanModel({ goldPath: gold.path, kind, split });
        progress.modelsDone++;
        return report;
      }),
    );

    progress.stage = 'promoting';
    const reason = requestedReason ?? (startedBySchedule() ? 'scheduled' : 'requested');
    const champion = await dataSteps.promoteLoanChampion({
      candidates,
      modelId: loanModelId(runStamp()),
      layers,
      gold: { path: gold.path, rows: gold.rows, snapshotRange: gold.snapshotRange },
      reason,
    });

    progress.stage = 'completed';
    const [first] = candidates;
    return {
      dataset,
      ...champion,
      models: candidates.map(({ candidatePath: _path, ...report }) => report),
      rows: {
        bronze: Object.fromEntries(bronze.map((b) => [b.table, b.rows])),
        silver: Object.fromEntries(silver.map((s) => [s.table, s.rows])),
        gold: gold.rows,
        train: first?.trainRows ?? 0,
        test: first?.testRows ?? 0,
      },
      quality: {
        ok: quality.ok,
        removedCustomers: quality.removedCustomers,
        keptCustomers: quality.keptCustomers,
        issues: quality.exclusionReasons,
      },
      goldPath: gold.path,
      snapshotRange: gold.snapshotRange,
    };
  } catch (err) {
    progress.stage = 'failed';
    progress.message = innermostMessage(err);
    throw err;
  }
}
