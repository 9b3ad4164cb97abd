import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataValidationError } from '../../src/failures.js';
import { LOAN_RAW_TABLES, RAW_TABLES, type LoanRawTable } from '../../src/pipelines/loan/medallion/schemas.js';
import { writeLoanSampleData } from '../../src/sample-data/loan.js';
import { REAL_DATA, skipUnlessRealData } from '../support/paths.js';

const REAL_LOAN_DIR = REAL_DATA.loanDir;

interface Csv {
  columns: string[];
  rows: string[][];
}

/** RFC 4180 parser (Type_of_Loan is quoted because it holds commas). */
function parseCsv(text: string): Csv {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  const [columns, ...rows] = records;
  return { columns: columns, rows };
}

function column(csv: Csv, name: string): string[] {
  const index = csv.columns.indexOf(name);
  assert.ok(index >= 0, `column ${name} exists`);
  return csv.rows.map((row) => row[index]);
}

async function readTables(dir: string): Promise<Record<LoanRawTable, Csv>> {
  const entries = await Promise.all(
    LOAN_RAW_TABLES.map(async (table) => [table, parseCsv(await readFile(join(dir, RAW_TABLES[table].file), 'utf8'))]),
  );
  return Object.fromEntries(entries) as Record<LoanRawTable, Csv>;
}

