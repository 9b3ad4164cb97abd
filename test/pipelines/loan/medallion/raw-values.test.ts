import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RAW_NUM_MACRO, parseRawNumber } from '../../../../src/pipelines/loan/medallion/raw-values.js';
import { sqlString, withDuckDb } from '../../../../src/storage/duckdb.js';

/** Values as the raw CS611 files write them (and a few an API caller might send). */
const DIRTY = [
  '52312.68',
  '52312.68_',
  '40_',
  '-1_',
  '_7',
  '__10000__',
  '__-333333333333333333333333333__',
  '_',
  '_______',
  '',
  '   ',
  ' 12 ',
  '1e3',
  '-0.5',
  'abc',
  '12abc',
  'NM',
];

describe('raw numbers: one rule for the silver SQL and for scoring raw applicant rows', () => {
  it('reads clean values, strips stray underscores and treats __x__ as a placeholder', () => {
    assert.equal(parseRawNumber('52312.68_'), 52312.68);
    assert.equal(parseRawNumber('40_'), 40);
    assert.equal(parseRawNumber('-1_'), -1);
    assert.equal(parseRawNumber('__10000__'), null);
    assert.equal(parseRawNumber('_'), null);
    assert.equal(parseRawNumber(''), null);
    assert.ok(Number.isNaN(parseRawNumber('abc')));
  });

  it('gives what the silver layer’s raw_num macro gives, value for value', async () => {
    const fromSql = await withDuckDb(async (conn) => {
      await conn.run(RAW_NUM_MACRO);
      const reader = await conn.runAndReadAll(
        `SELECT raw_num(v) AS n FROM (VALUES ${DIRTY.map((v, i) => `(${i}, ${sqlString(v)})`).join(', ')}) t(i, v) ORDER BY i`,
      );
      return reader.getRowObjects().map((row) => (row.n === null ? null : Number(row.n)));
    });
    // SQL has one "missing" (NULL); TypeScript tells a placeholder (null) from garbage (NaN, a 400 over the API).
    const fromTs = DIRTY.map((value) => {
      const number = parseRawNumber(value);
      return number === null || Number.isNaN(number) ? null : number;
    });
    assert.deepEqual(fromTs, fromSql);
  });
});
