/** Split/merge moves for a fitted Gaussian mixture (SMEM, Ueda et al. 2000), screened by a short partial EM. */
import { componentLogDensity, KERNEL_DIMS, logDensity3d, NEGLIGIBLE_LOG_RATIO, tableStride } from './gmm-kernels.js';
import { MASS_FLOOR, tryFactorisation, type MixtureParams } from './gmm-params.js';
import { largestEigenpair, type DenseMatrix } from './linalg.js';
import { logSumExp } from './math.js';

/** Merge pairs (by posterior similarity) and splits (by local misfit) combined into screened moves. */
const SCREEN_PAIRS = 1;
const SCREEN_SPLITS = 2;
/** Partial EM passes per screened move. */
const SCREEN_PASSES = 5;
/** Rows whose responsibility for the three touched components is below this take no part in partial EM. */
const SCREEN_MASS = 1e-2;

/**
 * Split/merge moves (SMEM, Ueda et al. 2000). Candidate pairs to merge are ranked by the cosine similarity of
 * their posterior columns, components to split by their local misfit (KL divergence between the component's
 * share of the data and its Gaussian). The best few pairs and splits are combined, and each move is screened by
 * a short partial EM that refits only the three touched components on the rows they share, the rest of the
 * mixture held fixed (cheap: about 3/k of the rows and 3 of the k components). Returns the partially refitted
 * moves, largest likelihood gain first.
 */
export function screenedMoves(padded: DenseMatrix, params: MixtureParams, regCovar: number): MixtureParams[] {
  const { k } = params;
  const { data, rows: n, cols: dims } = padded;
  const stride = tableStride(dims);
  // Weighted log densities of every row under every component, then the responsibilities from them.
  const logDensities = new Float64Array(n * k);
  const responsibilities = new Float64Array(n * k);
  const rowLogLikelihoods = new Float64Array(n);
  const diff = new Float64Array(dims);
  for (let i = 0; i < n; i += 1) {
    for (let c = 0; c < k; c += 1) {
      logDensities[i * k + c] =
        dims === KERNEL_DIMS
          ? logDensity3d(data, i * dims, params.densityTable, c * stride)
          : componentLogDensity(data, i * dims, dims, params.densityTable, c * stride, diff);
    }
    const rowLogLikelihood = logSumExp(logDensities.subarray(i * k, (i + 1) * k));
    rowLogLikelihoods[i] = rowLogLikelihood;
    for (let c = 0; c < k; c += 1) {
      const gap = logDensities[i * k + c] - rowLogLikelihood;
      responsibilities[i * k + c] = gap < NEGLIGIBLE_LOG_RATIO ? 0 : Math.exp(gap);
    }
  }
  const pairs = pairsBySimilarity(responsibilities, n, k).slice(0, SCREEN_PAIRS);
  const misfit = localMisfit(params, logDensities, responsibilities, n);
  const screened: { params: MixtureParams; gain: number }[] = [];
  for (const pair of pairs) {
    const splitOrder = Array.from({ length: k }, (_, c) => c)
      .filter((c) => c !== pair.keep && c !== pair.absorbed)
      .sort((a, b) => misfit[b] - misfit[a])
      .slice(0, SCREEN_SPLITS);
    for (const split of splitOrder) {
      const candidate = mergeAndSplit(params, pair, split, regCovar);
      if (candidate === null) continue;
      const touched = [pair.keep, pair.absorbed, split];
      const result = partialEm(
        padded,
        params,
        logDensities,
        rowLogLikelihoods,
        responsibilities,
        candidate,
        touched,
        regCovar,
      );
      if (result !== null) screened.push(result);
    }
  }
  return screened.sort((x, y) => y.gain - x.gain).map((move) => move.params);
}

/**
 * SMEM's partial EM: refits the `touched` components of `candidate` on the rows where the original mixture gives
 * them any weight, with every other component's density held fixed. Returns the refitted mixture and the
 * log-likelihood gain over `original` on those rows (null when a refitted covariance breaks down).
 */