describe('loan sample data generator', () => {
  let root: string;
  let tables: Record<LoanRawTable, Csv>;
  const customers = 2000;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'loan-sample-'));
    await writeLoanSampleData(join(root, 'a'), { seed: 7, customers });
    tables = await readTables(join(root, 'a'));
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('is deterministic for a seed (same bytes) and differs across seeds', async () => {
    await writeLoanSampleData(join(root, 'b'), { seed: 7, customers });
    await writeLoanSampleData(join(root, 'c'), { seed: 8, customers });
    for (const table of LOAN_RAW_TABLES) {
      const file = RAW_TABLES[table].file;
      const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((d) => readFile(join(root, d, file))));
      assert.ok(a.equals(b), `${file} is byte-identical for the same seed`);
      assert.ok(!a.equals(c), `${file} differs for another seed`);
    }
  });

  it('writes the course headers in order, LF line endings and a final newline', async () => {
    for (const table of LOAN_RAW_TABLES) {
      const text = await readFile(join(root, 'a', RAW_TABLES[table].file), 'utf8');
      assert.ok(text.endsWith('\n') && !text.includes('\r'), `${table}: LF only, final newline`);
      assert.deepEqual(tables[table].columns, [...RAW_TABLES[table].columns]);
      for (const row of tables[table].rows) assert.equal(row.length, RAW_TABLES[table].columns.length);
    }
  });

  it('matches the headers of the real course files', { skip: skipUnlessRealData(REAL_LOAN_DIR) }, async () => {
    for (const table of LOAN_RAW_TABLES) {
      const file = RAW_TABLES[table].file;
      const realHeader = (await readFile(join(REAL_LOAN_DIR, file), 'utf8')).split('\n', 1)[0];
      const generatedHeader = (await readFile(join(root, 'a', file), 'utf8')).split('\n', 1)[0];
      assert.equal(generatedHeader, realHeader, file);
    }
  });

  it('has one attributes/financials row per customer at the loan start and 11 LMS rows per loan', () => {
    const lms = tables.lms_loan_daily;
    assert.equal(tables.features_attributes.rows.length, customers);
    assert.equal(tables.features_financials.rows.length, customers);
    assert.equal(new Set(column(tables.features_attributes, 'Customer_ID')).size, customers);
    assert.equal(lms.rows.length, customers * 11);
    const startOf = new Map(lms.rows.map((r) => [r[1], r[2]]));
    const attrDates = column(tables.features_attributes, 'snapshot_date');
    column(tables.features_attributes, 'Customer_ID').forEach((id, i) => assert.equal(attrDates[i], startOf.get(id)));
    for (const date of [...attrDates, ...column(lms, 'snapshot_date'), ...column(lms, 'loan_start_date')]) {
      assert.match(date, /^20\d\d-\d\d-01$/);
    }
    assert.ok(attrDates.every((d) => d >= '2023-01-01' && d <= '2025-01-01'));
    assert.deepEqual(new Set(column(lms, 'installment_num')), new Set(Array.from({ length: 11 }, (_, i) => String(i))));
    assert.deepEqual(new Set(column(lms, 'tenure')), new Set(['10']));
    assert.deepEqual(new Set(column(lms, 'loan_amt')), new Set(['10000']));
    assert.deepEqual(new Set(column(lms, 'due_amt')), new Set(['0.0', '1000.0']));
    assert.ok(
      column(lms, 'balance').every((v) => /^\d+\.0$/.test(v)),
      'amounts print like Python floats',
    );
    const loanIds = column(lms, 'loan_id');
    assert.ok(loanIds.every((id, i) => id === `${lms.rows[i][1]}_${lms.rows[i][2].replace(/-/g, '_')}`));
  });

  it('writes monthly clickstream fe_1..fe_20 integers for ~72% of customers', () => {
    const cs = tables.feature_clickstream;
    const ids = new Set(column(cs, 'Customer_ID'));
    assert.ok(ids.size > 0.65 * customers && ids.size < 0.79 * customers, `${ids.size} customers with clickstream`);
    assert.equal(cs.rows.length, ids.size * 24);
    assert.equal(new Set(column(cs, 'snapshot_date')).size, 24);
    for (const row of cs.rows.slice(0, 500)) for (const v of row.slice(0, 20)) assert.match(v, /^-?\d+$/);
  });

  it('has the same kinds of dirt as the course files', () => {
    const attrs = tables.features_attributes;
    const fin = tables.features_financials;
    const some = (values: string[], test: (v: string) => boolean, what: string) =>
      assert.ok(values.some(test), `some ${what}`);
    some(column(attrs, 'Age'), (v) => /^\d+_$/.test(v), 'ages like 40_');
    some(column(attrs, 'Age'), (v) => v === '-500', 'ages -500');
    some(column(attrs, 'Age'), (v) => Number(v.replace('_', '')) > 100, 'absurd ages');
    some(column(attrs, 'Occupation'), (v) => v === '_______', 'Occupation _______');
    some(column(attrs, 'SSN'), (v) => v === '#F%$D@*&8', 'garbage SSNs');
    some(column(fin, 'Annual_Income'), (v) => /^\d+\.\d+_$/.test(v), 'incomes like 52312.68_');
    some(column(fin, 'Credit_Mix'), (v) => v === '_', 'Credit_Mix _');
    some(column(fin, 'Num_of_Loan'), (v) => v === '-100', 'Num_of_Loan -100');
    some(column(fin, 'Num_of_Loan'), (v) => /^\d+_$/.test(v), 'Num_of_Loan with _');
    some(column(fin, 'Changed_Credit_Limit'), (v) => v === '_', 'Changed_Credit_Limit _');
    some(column(fin, 'Payment_Behaviour'), (v) => v === '!@9#%8', 'Payment_Behaviour !@9#%8');
    some(column(fin, 'Payment_of_Min_Amount'), (v) => v === 'NM', 'Payment_of_Min_Amount NM');
    some(column(fin, 'Amount_invested_monthly'), (v) => v === '__10000__', '__10000__ placeholders');
    some(column(fin, 'Interest_Rate'), (v) => Number(v) > 50, 'absurd interest rates');
    some(column(fin, 'Type_of_Loan'), (v) => v.includes(', and '), 'loan lists');
    some(column(fin, 'Credit_History_Age'), (v) => /^\d+ Years and \d+ Months$/.test(v), 'credit history ages');
    some(column(fin, 'Num_Credit_Inquiries'), (v) => /^\d+\.0$/.test(v), 'Python-style floats');
  });

  it('has a ~25-30% default rate (money still overdue at mob 6)', () => {
    const lms = tables.lms_loan_daily;
    const atMob6 = lms.rows.filter((r) => r[4] === '6');
    const rate = atMob6.filter((r) => Number(r[8]) > 0).length / atMob6.length;
    assert.ok(rate > 0.24 && rate < 0.33, `default rate ${rate}`);
  });

  it('drift changes only rows from the drift month on', async () => {
    const driftDir = join(root, 'drift');
    await writeLoanSampleData(driftDir, { seed: 7, customers, driftFromMonth: '2024-07-01' });
    const drifted = await readTables(driftDir);
    for (const table of ['features_attributes', 'features_financials', 'feature_clickstream'] as const) {
      const dateIndex = tables[table].columns.indexOf('snapshot_date');
      const before = (csv: Csv) => csv.rows.filter((r) => r[dateIndex] < '2024-07-01').map((r) => r.join(','));
      const after = (csv: Csv) => csv.rows.filter((r) => r[dateIndex] >= '2024-07-01').map((r) => r.join(','));
      assert.deepEqual(before(drifted[table]), before(tables[table]), `${table} before the drift is unchanged`);
      assert.notDeepEqual(after(drifted[table]), after(tables[table]), `${table} after the drift differs`);
    }
    const rateOf = (csv: Csv, col: string) => {
      const values = column(csv, col)
        .map(Number)
        .filter((v) => v >= 1 && v <= 34);
      return values.reduce((a, b) => a + b, 0) / values.length;
    };
    assert.ok(
      rateOf(drifted.features_financials, 'Interest_Rate') > rateOf(tables.features_financials, 'Interest_Rate') + 1,
    );
  });

  it('rejects bad options with a DataValidationError', async () => {
    await assert.rejects(writeLoanSampleData(join(root, 'bad'), { driftFromMonth: '07/2024' }), DataValidationError);
    await assert.rejects(writeLoanSampleData(join(root, 'bad'), { customers: 0 }), DataValidationError);
  });
});
