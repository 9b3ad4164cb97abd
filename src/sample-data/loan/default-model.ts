/** Who defaults: a logistic model of the clean features, calibrated to the course data's default rates. */
import { expit } from '../../ml/math.js';
import type { UniformRng } from '../../ml/random.js';
import { standardNormal as normal } from '../draws.js';
import {
  customerIds,
  drawFeatures,
  NO_DRIFT,
  type CreditMix,
  type DriftSettings,
  type Features,
  type Profile,
} from './profile.js';
import { STREAM, streamFor } from './streams.js';

/** Target default rates (30 dpd at mob 6) before and after the drift month. */
const DEFAULT_RATE = 0.285;
const DRIFTED_DEFAULT_RATE = 0.3;

const MIX_RISK: Record<CreditMix, number> = { Good: -1, Standard: 0, Bad: 1 };
/** Overall strength of the observable signal: tuned so a plain model reaches a test AUC of ~0.85. */
const SIGNAL = 1.3;

/**
 * Default logit (without intercept) from the clean features. After the drift month the observable
 * signal is damped, interest rates stop carrying information (they rose for everyone) and a hidden
 * factor no feature sees takes over part of the risk.
 */
function riskScoreOf(rng: UniformRng, p: Features, drift: DriftSettings): number {
  const rateWeight = p.drifted ? 0.06 * Math.max(0, 1 - drift.strength) : 0.06;
  const observable =
    SIGNAL *
    (0.8 * MIX_RISK[p.creditMix] +
      rateWeight * (p.interestRate - 14.5) +
      0.5 * Math.log(p.outstandingDebt / 1100) +
      0.1 * (p.creditCards - 5.3) +
      0.02 * (p.delayFromDue - 20) +
      0.04 * (p.delayedPayments - 13.5) -
      0.03 * (p.age - 34) -
      0.4 * Math.log(Math.max(p.invested / p.monthlySalary, 0.002) / 0.045) -
      0.55 * p.engagement);
  const hidden = normal(rng);
  if (!p.drifted) return observable;
  const damp = Math.max(0.15, 1 - 0.55 * drift.strength);
  return damp * observable + 1.3 * drift.strength * hidden;
}

/** Intercept that makes the mean default probability equal `rate` (bisection; deterministic). */
function calibrateIntercept(scores: number[], rate: number): number {
  if (scores.length === 0) return 0;
  let lo = -20;
  let hi = 20;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    const mean = scores.reduce((sum, s) => sum + expit(s + mid), 0) / scores.length;
    if (mean < rate) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Every customer's clean profile with its risk score and drawn default outcome. */
export function drawProfiles(seed: number, count: number, drift: DriftSettings): Profile[] {
  const ids = customerIds(streamFor(seed, STREAM.ids), count);
  const draw = (settings: DriftSettings) => {
    const features = ids.map((id, i) => drawFeatures(streamFor(seed, STREAM.profile, i), id, settings));
    const scores = features.map((p, i) => riskScoreOf(streamFor(seed, STREAM.hidden, i), p, settings));
    return { features, scores };
  };
  const { features, scores } = draw(drift);
  // The pre-drift intercept comes from the undrifted population, so undrifted customers get exactly
  // the same outcomes with or without a drift option.
  const baselineScores = drift.fromMonth === NO_DRIFT.fromMonth ? scores : draw(NO_DRIFT).scores;
  const before = calibrateIntercept(baselineScores, DEFAULT_RATE);
  const after = calibrateIntercept(
    scores.filter((_, i) => features[i].drifted),
    DRIFTED_DEFAULT_RATE,
  );
  return features.map((p, i) => {
    const riskScore = scores[i];
    const probability = expit(riskScore + (p.drifted ? after : before));
    return { ...p, riskScore, defaults: streamFor(seed, STREAM.outcome, i)() < probability };
  });
}
