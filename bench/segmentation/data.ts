/** The two segmentation workloads' rows: the real Mall customers and generated credit-card-shaped customers. */
import { readFileSync } from 'node:fs';

import { fitMinMaxScaler, transformMinMax } from '../../src/ml/minmax-scaler.js';
import type { Rng } from '../../src/ml/random.js';

/**
 * Credit-card-shaped customers: four latent segments (revolvers, transactors, low activity, premium) with
 * log-normal credit limits, balances as a log-normal share of the limit and log-normal purchases, ~23% of them
 * exactly zero. Marginals resemble the public "CC GENERAL" data: skewed, positive, long right tails.
 */
export function creditCardShaped(n: number, rng: Rng): number[][] {
  const segments = [
    { share: 0.35, limit: [7.9, 0.5], utilisation: [-0.6, 0.5], purchases: [4.5, 1.0], noPurchases: 0.45 },
    { share: 0.3, limit: [8.3, 0.5], utilisation: [-3.0, 1.0], purchases: [6.6, 0.8], noPurchases: 0.02 },
    { share: 0.25, limit: [7.6, 0.6], utilisation: [-1.8, 0.9], purchases: [5.2, 1.2], noPurchases: 0.25 },
    { share: 0.1, limit: [9.3, 0.4], utilisation: [-1.2, 0.6], purchases: [7.8, 0.7], noPurchases: 0.05 },
  ];
  const clip = (v: number, low: number, high: number): number => Math.min(high, Math.max(low, v));
  const round2 = (v: number): number => Math.round(v * 100) / 100;
  return Array.from({ length: n }, () => {
    let u = rng.next();
    const segment = segments.find((s) => (u -= s.share) < 0) ?? segments[segments.length - 1];
    const limit = clip(Math.round(Math.exp(rng.normal(segment.limit[0], segment.limit[1])) / 50) * 50, 50, 30_000);
    const balance = clip(limit * Math.exp(rng.normal(segment.utilisation[0], segment.utilisation[1])), 0, 19_043);
    const purchases =
      rng.next() < segment.noPurchases
        ? 0
        : clip(Math.exp(rng.normal(segment.purchases[0], segment.purchases[1])), 0, 49_039);
    return [round2(balance), round2(purchases), limit];
  });
}

/** The named columns of a plain CSV file (no quoted fields) as numbers. */
export function readCsvColumns(path: string, names: readonly string[]): number[][] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const columns = header.split(',');
  const picked = names.map((name) => columns.indexOf(name));
  return lines.map((line) => picked.map((index) => Number(line.split(',')[index])));
}

export function minMaxScaled(rows: number[][]): number[][] {
  return transformMinMax(fitMinMaxScaler(rows), rows);
}
