/** The JavaScript peer: `ml-kmeans` (the library the product's design names), with restarts as scikit-learn does. */
import { kmeans } from 'ml-kmeans';

/** SSE of rows against their assigned centroids. */
function sse(rows: number[][], clusters: number[], centroids: number[][]): number {
  let total = 0;
  rows.forEach((row, i) => {
    const centre = centroids[clusters[i]];
    for (let j = 0; j < row.length; j++) total += (row[j] - centre[j]) ** 2;
  });
  return total;
}

/**
 * ml-kmeans has no restarts of its own: `nInit` seeded runs (k-means++ init, its default) and the lowest SSE, like
 * scikit-learn's n_init. Seeds are `seed * 1000 + run`, so different sweeps see different starts.
 */
export function mlKMeansSse(rows: number[][], k: number, nInit: number, seed: number): number {
  let best = Infinity;
  for (let run = 0; run < nInit; run++) {
    const fit = kmeans(rows, k, { seed: seed * 1000 + run + 1, initialization: 'kmeans++', maxIterations: 300 });
    best = Math.min(best, sse(rows, fit.clusters, fit.centroids));
  }
  return best;
}