function partialEm(
  padded: DenseMatrix,
  original: MixtureParams,
  logDensities: Float64Array,
  rowLogLikelihoods: Float64Array,
  responsibilities: Float64Array,
  candidate: MixtureParams,
  touched: number[],
  regCovar: number,
): { params: MixtureParams; gain: number } | null {
  const { data, rows: n, cols: dims } = padded;
  const { k, d } = original;
  const stride = tableStride(dims);
  const rows: number[] = [];
  for (let i = 0; i < n; i += 1) {
    let share = 0;
    for (const c of touched) share += responsibilities[i * k + c];
    if (share > SCREEN_MASS) rows.push(i);
  }
  const diff = new Float64Array(dims);
  // Per row: log Σ over untouched components (fixed), and the row's log-likelihood under the original.
  const logOther = new Float64Array(rows.length);
  let originalLogLikelihood = 0;
  rows.forEach((i, j) => {
    originalLogLikelihood += rowLogLikelihoods[i];
    let otherShare = 1;
    for (const c of touched) otherShare -= responsibilities[i * k + c];
    if (otherShare > 1e-6) {
      logOther[j] = rowLogLikelihoods[i] + Math.log(otherShare);
      return;
    }
    // Nearly all of the row's density is in the touched components: sum the rest directly (no cancellation).
    let sum = 0;
    for (let c = 0; c < k; c += 1)
      if (!touched.includes(c)) sum += Math.exp(logDensities[i * k + c] - rowLogLikelihoods[i]);
    logOther[j] = rowLogLikelihoods[i] + Math.log(sum);
  });
  const t = touched.length;
  const mass = new Float64Array(t);
  const sums = new Float64Array(t * d);
  const squares = new Float64Array(t * d * d);
  const local = new Float64Array(t);
  let current = candidate;
  let gain = -Infinity;
  for (let pass = 0; pass < SCREEN_PASSES; pass += 1) {
    mass.fill(0);
    sums.fill(0);
    squares.fill(0);
    let logLikelihood = 0;
    for (let j = 0; j < rows.length; j += 1) {
      const offset = rows[j] * dims;
      let max = logOther[j];
      for (let s = 0; s < t; s += 1) {
        local[s] =
          dims === KERNEL_DIMS
            ? logDensity3d(data, offset, current.densityTable, touched[s] * stride)
            : componentLogDensity(data, offset, dims, current.densityTable, touched[s] * stride, diff);
        if (local[s] > max) max = local[s];
      }
      let sum = logOther[j] === -Infinity ? 0 : Math.exp(logOther[j] - max);
      for (let s = 0; s < t; s += 1) {
        local[s] = Math.exp(local[s] - max);
        sum += local[s];
      }
      logLikelihood += max + Math.log(sum);
      for (let s = 0; s < t; s += 1) {
        const r = local[s] / sum;
        if (r === 0) continue;
        mass[s] += r;
        for (let a = 0; a < d; a += 1) {
          const weighted = r * data[offset + a];
          sums[s * d + a] += weighted;
          for (let b = 0; b <= a; b += 1) squares[s * d * d + a * d + b] += weighted * data[offset + b];
        }
      }
    }
    gain = logLikelihood - originalLogLikelihood;
    const logWeights = Float64Array.from(current.logWeights);
    const means = Float64Array.from(current.means);
    const covariances = Float64Array.from(current.covariances);
    for (let s = 0; s < t; s += 1) {
      const c = touched[s];
      const total = mass[s] + MASS_FLOOR;
      logWeights[c] = Math.log(total / n);
      for (let a = 0; a < d; a += 1) means[c * d + a] = sums[s * d + a] / total;
      for (let a = 0; a < d; a += 1) {
        for (let b = 0; b <= a; b += 1) {
          const value =
            squares[s * d * d + a * d + b] / total - means[c * d + a] * means[c * d + b] + (a === b ? regCovar : 0);
          covariances[c * d * d + a * d + b] = value;
          covariances[c * d * d + b * d + a] = value;
        }
      }
    }
    const next = tryFactorisation(k, d, logWeights, means, covariances);
    if (next === null) break;
    current = next;
  }
  return Number.isFinite(gain) ? { params: current, gain } : null;
}

