import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppConfig } from '../../../config.js';
import { writeJsonAtomic } from '../../../storage/atomic-file.js';
import { withDuckDb } from '../../../storage/duckdb.js';
import { DataValidationError } from '../../../failures.js';
import { encodeLoanRows, fitLoanEncoder, readGoldRows } from '../features.js';
import { resolveLoanLayers, SILVER_COMPLETE_MARKER } from '../medallion/layers.js';
import { buildGold, buildSilver, ingestBronze, runQualityChecks } from '../medallion/index.js';
import type { BronzeResult, GoldResult, QualityResult, SilverResult } from '../medallion/index.js';
import { GOLD_NUMERIC_FEATURES, type LoanRawTable } from '../medallion/schemas.js';
import type { LoanLayers, LoanModelKind } from '../contract.js';
import type { LoanModelReport, LoanSplit } from './contract.js';
import { splitRows, tuneThreshold } from './fitting.js';
import { LOAN_MODEL_SPECS, type LoanModelPayload } from '../model.js';
import { saveModel, setChampion } from '../../../storage/model-store.js';
import { runWorkspace } from '../../../storage/run-workspace.js';
import { callingWorkflow, checkpoint } from '../../../temporal/activity-context.js';
import { fitClassifier, predictProba } from '../../../ml/classifiers.js';
import { classificationSummary, rocAuc } from '../../../ml/metrics.js';
import { buildPsiReference } from '../../../ml/psi.js';

interface CandidateFile {
  name: LoanModelKind;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  payload: LoanModelPayload;
  split: LoanSplit;
  rows: { train: number; test: number };
}

export function createLoanTrainingActivities(config: Pick<AppConfig, 'dataDir' | 'runsDir' | 'modelStoreDir'>) {
  return {
    /** Hashes the four raw CSVs: the layers of this exact data version go into their own folder. */
    async resolveLoanDataset(args: { dataset: string }): Promise<LoanLayers> {
      return resolveLoanLayers(config.dataDir, args.dataset);
    },

    async ingestLoanBronzeTable(args: {
      layers: LoanLayers;
      table: LoanRawTable;
    }): Promise<Omit<BronzeResult, 'months'> & { months: number }> {
      const result = await ingestBronze({
        rawDir: args.layers.rawDir,
        bronzeDir: args.layers.bronzeDir,
        table: args.table,
      });
      return { ...result, months: result.months.length };
    },

    async buildLoanSilverTable(args: { layers: LoanLayers; table: LoanRawTable }): Promise<SilverResult> {
      return buildSilver({ bronzeDir: args.layers.bronzeDir, silverDir: args.layers.silverDir, table: args.table });
    },

    async checkLoanDataQuality(args: { layers: LoanLayers }): Promise<QualityResult> {
      const result = await runQualityChecks({ silverDir: args.layers.silverDir });
      await writeJsonAtomic(join(args.layers.layersDir, SILVER_COMPLETE_MARKER), {
        fingerprints: args.layers.fingerprints,
      });
      return result;
    },

    async buildLoanGold(args: { layers: LoanLayers }): Promise<GoldResult> {
      return buildGold({ silverDir: args.layers.silverDir, goldDir: args.layers.goldDir });
    },

    /** Fits one model family and evaluates it; the weights go to a candidate file, the metrics to history. */
    async trainLoanModel(args: { goldPath: string; kind: LoanModelKind; split: LoanSplit }): Promise<LoanModelReport> {
      const rows = await withDuckDb((conn) => readGoldRows(conn, args.goldPath, 'label IS NOT NULL'));
      if (rows.length < 50)
        throw new DataValidationError(`The gold table has only ${rows.length} labelled loans`, {
          file: args.goldPath,
        });
      const { train, test } = splitRows(rows, args.split);
      const trainRows = train.map((i) => rows[i]);
      const testRows = test.map((i) => rows[i]);
      const yTrain = trainRows.map((r) => Number(r.label));
      const yTest = testRows.map((r) => Number(r.label));
      const encoder = fitLoanEncoder(trainRows);
      // Trees learn where missing values go; the linear model needs them imputed.
      const impute = args.kind === 'logistic-regression';
      const xTrain = encodeLoanRows(encoder, trainRows, impute);
      const xTest = encodeLoanRows(encoder, testRows, impute);
      await checkpoint();

      const spec = LOAN_MODEL_SPECS[args.kind];
      const started = performance.now();
      const classifier = fitClassifier(spec, xTrain, yTrain);
      const fitSeconds = (performance.now() - started) / 1000;
      await checkpoint();

      const trainScores = predictProba(classifier, xTrain);
      const testScores = predictProba(classifier, xTest);
      const threshold = tuneThreshold(
        spec,
        xTrain,
        yTrain,
        args.split.kind === 'random' ? (args.split.seed ?? 42) : 42,
      );
      await checkpoint();
      const summary = classificationSummary(yTest, testScores, threshold);
      const numericColumns = GOLD_NUMERIC_FEATURES.map((_, j) => Float64Array.from(xTrain, (row) => row[j]));
      const psiReference = {
        score: buildPsiReference(trainScores, 10),
        features: Object.fromEntries(
          GOLD_NUMERIC_FEATURES.map((name, j) => [name, buildPsiReference(numericColumns[j], 10)]),
        ),
      };
      const metrics = {
        trainAuc: rocAuc(yTrain, trainScores),
        testAuc: summary.auc,
        precision: summary.precision,
        recall: summary.recall,
        f1: summary.f1,
        accuracy: summary.accuracy,
        logLoss: summary.logLoss,
        fitSeconds,
        threshold,
      };
      const { workflowId } = callingWorkflow();
      const candidatePath = join(runWorkspace(config.runsDir, workflowId), 'candidates', `${args.kind}.json`);
      const candidate: CandidateFile = {
        name: args.kind,
        params: { ...spec.options },
        metrics,
        payload: { classifier, encoder, threshold, psiReference },
        split: args.split,
        rows: { train: train.length, test: test.length },
      };
      await writeJsonAtomic(candidatePath, candidate);
      return { name: args.kind, ...metrics, trainRows: train.length, testRows: test.length, candidatePath };
    },

    /** Best test AUC wins: copied into the model store with its lineage and made the champion. */
    async promoteLoanChampion(args: {
      candidates: LoanModelReport[];
      modelId: string;
      layers: LoanLayers;
      gold: { path: string; rows: number; snapshotRange: { min: string; max: string } };
      reason: string;
    }): Promise<{ championModelId: string; championAlgorithm: LoanModelKind }> {
      const best = [...args.candidates].sort((a, b) => b.testAuc - a.testAuc || a.name.localeCompare(b.name))[0];
      if (!best) throw new Error('No candidate models to promote');
      const candidate = JSON.parse(await readFile(best.candidatePath, 'utf8')) as CandidateFile;
      const execution = callingWorkflow();
      await saveModel<LoanModelPayload>(config.modelStoreDir, {
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
      await setChampion(config.modelStoreDir, {
        pipeline: 'loan',
        dataset: args.layers.dataset,
        modelId: args.modelId,
        promotedAt: new Date().toISOString(),
        reason: args.reason,
      });
      return { championModelId: args.modelId, championAlgorithm: candidate.name };
    },
  };
}

export type LoanTrainingActivities = ReturnType<typeof createLoanTrainingActivities>;
