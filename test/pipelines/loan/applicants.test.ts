import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { DataValidationError } from '../../../src/failures.js';
import { fitClassifier, predictProba, type ClassifierSpec } from '../../../src/ml/classifiers.js';
import { isCompiledTree } from '../../../src/ml/tree-scoring.js';
import { scoreLoanApplicants } from '../../../src/pipelines/loan/applicants.js';
import {
  allRows,
  encodeGoldColumns,
  fitLoanEncoder,
  type LoanFeatureEncoder,
} from '../../../src/pipelines/loan/features.js';
import { readGoldColumns } from '../../../src/pipelines/loan/gold-columns.js';
import { parseRawNumber } from '../../../src/pipelines/loan/medallion/raw-values.js';
import type { LoanModelArtifact } from '../../../src/pipelines/loan/model.js';
import { columnsInput, rowsInput } from '../../../src/pipelines/scoring-input.js';
import { sqlString, withDuckDb } from '../../../src/storage/duckdb.js';
import { writeGoldFixture } from './gold-fixture.js';

/** The plain per-row reading the column-wise encoder replaces: what each row's value means, one at a time. */
function referenceScore(artifact: LoanModelArtifact, rows: Record<string, unknown>[]) {
  const { encoder, classifier } = artifact.model;
  const inputs = [...encoder.numeric, ...encoder.categorical.map((c) => c.name)];
  const impute = classifier.kind === 'logistic-regression';
  const read = (value: unknown): number | null => {
    if (value === undefined || value === null) return null;
    const number = typeof value === 'string' ? parseRawNumber(value) : Number(value);
    return number === null || Number.isFinite(number) ? number : Number.NaN;
  };
  const matrix = rows.map((row) => [
    ...encoder.numeric.map((name, j) => {
      const v = read(row[name]);
      return v === null || Number.isNaN(v) ? (impute ? encoder.medians[j] : Number.NaN) : v;
    }),
    ...encoder.categorical.flatMap(({ name, levels }) => levels.map((level) => (row[name] === level ? 1 : 0))),
  ]);
  const proba = predictProba(classifier, matrix);
  return rows.map((row, i) => ({
    probability: proba[i],
    missingFeatures: inputs.filter((name, j) => {
      const value = row[name];
      return value === undefined || value === null || (j < encoder.numeric.length && read(value) === null);
    }),
  }));
}

function artifactOf(encoder: LoanFeatureEncoder, classifier: LoanModelArtifact['model']['classifier']) {
  return {
    modelId: 'test-model',
    model: { classifier, encoder, threshold: 0.5, psiReference: { score: {}, features: {} } },
  } as unknown as LoanModelArtifact;
}

describe('scoring raw applicant rows', () => {
  let dir: string;
  let records: Record<string, unknown>[];
  const artifacts: LoanModelArtifact[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loan-applicants-'));
    const path = join(dir, 'gold.parquet');
    await writeGoldFixture(path, 240);
    const gold = await withDuckDb((conn) => readGoldColumns(conn, path));
    records = await withDuckDb(async (conn) =>
      (await conn.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(path)})`)).getRowObjectsJson(),
    );
    const rows = allRows(gold.nRows);
    const encoder = fitLoanEncoder(gold, rows);
    const specs: ClassifierSpec[] = [
      { kind: 'logistic-regression' },
      { kind: 'random-forest', options: { nEstimators: 5, seed: 1 } },
    ];
    for (const spec of specs) {
      const x = encodeGoldColumns(encoder, gold, rows, spec.kind === 'logistic-regression');
      const label = Float64Array.from(gold.label, (v) => (Number.isNaN(v) ? 0 : v));
      artifacts.push(artifactOf(encoder, fitClassifier(spec, x, label)));
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** Gold records with the dirt callers send: dirty number strings, blanks, placeholders, nulls, absent keys. */
  function dirtyRows(): Record<string, unknown>[] {
    return records.slice(0, 40).map((record, i) => {
      const row: Record<string, unknown> = { ...record };
      if (i % 5 === 0 && typeof row.Annual_Income === 'number') row.Annual_Income = `${row.Annual_Income}_`;
      if (i % 7 === 0) row.Age = '';
      if (i % 11 === 0) row.Age = '_';
      if (i % 3 === 0) delete row.Monthly_Inhand_Salary;
      if (i % 4 === 0) row.Occupation = null;
      return row;
    });
  }

  it('gives the per-row reading: the same probabilities and missing features for each model kind', () => {
    const rows = dirtyRows();
    for (const artifact of artifacts) {
      const { predictions } = scoreLoanApplicants(artifact, rowsInput(rows));
      const expected = referenceScore(artifact, rows);
      assert.equal(predictions.length, rows.length);
      predictions.forEach((p, i) => {
        assert.equal(p.probability, expected[i].probability, `row ${i}`);
        assert.deepEqual(p.missingFeatures, expected[i].missingFeatures, `row ${i}`);
        assert.equal(p.prediction, p.probability >= 0.5 ? 1 : 0);
      });
      // A served boosting model's trees are compiled (src/ml/tree-scoring.ts); the same bits as walked.
      const { classifier } = artifact.model;
      if (classifier.kind === 'gradient-boosting') assert.ok(classifier.trees.every(isCompiledTree));
      assert.ok(predictions[0].missingFeatures.includes('Monthly_Inhand_Salary'));
      assert.ok(predictions[0].missingFeatures.includes('Age'));
      assert.ok(!predictions[0].missingFeatures.includes('Annual_Income'), 'a dirty number is a value');
    }
  });

  it('scores the same rows sent as columns alike; a feature no row has is missing from every row', () => {
    const rows = dirtyRows();
    const names = [...new Set(rows.flatMap((row) => Object.keys(row)))].filter((name) => name !== 'Age');
    // As JSON carries them: an absent key becomes null in its column.
    const columns = Object.fromEntries(names.map((name) => [name, rows.map((row) => row[name] ?? null)]));
    for (const artifact of artifacts) {
      const fromColumns = scoreLoanApplicants(artifact, columnsInput(columns)).predictions;
      const withoutAge = rows.map(({ Age: _age, ...row }) => row);
      assert.deepEqual(fromColumns, scoreLoanApplicants(artifact, rowsInput(withoutAge)).predictions);
      for (const p of fromColumns) assert.ok(p.missingFeatures.includes('Age'));
    }
    assert.throws(
      () =>
        scoreLoanApplicants(
          artifacts[0],
          columnsInput({ ...columns, Age: rows.map((_, i) => (i === 3 ? 'old' : 30)) }),
        ),
      /^DataValidationError: Row 3 has a non-numeric "Age": "old"/,
    );
  });

  it('names the first bad row, whichever check fails there', () => {
    const [artifact] = artifacts;
    const good = records[0];
    const fail = (rows: Record<string, unknown>[]): string => {
      try {
        scoreLoanApplicants(artifact, rowsInput(rows));
      } catch (err) {
        assert.ok(err instanceof DataValidationError);
        return err.message;
      }
      assert.fail('expected a DataValidationError');
    };
    assert.match(fail([{ Age: 'forty' }]), /^Row 0 has a non-numeric "Age": "forty"/);
    assert.match(fail([good, { colour: 'red' }, { Age: 'x' }]), /^Row 1 has none of the model's features/);
    assert.match(fail([good, { ...good, Annual_Income: 'lots' }, { colour: 'red' }]), /^Row 1 has a non-numeric/);
    // Within one row, the first numeric column in the model's order.
    assert.match(fail([{ ...good, Age: 'x', Annual_Income: 'y' }]), /^Row 0 has a non-numeric "Age"/);
  });
});
