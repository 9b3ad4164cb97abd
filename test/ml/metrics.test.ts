import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import {
  classificationSummary,
  confusionMatrix,
  f1,
  logLoss,
  precision,
  precisionRecallCurve,
  recall,
  rocAuc,
  rocCurve,
} from '../../src/ml/metrics.js';

interface MetricsCase {
  yTrue: number[];
  score: number[];
  threshold: number;
  auc: number;
  roc: { fpr: number[]; tpr: number[]; thresholds: number[] };
  rocAll: { fpr: number[]; tpr: number[]; thresholds: number[] };
  pr: { precision: number[]; recall: number[]; thresholds: number[] };
  prDropped: { precision: number[]; recall: number[]; thresholds: number[] };
  confusion: { tn: number; fp: number; fn: number; tp: number };
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
  logLoss: number;
}

/** sklearn reference numbers (scripts/reference/classifiers_reference.py); null → NaN, "Infinity" → Infinity. */
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/classifiers-reference.json', import.meta.url), 'utf8'),
  (_key, value: unknown) => (value === null ? Number.NaN : value === 'Infinity' ? Number.POSITIVE_INFINITY : value),
) as { metrics: Record<string, MetricsCase> };

const TOL = 1e-12;

function assertClose(actual: number, expected: number, tol = TOL, label = ''): void {
  if (expected === Number.POSITIVE_INFINITY) {
    assert.equal(actual, expected, label);
    return;
  }
  assert.ok(Math.abs(actual - expected) <= tol, `${label}: ${actual} vs ${expected}`);
}

function assertArrayClose(actual: ArrayLike<number>, expected: number[], label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < expected.length; i++) assertClose(actual[i], expected[i], TOL, `${label}[${i}]`);
}

describe('metrics vs scikit-learn', () => {
  for (const [name, c] of Object.entries(fixture.metrics)) {
    describe(name, () => {
      const yPred = c.score.map((s) => (s >= c.threshold ? 1 : 0));

      it('roc_auc_score (with ties)', () => assertClose(rocAuc(c.yTrue, c.score), c.auc, TOL, 'auc'));

      it('roc_curve with and without drop_intermediate', () => {
        const dropped = rocCurve(c.yTrue, c.score);
        assertArrayClose(dropped.fpr, c.roc.fpr, 'fpr');
        assertArrayClose(dropped.tpr, c.roc.tpr, 'tpr');
        assertArrayClose(dropped.thresholds, c.roc.thresholds, 'thresholds');
        const all = rocCurve(c.yTrue, c.score, { dropIntermediate: false });
        assertArrayClose(all.fpr, c.rocAll.fpr, 'fpr(all)');
        assertArrayClose(all.tpr, c.rocAll.tpr, 'tpr(all)');
        assertArrayClose(all.thresholds, c.rocAll.thresholds, 'thresholds(all)');
      });

      it('precision_recall_curve with and without drop_intermediate', () => {
        const full = precisionRecallCurve(c.yTrue, c.score);
        assertArrayClose(full.precision, c.pr.precision, 'precision');
        assertArrayClose(full.recall, c.pr.recall, 'recall');
        assertArrayClose(full.thresholds, c.pr.thresholds, 'thresholds');
        const dropped = precisionRecallCurve(c.yTrue, c.score, { dropIntermediate: true });
        assertArrayClose(dropped.precision, c.prDropped.precision, 'precision(dropped)');
        assertArrayClose(dropped.recall, c.prDropped.recall, 'recall(dropped)');
        assertArrayClose(dropped.thresholds, c.prDropped.thresholds, 'thresholds(dropped)');
      });

      it('confusion matrix, precision, recall, f1 (zero_division=0)', () => {
        assert.deepEqual(confusionMatrix(c.yTrue, yPred), c.confusion);
        assertClose(precision(c.yTrue, yPred), c.precision, TOL, 'precision');
        assertClose(recall(c.yTrue, yPred), c.recall, TOL, 'recall');
        assertClose(f1(c.yTrue, yPred), c.f1, TOL, 'f1');
      });

      it('log_loss (clipped like sklearn)', () => assertClose(logLoss(c.yTrue, c.score), c.logLoss, TOL, 'logLoss'));

      it('classificationSummary agrees with the individual metrics', () => {
        const summary = classificationSummary(c.yTrue, c.score, c.threshold);
        assertClose(summary.auc, c.auc, TOL, 'auc');
        assertClose(summary.accuracy, c.accuracy, TOL, 'accuracy');
        assertClose(summary.f1, c.f1, TOL, 'f1');
        assertClose(summary.logLoss, c.logLoss, TOL, 'logLoss');
        assert.deepEqual(summary.confusion, c.confusion);
        assert.equal(summary.threshold, c.threshold);
      });
    });
  }
});

describe('metrics edge cases', () => {
  it('AUC is rank based: invariant to monotone transforms, 0.5 for constant scores, 1 for perfect ranking', () => {
    const y = [0, 1, 0, 1, 1, 0];
    const s = [0.1, 0.8, 0.3, 0.35, 0.9, 0.2];
    assertClose(
      rocAuc(y, s),
      rocAuc(
        y,
        s.map((v) => Math.exp(5 * v)),
      ),
    );
    assert.equal(rocAuc(y, [1, 1, 1, 1, 1, 1]), 0.5);
    assert.equal(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4]), 1);
    assert.equal(rocAuc([0, 0, 1, 1], [0.4, 0.3, 0.2, 0.1]), 0);
  });

  it('accepts typed arrays', () => {
    assert.equal(rocAuc(Uint8Array.from([0, 1]), Float64Array.from([0.2, 0.9])), 1);
  });

  it('rejects single-class labels, non-binary labels, NaN scores and length mismatches', () => {
    assert.throws(() => rocAuc([1, 1, 1], [0.1, 0.2, 0.3]), /only one class/);
    assert.throws(() => rocAuc([0, 2], [0.1, 0.2]), /0 or 1/);
    assert.throws(() => rocAuc([0, 1], [0.1, Number.NaN]), /not finite/);
    assert.throws(() => rocAuc([0, 1], [0.1]), /length mismatch/);
    assert.throws(() => logLoss([0, 1], [0.5, Number.NaN]), /NaN/);
  });

  it('precision/recall/f1 are 0 instead of NaN when undefined', () => {
    assert.equal(precision([1, 0, 1], [0, 0, 0]), 0);
    assert.equal(recall([0, 0, 0], [1, 0, 0]), 0);
    assert.equal(f1([0, 0, 0], [0, 0, 0]), 0);
  });

  it('threshold is inclusive (proba >= threshold is positive)', () => {
    const summary = classificationSummary([0, 1], [0.2, 0.5], 0.5);
    assert.deepEqual(summary.confusion, { tn: 1, fp: 0, fn: 0, tp: 1 });
  });
});
