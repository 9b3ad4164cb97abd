/** The two segmentation workloads' rows: the real Mall customers and the product's generated credit-card customers. */
import { readFileSync } from 'node:fs';

import { fitMinMaxScaler, transformMinMax } from '../../src/ml/minmax-scaler.js';
import { generateCreditCardCsv } from '../../src/sample-data/segmentation.js';

/**
 * The credit-card sample `npm run generate-data` writes (same generator): BALANCE, PURCHASES and CREDIT_LIMIT
 * shaped like the public "CC GENERAL" columns (PURCHASES ~23% exact zeros, skew ~8; CREDIT_LIMIT round numbers,
 * mostly multiples of 500; two blank CREDIT_LIMITs, dropped on every side).
 */
export function creditCardCsv(rows: number, seed: number): string {
  return generateCreditCardCsv({ seed, rows });
}

/** The named columns of a plain CSV text (no quoted fields) as numbers; rows with a blank in them are dropped. */
export function csvColumns(text: string, names: readonly string[]): number[][] {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const columns = header.split(',');
  const picked = names.map((name) => columns.indexOf(name));
  return lines
    .map((line) => {
      const fields = line.split(',');
      return picked.map((index) => fields[index]);
    })
    .filter((fields) => fields.every((field) => field !== undefined && field.trim() !== ''))
    .map((fields) => fields.map(Number));
}

export function readCsvColumns(path: string, names: readonly string[]): number[][] {
  return csvColumns(readFileSync(path, 'utf8'), names);
}

export function minMaxScaled(rows: number[][]): number[][] {
  return transformMinMax(fitMinMaxScaler(rows), rows);
}
