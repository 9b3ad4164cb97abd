import {
  CancellationScope,
  defineQuery,
  isCancellation,
  patched,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { heartbeatingWork, quickSteps, summarisedActivities } from '../../../temporal/activity-options.js';
import { ML_MODEL_ID, ML_TEST_AUC } from '../../../temporal/search-attributes.js';
import { innermostMessage, runStamp, startedBySchedule } from '../../../temporal/workflow-context.js';
import { trainingRunActor } from '../../champions/config.js';
import type { ChampionActivities } from '../../champions/contract.js';
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
  describeSplit,
} from './contract.js';

export const loanTrainingProgressQuery = defineQuery<LoanTrainingProgress>('progress');

/** DuckDB steps: seconds each on the real data; a hung one is cut off and retried. */
const dataSteps = summarisedActivities<LoanTrainingActivities>(quickSteps('10 minutes'));
/** The automatic promotion waits for the champion registry's update (its own checks and pointer write). */
const championRegistry = summarisedActivities<ChampionActivities>(quickSteps('5 minutes'));
/** Model fits heartbeat between phases: a lost worker is noticed, a cancel stops at the next phase. */
const fits = summarisedActivities<LoanTrainingActivities>(heartbeatingWork('30 minutes'));

function stage(progress: LoanTrainingProgress, next: LoanTrainingProgress['stage'], details: string): void {
  progress.stage = next;
  setCurrentDetails(details);
}

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
    setCurrentDetails(`Fingerprinting the raw files of \`${dataset}\``);
    const layers = await dataSteps(`fingerprint ${dataset}`).resolveLoanDataset({ dataset });

    stage(progress, 'bronze', `Bronze: ingesting ${LOAN_RAW_TABLES.length} tables of \`${dataset}\``);
    const bronze = await Promise.all(
      LOAN_RAW_TABLES.map((table) => dataSteps(`bronze ${dataset}/${table}`).ingestLoanBronzeTable({ layers, table })),
    );

    stage(progress, 'silver', `Silver: cleaning ${LOAN_RAW_TABLES.length} tables`);
    const silver = await Promise.all(
      LOAN_RAW_TABLES.map((table) => dataSteps(`silver ${dataset}/${table}`).buildLoanSilverTable({ layers, table })),
    );

    stage(progress, 'quality', 'Quality gate');
    const quality = await dataSteps(`quality gate ${dataset}`).checkLoanDataQuality({ layers });

    stage(progress, 'gold', 'Gold: one row per loan');
    const gold = await dataSteps(`gold ${dataset}`).buildLoanGold({ layers });

    const splitText = describeSplit(split);
    stage(progress, 'training', `Training ${LOAN_MODEL_KINDS.join(', ')} on ${gold.rows} loans (${splitText})`);
    const candidates = await Promise.all(
      LOAN_MODEL_KINDS.map(async (kind) => {
        const report = await fits(`fit ${kind} · ${splitText}`).trainLoanModel({ goldPath: gold.path, kind, split });
        progress.modelsDone++;
        return report;
      }),
    );

    const modelId = loanModelId(runStamp());
    stage(progress, 'promoting', `Promoting the best test AUC to \`${modelId}\``);
    const reason = requestedReason ?? (startedBySchedule() ? 'scheduled' : 'requested');
    const best = {
      candidates,
      modelId,
      layers,
      gold: { path: gold.path, rows: gold.rows, snapshotRange: gold.snapshotRange },
      reason,
    };
    // Publishing is all or nothing: once it starts, a cancellation is too late and the run completes.
    const champion = await CancellationScope.nonCancellable(async () => {
      // Runs recorded before the champion registry wrote the pointer in the promotion activity itself.
      if (!patched('champion-registry')) {
        return dataSteps(`promote best of ${candidates.length} → ${modelId}`).promoteLoanChampion(best);
      }
      const saved = await dataSteps(`save best of ${candidates.length} → ${modelId}`).saveBestLoanModel(best);
      const { workflowId, searchAttributes } = workflowInfo();
      const scheduleId = searchAttributes?.TemporalScheduledById?.[0];
      await championRegistry(`champion loan · ${layers.dataset} → ${modelId}`).promoteChampionThroughRegistry({
        pipeline: 'loan',
        dataset: layers.dataset,
        modelId,
        reason,
        actor: trainingRunActor(workflowId, typeof scheduleId === 'string' ? scheduleId : undefined),
      });
      return saved;
    });
    const testAuc = candidates.find((c) => c.name === champion.championAlgorithm)?.testAuc ?? 0;
    upsertSearchAttributes([
      { key: ML_MODEL_ID, value: champion.championModelId },
      { key: ML_TEST_AUC, value: testAuc },
    ]);
    upsertMemo({ result: { ...champion, testAuc } });
    setCurrentDetails(
      `Done: champion \`${champion.championModelId}\` (${champion.championAlgorithm}, test AUC ${testAuc.toFixed(4)})`,
    );

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
    progress.stage = isCancellation(err) ? 'cancelled' : 'failed';
    progress.message = innermostMessage(err);
    setCurrentDetails(`${progress.stage}: ${progress.message}`);
    throw err;
  }
}
