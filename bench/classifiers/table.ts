/** The table a classifier benchmark runs on: numeric features, 0/1 labels, read from Parquet or CSV by DuckDB. */
import { DuckDBInstance } from '@duckdb/node-api';
import { extname } from 'node:path';

export interface Table {
  /** Human-readable source (the path as given, or "synthetic ..."). */
  source: string;
  features: string[];
  rows: number[][];
  labels: number[];
  dropped: string[];
}

const LABEL_CANDIDATES = ['default', 'is_default', 'defaulted', 'loan_default', 'label', 'target', 'y'];

const NUMERIC_TYPE =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL|DECIMAL.*|BOOLEAN)$/;

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Reads `path`: the label (given or guessed) and every numeric or boolean column as a feature; the rest is dropped. */
export async function loadTable(path: string, labelOption: string | undefined, drop: string[]): Promise<Table> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const reader = extname(path).toLowerCase() === '.parquet' ? 'read_parquet' : 'read_csv_auto';
    const source = `${reader}('${path.replace(/'/g, "''")}')`;
    const described = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
    const columns = described
      .getRowObjectsJS()
      .map((r) => ({ name: asText(r.column_name), type: asText(r.column_type) }));
    const label = labelOption ?? columns.find((c) => LABEL_CANDIDATES.includes(c.name.toLowerCase()))?.name;
    if (!label || !columns.some((c) => c.name === label)) {
      throw new Error(`label column not found; pass --label (columns: ${columns.map((c) => c.name).join(', ')})`);
    }
    const usable = columns.filter((c) => c.name !== label && !drop.includes(c.name));
    const features = usable.filter((c) => NUMERIC_TYPE.test(c.type)).map((c) => c.name);
    const dropped = [...drop, ...usable.filter((c) => !NUMERIC_TYPE.test(c.type)).map((c) => c.name)];
    const select = [label, ...features].map((name) => `CAST(${quoteIdent(name)} AS DOUBLE) AS ${quoteIdent(name)}`);
    const result = await conn.runAndReadAll(`SELECT ${select.join(', ')} FROM ${source}`);
    const data = result.getColumnsObjectJS();
    const toNumber = (v: unknown) => (typeof v === 'number' ? v : Number.NaN);
    const labels = data[label].map(toNumber);
    const rows = labels.map((_, i) => features.map((name) => toNumber(data[name][i])));
    return { source: path, features, rows, labels, dropped };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
