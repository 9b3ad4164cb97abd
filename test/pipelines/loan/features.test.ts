import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  allRows,
  encodeGoldColumns,
  encodeLoanRecords,
  fitLoanEncoder,
  type GoldColumns,
} from '../../../src/pipelines/loan/features.js';
import { readGoldColumns } from '../../../src/pipelines/loan/gold-columns.js';
import { GOLD_CATEGORICAL_FEATURES, GOLD_NUMERIC_FEATURES } from '../../../src/pipelines/loan/medallion/schemas.js';
import { rowsInput } from '../../../src/pipelines/scoring-input.js';
import { sqlString, withDuckDb } from '../../../src/storage/duckdb.js';
import { writeGoldFixture } from './gold-fixture.js';

/** The same gold rows as plain records (what the predict API receives), in the reader's order. */
async function goldRecords(path: string): Promise<Record<string, unknown>[]> {
  return withDuckDb(async (conn) => {
    const reader = await conn.runAndReadAll(
      `SELECT * FROM read_parquet(${sqlString(path)}) ORDER BY CAST(loan_id AS VARCHAR)`,
    );
    return reader.getRowObjectsJson();
  });
}

describe('loan features as columns', () => {
  let dir: string;
  let path: string;
  let gold: GoldColumns;
  let records: Record<string, unknown>[];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loan-features-'));
    path = join(dir, 'gold.parquet');
    await writeGoldFixture(path, 240);
    gold = await withDuckDb((conn) => readGoldColumns(conn, path));
    records = await goldRecords(path);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reads gold into one typed array per column, in loan_id text order, NULL as NaN', () => {
    assert.equal(gold.nRows, 240);
    assert.equal(gold.numeric.length, GOLD_NUMERIC_FEATURES.length);
    assert.ok(gold.numeric.every((column) => column instanceof Float64Array && column.length === 240));
    // Text order: L0, L1, L10, L100, ...
    assert.deepEqual(
      records.slice(0, 4).map((r) => r.loan_id),
      ['L0', 'L1', 'L10', 'L100'],
    );
    records.forEach((record, i) => {
      const age = record[GOLD_NUMERIC_FEATURES[0]];
      if (age === null) assert.ok(Number.isNaN(gold.numeric[0][i]), `row ${i}`);
      else assert.equal(gold.numeric[0][i], age);
      assert.equal(Number.isNaN(gold.label[i]) ? null : gold.label[i], record.label);
      const month = String(record.snapshot_date).slice(0, 7).replace('-', '');
      assert.equal(gold.snapshotMonth[i], Number(month));
    });
  });

  it('codes categories into a dictionary of non-empty values; missing and empty are -1', () => {
    GOLD_CATEGORICAL_FEATURES.forEach((name, j) => {
      const column = gold.categorical[j];
      assert.equal(column.name, name);
      assert.ok(!column.dictionary.includes(''));
      records.forEach((record, i) => {
        const value = record[name];
        const code = column.codes[i];
        if (value === null || value === '') assert.equal(code, -1, `${name} row ${i}`);
        else assert.equal(column.dictionary[code], value, `${name} row ${i}`);
      });
    });
  });

  it('encodes exactly as the per-record encoder of the predict API, with and without imputation', () => {
    const train = Int32Array.from({ length: 180 }, (_, k) => k);
    const encoder = fitLoanEncoder(gold, train);
    const rows = allRows(gold.nRows);
    for (const impute of [false, true]) {
      const columns = encodeGoldColumns(encoder, gold, rows, impute);
      const fromRecords = encodeLoanRecords(encoder, rowsInput(records), impute);
      assert.equal(columns.columns.length, encoder.featureNames.length);
      assert.deepEqual(columns, fromRecords.x);
    }
  });

  it('fits levels and medians on the training rows only', () => {
    const occupation = gold.categorical[1];
    const lawyer = occupation.dictionary.indexOf('Lawyer');
    const train = Int32Array.from(allRows(gold.nRows).filter((i) => occupation.codes[i] !== lawyer));
    const encoder = fitLoanEncoder(gold, train);
    const levels = encoder.categorical.find((c) => c.name === 'Occupation')!.levels;
    assert.deepEqual(levels, ['Doctor', 'Engineer', 'Writer']);
    const ages = Array.from(train, (i) => gold.numeric[0][i])
      .filter((v) => !Number.isNaN(v))
      .sort((a, b) => a - b);
    const mid = ages.length >> 1;
    assert.equal(encoder.medians[0], ages.length % 2 ? ages[mid] : (ages[mid - 1] + ages[mid]) / 2);
  });
});
