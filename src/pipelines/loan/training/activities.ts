import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppConfig } from '../../../config.js';
import { writeFileAtomic, writeJsonAtomic } from '../../../storage/atomic-file.js';
import { withDuckDb } from '../../../storage/duckdb.js';
import { DataValidationError } from '../../../failures.js';
import { runComputeInActivity } from '../../../compute/activity-compute.js';
import { readGoldColumns } from '../gold-columns.js';
import { resolveLoanLayers, SILVER_COMPLETE_MARKER } from '../medallion/layers.js';
import { reuseOrRunStep } from '../medallion/step-results.js';
import { buildGold, buildSilver, ingestBronze, runQualityChecks } from '../medallion/index.js';
import type { BronzeResult, GoldResult, QualityResult, SilverResult } from '../medallion/index.js';
import type { LoanRawTable } from '../medallion/schemas.js';
import type { LoanLayers, LoanModelKind } from '../contract.js';
import type { LoanModelReport, LoanSplit } from './contract.js';
import { splitGold } from './fitting.js';
import { fitLoanCandidateTask, type CandidateFile } from './fit-task.js';
import { readGoldOnce } from './shared-gold.js';
import { LOAN_FIT_PRIORITY, type LoanModelPayload } from '../model.js';
import { saveModel, setChampion } from '../../../storage/model-store.js';
import { runWorkspace } from '../../../storage/run-workspace.js';
import { callingWorkflow, checkpoint } from '../../../temporal/activity-context.js';

export function createLoanTrainingActivities(config: Pick<AppConfig, 'dataDir' | 'runsDir' | 'modelStoreDir'>) {
  return {
    /** Hashes the four raw CSVs: the layers of this exact data version go into their own folder. */
    async resolveLoanDataset(args: { dataset: string }): Promise<LoanLayers> {
      return resolveLoanLayers(config.dataDir, args.dataset);
    },

    // The data steps reuse what a finished run built from the same bytes (medallion/step-results.ts).
    async ingestLoanBronzeTable(args: {
      layers: LoanLayers;
      table: LoanRawTable;
    }): Promise<Omit<BronzeResult, 'months'> & { months: number }> {
      const { result } = await reuseOrRunStep(args.layers, `bronze-${args.table}`, async () => {
        const bronze = await ingestBronze({
          rawDir: args.layers.rawDir,
          bronzeDir: args.layers.bronzeDir,
          table: args.table,
        });
        return { ...bronze, months: bronze.months.length };
      });
      return result;
    },

    async buildLoanSilverTable(args: { layers: LoanLayers; table: LoanRawTable }): Promise<SilverResult> {
      const { result } = await reuseOrRunStep(args.layers, `silver-${args.table}`, () =>
        buildSilver({ bronzeDir: args.layers.bronzeDir, silverDir: args.layers.silverDir, table: args.table }),
      );
      return result;
    },

    async checkLoanDataQuality(args: { layers: LoanLayers }): Promise<QualityResult> {
      const { result, reused } = await reuseOrRunStep(args.layers, 'quality', () =>
        runQualityChecks({ silverDir: args.layers.silverDir }),
      );
      if (!reused) {
        await writeJsonAtomic(join(args.layers.layersDir, SILVER_COMPLETE_MARKER), {
          fingerprints: args.layers.fingerprints,
        });
      }
      return result;
    },

    async buildLoanGold(args: { layers: LoanLayers }): Promise<GoldResult> {
      const { result } = await reuseOrRunStep(args.layers, 'gold', () =>
        buildGold({ silverDir: args.layers.silverDir, goldDir: args.layers.goldDir }),
      );
      return result;
    },

    /**
     * Fits one model family and evaluates it on a compute thread (this event loop stays free to heartbeat the
     * thread's progress; a cancellation terminates the thread). The weights go to a candidate file, the
     * metrics to history.
     */
    async trainLoanModel(args: { goldPath: string; kind: LoanModelKind; split: LoanSplit }): Promise<LoanModelReport> {
      // One read for the run's three fits (shared-gold.ts). One DuckDB thread: the read is small next to the
      // fits, and the cores belong to the compute threads.
      const gold = await readGoldOnce(args.goldPath, () =>
        withDuckDb((conn) => readGoldColumns(conn, args.goldPath, 'label IS NOT NULL', { shared: true }), {
          threads: 1,
        }),
      );
      if (gold.nRows < 50)
        throw new DataValidationError(`The gold table has only ${gold.nRows} labelled loans`, {
          file: args.goldPath,
        });
      const { train, test } = splitGold(gold, args.split);
      await checkpoint({ model: args.kind, phase: 'read', rows: gold.nRows });
      const fitted = await runComputeInActivity(
        fitLoanCandidateTask,
        (progress) => ({ gold, kind: args.kind, split: args.split, train, test, progress }),
        {
          // The gold columns are shared (shared-gold.ts); the split's rows are moved, not copied.
          transferList: [train.buffer as ArrayBuffer, test.buffer as ArrayBuffer],
          describe: (progress) => ({ model: args.kind, ...progress }),
          priority: LOAN_FIT_PRIORITY[args.kind],
        },
      );
      await checkpoint({ model: args.kind, phase: 'save' });
      const { workflowId } = callingWorkflow();
      const candidatePath = join(runWorkspace(config.runsDir, workflowId), 'candidates', `${args.kind}.json`);
      await writeFileAtomic(candidatePath, fitted.candidateJson);
      return {
        name: args.kind,
        ...fitted.metrics,
        trainRows: fitted.rows.train,
        testRows: fitted.rows.test,
        candidatePath,
      };
    },

    /** Best test AUC wins: copied into the model store with its lineage (the champion registry then promotes it). */
    async saveBestLoanModel(
      args: BestModelArgs,
    ): Promise<{ championModelId: string; championAlgorithm: LoanModelKind }> {
      return saveBestCandidate(config.modelStoreDir, args);
    },

    /** Runs recorded before the champion registry: saves the best model and writes the champion pointer itself. */
    async promoteLoanChampion(
      args: BestModelArgs,
    ): Promise<{ championModelId: string; championAlgorithm: LoanModelKind }> {
      const saved = await saveBestCandidate(config.modelStoreDir, args);
      await setChampion(config.modelStoreDir, {
        pipeline: 'loan',
        dataset: args.layers.dataset,
        modelId: args.modelId,
        promotedAt: new Date().toISOString(),
        reason: args.reason,
      });
      return saved;
    },
  };
}

