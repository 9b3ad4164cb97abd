/** The pipeline's choice of k. Pure. */
import { findKnee } from '../../ml/kneedle.js';
import type { CurvePoint } from './contract.js';

/** The elbow of the curve by Kneedle (convex, decreasing, S=1, offline: the kneed package's defaults); kMin without one. */
export function selectElbow(points: readonly CurvePoint[]): { optimalK: number; elbowFound: boolean } {
  const curve = [...points].sort((a, b) => a.k - b.k);
  const { knee } = findKnee(
    curve.map((p) => p.k),
    curve.map((p) => p.score),
    { S: 1, curve: 'convex', direction: 'decreasing', online: false },
  );
  if (knee === null) return { optimalK: curve[0].k, elbowFound: false };
  return { optimalK: knee, elbowFound: true };
}
