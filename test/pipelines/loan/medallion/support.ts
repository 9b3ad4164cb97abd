/** Shared builders of the medallion layer tests: run the layers up to the one under test, query Parquet. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Json } from '@duckdb/node-api';
import { jsonText, sqlString, withDuckDb } from '../../../../src/storage/duckdb.js';
import { DataValidationError } from '../../../../src/failures.js';
import {
  buildGold,
  buildSilver,
  ingestBronze,
  LOAN_RAW_TABLES,
  RAW_TABLES,
  runQualityChecks,
  type BronzeResult,
  type GoldResult,
  type LoanRawTable,
  type QualityResult,
  type SilverResult,
} from '../../../../src/pipelines/loan/medallion/index.js';
import { writeLoanSampleData, type LoanSampleOptions } from '../../../../src/sample-data/loan.js';

/** Customers (= loans) of the generated data set most layer tests run on. */
export const CUSTOMERS = 1500;

/** A temporary folder with generated raw CSVs in `raw/`; `cleanup` removes it. */
export async function generatedRawData(
  prefix: string,
  options: LoanSampleOptions,
): Promise<{ root: string; rawDir: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), `${prefix}-`));
  const rawDir = join(root, 'raw');
  await writeLoanSampleData(rawDir, options);
  return { root, rawDir, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export interface LayerDirs {
  bronzeDir: string;
  silverDir: string;
  goldDir: string;
}

/** Milliseconds per layer, for diagnostics only (speed is measured in bench/, never asserted). */
export type Timings = Record<string, number>;

async function timed<T>(timings: Timings, step: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await fn();
  timings[step] = Math.round(performance.now() - started);
  return result;
}

function layerDirs(workDir: string): LayerDirs {
  return { bronzeDir: join(workDir, 'bronze'), silverDir: join(workDir, 'silver'), goldDir: join(workDir, 'gold') };
}

// Each builder runs the layers up to its own, as the workflow's activities do (tables in parallel), so a test
// of one layer never fails because a later layer is broken.

export async function throughBronze(rawDir: string, workDir: string, timingsMs: Timings = {}) {
  const dirs = layerDirs(workDir);
  const bronze: BronzeResult[] = await timed(timingsMs, 'bronze', () =>
    Promise.all(LOAN_RAW_TABLES.map((table) => ingestBronze({ rawDir, bronzeDir: dirs.bronzeDir, table }))),
  );
  return { ...dirs, timingsMs, bronze };
}

export async function throughSilver(rawDir: string, workDir: string, timingsMs: Timings = {}) {
  const previous = await throughBronze(rawDir, workDir, timingsMs);
  const { bronzeDir, silverDir } = previous;
  const silver: SilverResult[] = await timed(timingsMs, 'silver', () =>
    Promise.all(LOAN_RAW_TABLES.map((table) => buildSilver({ bronzeDir, silverDir, table }))),
  );
  return { ...previous, silver };
}

export async function throughQuality(rawDir: string, workDir: string, timingsMs: Timings = {}) {
  const previous = await throughSilver(rawDir, workDir, timingsMs);
  const quality: QualityResult = await timed(timingsMs, 'quality', () =>
    runQualityChecks({ silverDir: previous.silverDir }),
  );
  return { ...previous, quality };
}

export async function throughGold(rawDir: string, workDir: string, timingsMs: Timings = {}) {
  const previous = await throughQuality(rawDir, workDir, timingsMs);
  const gold: GoldResult = await timed(timingsMs, 'gold', () =>
    buildGold({ silverDir: previous.silverDir, goldDir: previous.goldDir }),
  );
  return { ...previous, gold };
}

export type FullChain = Awaited<ReturnType<typeof throughGold>>;

export function silverOf(silver: SilverResult[], table: LoanRawTable): SilverResult {
  const found = silver.find((s) => s.table === table);
  assert.ok(found, `silver result for ${table}`);
  return found;
}

export async function query(sql: string): Promise<Record<string, Json>[]> {
  return withDuckDb(async (conn) => (await conn.runAndReadAll(sql)).getRowObjectsJson());
}

export const parquet = (path: string) => `read_parquet(${sqlString(path)})`;

export async function columnTypes(path: string): Promise<Map<string, string>> {
  const rows = await query(`DESCRIBE SELECT * FROM ${parquet(path)}`);
  return new Map(rows.map((r) => [jsonText(r.column_name), jsonText(r.column_type)]));
}

/** 'YYYY-MM-DD' (a first of month) plus `months`, as 'YYYY-MM-01'. */
export function addMonths(date: string, months: number): string {
  const [year, month] = date.split('-').map(Number) as [number, number];
  const index = year * 12 + month - 1 + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}

/** Expect a DataValidationError whose details include `expected` (and whose message matches, if given). */
export async function rejectsWithDetails(
  promise: Promise<unknown>,
  expected: Record<string, unknown>,
  message?: RegExp,
): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof DataValidationError, `DataValidationError, got ${String(err)}`);
    for (const [key, value] of Object.entries(expected)) {
      assert.equal((err.details as Record<string, unknown>)[key], value, `details.${key}`);
    }
    if (message) assert.match(err.message, message);
    return true;
  });
}