interface BestModelArgs {
  candidates: LoanModelReport[];
  modelId: string;
  layers: LoanLayers;
  gold: { path: string; rows: number; snapshotRange: { min: string; max: string } };
  reason: string;
}

async function saveBestCandidate(
  modelStoreDir: string,
  args: BestModelArgs,
): Promise<{ championModelId: string; championAlgorithm: LoanModelKind }> {
  const best = [...args.candidates].sort((a, b) => b.testAuc - a.testAuc || a.name.localeCompare(b.name))[0];
  if (!best) throw new Error('No candidate models to promote');
  const candidate = JSON.parse(await readFile(best.candidatePath, 'utf8')) as CandidateFile;
  const execution = callingWorkflow();
  await saveModel<LoanModelPayload>(modelStoreDir, {
    modelId: args.modelId,
    pipeline: 'loan',
    algorithm: candidate.name,
    createdAt: new Date().toISOString(),
    params: { ...candidate.params, split: candidate.split, threshold: candidate.payload.threshold },
    metrics: {
      ...candidate.metrics,
      candidates: args.candidates.map(({ candidatePath: _path, ...report }) => report),
    },
    lineage: {
      workflowId: execution.workflowId,
      runId: execution.runId,
      dataFingerprints: args.layers.fingerprints,
      dataset: args.layers.dataset,
      goldPath: args.gold.path,
      snapshotRange: args.gold.snapshotRange,
      rows: { gold: args.gold.rows, ...candidate.rows },
      reason: args.reason,
    },
    model: candidate.payload,
  });
  return { championModelId: args.modelId, championAlgorithm: candidate.name };
}

export type LoanTrainingActivities = ReturnType<typeof createLoanTrainingActivities>;