/** Component pairs, most similar posterior columns first. */
function pairsBySimilarity(
  responsibilities: Float64Array,
  n: number,
  k: number,
): { keep: number; absorbed: number; similarity: number }[] {
  const dots = new Float64Array(k * k);
  for (let i = 0; i < n; i += 1) {
    const row = i * k;
    for (let a = 0; a < k; a += 1) {
      const ra = responsibilities[row + a];
      if (ra === 0) continue;
      for (let b = a; b < k; b += 1) dots[a * k + b] += ra * responsibilities[row + b];
    }
  }
  const pairs: { keep: number; absorbed: number; similarity: number }[] = [];
  for (let a = 0; a < k; a += 1) {
    for (let b = a + 1; b < k; b += 1) {
      const norms = Math.sqrt(dots[a * k + a] * dots[b * k + b]);
      pairs.push({ keep: a, absorbed: b, similarity: norms > 0 ? dots[a * k + b] / norms : 0 });
    }
  }
  return pairs.sort((x, y) => y.similarity - x.similarity);
}

/** Σᵢ fᵢ·log(fᵢ / N(xᵢ | component)) with fᵢ the component's normalised responsibilities. */
function localMisfit(
  params: MixtureParams,
  logDensities: Float64Array,
  responsibilities: Float64Array,
  n: number,
): Float64Array {
  const { k } = params;
  const mass = new Float64Array(k);
  for (let i = 0; i < n; i += 1) for (let c = 0; c < k; c += 1) mass[c] += responsibilities[i * k + c];
  const misfit = new Float64Array(k);
  for (let i = 0; i < n; i += 1) {
    for (let c = 0; c < k; c += 1) {
      const r = responsibilities[i * k + c];
      if (r === 0 || mass[c] === 0) continue;
      const share = r / mass[c];
      misfit[c] += share * (Math.log(share) - (logDensities[i * k + c] - params.logWeights[c]));
    }
  }
  return misfit;
}

/**
 * Merges `absorbed` into `keep` (moment matching) and splits `split` into itself and the freed slot: two
 * halves of its weight, means ± ½√λ along its principal axis, covariance narrowed by λ/4 along that axis.
 */
function mergeAndSplit(
  params: MixtureParams,
  pair: { keep: number; absorbed: number },
  split: number,
  regCovar: number,
): MixtureParams | null {
  const { k, d } = params;
  const weights = Array.from(params.logWeights, Math.exp);
  const means = Float64Array.from(params.means);
  const covariances = Float64Array.from(params.covariances);
  const { keep, absorbed } = pair;
  const merged = weights[keep] + weights[absorbed];
  for (let a = 0; a < d; a += 1) {
    means[keep * d + a] =
      (weights[keep] * params.means[keep * d + a] + weights[absorbed] * params.means[absorbed * d + a]) / merged;
  }
  for (let a = 0; a < d; a += 1) {
    for (let b = 0; b < d; b += 1) {
      const spread = (c: number): number =>
        params.covariances[c * d * d + a * d + b] +
        (params.means[c * d + a] - means[keep * d + a]) * (params.means[c * d + b] - means[keep * d + b]);
      covariances[keep * d * d + a * d + b] =
        (weights[keep] * spread(keep) + weights[absorbed] * spread(absorbed)) / merged;
    }
  }
  weights[keep] = merged;

  const { value: lambda, vector: axis } = largestEigenpair(
    params.covariances.subarray(split * d * d, (split + 1) * d * d),
    d,
  );
  const offset = 0.5 * Math.sqrt(lambda);
  weights[split] /= 2;
  weights[absorbed] = weights[split];
  for (let a = 0; a < d; a += 1) {
    means[absorbed * d + a] = params.means[split * d + a] - offset * axis[a];
    means[split * d + a] = params.means[split * d + a] + offset * axis[a];
    for (let b = 0; b < d; b += 1) {
      const narrowed = params.covariances[split * d * d + a * d + b] - 0.25 * lambda * axis[a] * axis[b];
      const value = narrowed + (a === b ? regCovar : 0);
      covariances[split * d * d + a * d + b] = value;
      covariances[absorbed * d * d + a * d + b] = value;
    }
  }
  const logWeights = Float64Array.from(weights, Math.log);
  return tryFactorisation(k, d, logWeights, means, covariances);
}
