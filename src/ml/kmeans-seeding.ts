/** Where k-means starts from: greedy k-means++ seeding, and centre swaps proposed by D² sampling. */
import { squaredDistance, type DenseKMeansResult } from './kmeans-clusters.js';
import type { DenseMatrix } from './linalg.js';
import { searchSortedLeft } from './math.js';
import type { Rng } from './random.js';

/**
 * scikit-learn's greedy k-means++: each new centre is the best (lowest potential) of 2 + ln(k) candidates
 * sampled proportionally to the squared distance to the nearest chosen centre.
 */
export function greedyKMeansPlusPlus(matrix: DenseMatrix, k: number, rng: Rng): Float64Array {
  const { data, rows: n, cols: d } = matrix;
  const centers = new Float64Array(k * d);
  const localTrials = 2 + Math.floor(Math.log(k));
  const first = rng.int(n);
  centers.set(data.subarray(first * d, first * d + d), 0);

  let closest = new Float64Array(n);
  let potential = 0;
  for (let i = 0; i < n; i += 1) {
    closest[i] = squaredDistance(data, i * d, data, first * d, d);
    potential += closest[i];
  }
  const cumulative = new Float64Array(n);
  const candidateIds = new Int32Array(localTrials);
  const candidateClosest = Array.from({ length: localTrials }, () => new Float64Array(n));
  const candidatePotential = new Float64Array(localTrials);

  for (let c = 1; c < k; c += 1) {
    let running = 0;
    for (let i = 0; i < n; i += 1) {
      running += closest[i];
      cumulative[i] = running;
    }
    for (let t = 0; t < localTrials; t += 1) {
      candidateIds[t] = Math.min(searchSortedLeft(cumulative, rng.next() * potential), n - 1);
    }
    for (let t = 0; t < localTrials; t += 1) {
      const offset = candidateIds[t] * d;
      const distances = candidateClosest[t];
      let sum = 0;
      for (let i = 0; i < n; i += 1) {
        const distance = Math.min(closest[i], squaredDistance(data, i * d, data, offset, d));
        distances[i] = distance;
        sum += distance;
      }
      candidatePotential[t] = sum;
    }
    let bestTrial = 0;
    for (let t = 1; t < localTrials; t += 1) if (candidatePotential[t] < candidatePotential[bestTrial]) bestTrial = t;
    // Swap buffers instead of copying: the winner's distances become the new nearest-centre distances.
    const previous = closest;
    closest = candidateClosest[bestTrial];
    candidateClosest[bestTrial] = previous;
    potential = candidatePotential[bestTrial];
    const chosen = candidateIds[bestTrial];
    centers.set(data.subarray(chosen * d, chosen * d + d), c * d);
  }
  return centers;
}

/**
 * Proposes new centres: a row sampled with probability proportional to its squared distance (where the fit is
 * worst) replaces either the centre whose removal costs least, judged before re-running Lloyd, or a random one.
 * The greedy choice is usually right; the random one escapes optima where it keeps proposing the same swap.
 */
export function swapOneCenter(
  matrix: DenseMatrix,
  fit: DenseKMeansResult,
  k: number,
  rng: Rng,
  dropRandomCenter: boolean,
): Float64Array {
  const { data, rows: n, cols: d } = matrix;
  const nearestLabel = new Int32Array(n);
  const nearest = new Float64Array(n);
  const secondNearest = new Float64Array(n);
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i += 1) {
    let first = Infinity;
    let second = Infinity;
    for (let c = 0; c < k; c += 1) {
      const distance = squaredDistance(data, i * d, fit.centers, c * d, d);
      if (distance < first) {
        second = first;
        first = distance;
        nearestLabel[i] = c;
      } else if (distance < second) second = distance;
    }
    nearest[i] = first;
    secondNearest[i] = second;
    total += first;
    cumulative[i] = total;
  }
  const candidate = Math.min(searchSortedLeft(cumulative, rng.next() * total), n - 1);
  let dropped: number;
  if (dropRandomCenter) dropped = rng.int(k);
  else {
    // Extra cost of dropping centre c once the candidate is added: its rows fall back to their second-nearest
    // centre or the candidate, whichever is closer.
    const dropCost = new Float64Array(k);
    for (let i = 0; i < n; i += 1) {
      const toCandidate = squaredDistance(data, i * d, data, candidate * d, d);
      dropCost[nearestLabel[i]] += Math.min(toCandidate, secondNearest[i]) - Math.min(toCandidate, nearest[i]);
    }
    dropped = 0;
    for (let c = 1; c < k; c += 1) if (dropCost[c] < dropCost[dropped]) dropped = c;
  }
  const centers = Float64Array.from(fit.centers);
  centers.set(data.subarray(candidate * d, candidate * d + d), dropped * d);
  return centers;
}