/** The customers the trap data plants: a probe for look-ahead, and three the quality gate must remove. */
export interface TrapCustomers {
  /** Its features as of its loan start: the snapshot on that day, between an earlier and a later one. */
  probe: { id: string; start: string; fe10AtOrBefore: number[]; age: number; outstandingDebt: number };
  skipped: { noFeatures: string; duplicate: string; noLoan: string };
}

/** The fields of a CSV line, honouring one quoted field (Type_of_Loan). */
function csvFields(line: string): string[] {
  return line
    .match(/("([^"]|"")*"|[^,]*)(,|$)/g)!
    .map((f) => f.replace(/,$/, ''))
    .slice(0, -1);
}

/** Replaces field `index` of a CSV line. */
function replaceUnquotedField(line: string, index: number, value: string): string {
  const fields = csvFields(line);
  fields[index] = value;
  return fields.join(',');
}

/**
 * Rewrites generated raw CSVs so that later snapshots would change a probe customer's features if gold looked
 * ahead, and plants a customer whose features come only after the loan start, a duplicate financials row, a
 * customer without a loan and a clickstream row without a customer.
 */
export async function writeTrapData(rawDir: string): Promise<TrapCustomers> {
  const read = async (table: LoanRawTable) =>
    (await readFile(join(rawDir, RAW_TABLES[table].file), 'utf8')).trimEnd().split('\n');
  const write = (table: LoanRawTable, lines: string[]) =>
    writeFile(join(rawDir, RAW_TABLES[table].file), `${lines.join('\n')}\n`);
  const [attributes, financials, clickstream] = await Promise.all([
    read('features_attributes'),
    read('features_financials'),
    read('feature_clickstream'),
  ]);
  const withClicks = new Set(clickstream.slice(1).map((line) => line.split(',')[20]));
  const candidates = attributes.slice(1).filter((line) => {
    const [id, , , , , date] = line.split(',');
    return withClicks.has(id) && date >= '2023-06-01' && date <= '2024-06-01';
  });
  const [probeLine, noFeaturesLine, duplicateLine] = candidates;
  const [id, , , , , start] = probeLine.split(',');
  const probe = { id, start, fe10AtOrBefore: [] as number[], age: 0, outstandingDebt: 0 };
  const skipped = {
    noFeatures: noFeaturesLine.split(',')[0],
    duplicate: duplicateLine.split(',')[0],
    noLoan: 'CUS_0xnoloan',
  };
  const later = addMonths(probe.start, 1);

  // Clickstream after the loan start gets absurd fe_10 values; a blank Customer_ID row is added.
  const trappedClicks = clickstream.map((line) => {
    const fields = line.split(',');
    if (fields[20] !== probe.id) return line;
    if (fields[21] <= probe.start) {
      probe.fe10AtOrBefore.push(Number(fields[9]));
      return line;
    }
    fields[9] = '99999';
    return fields.join(',');
  });
  trappedClicks.push(`${Array.from({ length: 20 }, () => '1').join(',')},,2023-05-01`);

  // A later attributes/financials snapshot for the probe must not be used for its loan, nor an earlier one.
  const attrProbe = attributes.find((line) => line.startsWith(`${probe.id},`))!.split(',');
  probe.age = Number(attrProbe[2]);
  const otherAttributes = (age: string, date: string) =>
    [...attrProbe.slice(0, 2), age, ...attrProbe.slice(3, 5), date].join(',');
  const finIndex = financials.findIndex((line) => line.startsWith(`${probe.id},`));
  const debtColumn = RAW_TABLES.features_financials.columns.indexOf('Outstanding_Debt');
  probe.outstandingDebt = Number(csvFields(financials[finIndex])[debtColumn]);
  const otherFinancials = (debt: string, date: string) =>
    replaceUnquotedField(financials[finIndex].replace(/[^,]+$/, date), debtColumn, debt);
  const laterFinancialsWithDebt = otherFinancials('4321.0', later).replace(/,Bad,|,Good,|,Standard,|,_,/, ',Bad,');
  const earlier = addMonths(probe.start, -2);

  // Features only after the loan start; a duplicate financials row; a customer without a loan.
  const movedAttributes = attributes.map((line) =>
    line.startsWith(`${skipped.noFeatures},`) ? line.replace(/[^,]+$/, addMonths(line.split(',')[5], 2)) : line,
  );
  const duplicate = financials.find((line) => line.startsWith(`${skipped.duplicate},`))!;
  const noLoanAttributes = `${skipped.noLoan},Nobody,30,123-45-6789,Lawyer,2024-01-01`;
  const noLoanFinancials = financials[1].replace(/^[^,]+/, skipped.noLoan).replace(/[^,]+$/, '2024-01-01');

  await write('feature_clickstream', trappedClicks);
  await write('features_attributes', [
    ...movedAttributes,
    otherAttributes('99', later),
    otherAttributes('11', earlier),
    noLoanAttributes,
  ]);
  await write('features_financials', [
    ...financials,
    laterFinancialsWithDebt,
    otherFinancials('1234.0', earlier),
    duplicate,
    noLoanFinancials,
  ]);
  return { probe, skipped };
}

/** Customers of the trap data set (before the planted customer without a loan). */
export const TRAP_CUSTOMERS = 400;

/** Generated data (seed 5) with the traps planted. */
export async function trapRawData(prefix: string) {
  const data = await generatedRawData(prefix, { seed: 5, customers: TRAP_CUSTOMERS });
  const customers = await writeTrapData(data.rawDir);
  return { ...data, ...customers };
}
