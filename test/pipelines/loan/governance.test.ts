import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { governanceReasons } from '../../../src/pipelines/loan/governance.js';
import {
  DEFAULT_THRESHOLDS,
  type GovernanceThresholds,
  type LoanMonitoringMetrics,
} from '../../../src/pipelines/loan/monitoring/contract.js';

type Metric = 'auc' | 'precision' | 'recall';

/** A month that passes every default threshold comfortably, with the given values instead. */
function metrics(
  values: Partial<Record<Metric, number | null>> & { psi?: number } = {},
): Pick<LoanMonitoringMetrics, 'current' | 'psi'> {
  const { psi = 0.05, ...current } = values;
  return {
    current: {
      month: '2024-06',
      rows: 200,
      labeled: 200,
      auc: 0.85,
      precision: 0.8,
      recall: 0.75,
      f1: 0.77,
      psi,
      ...current,
    },
    psi: { score: psi, features: {} },
  };
}

const T: GovernanceThresholds = { minAuc: 0.7, maxPsi: 0.2, minPrecision: 0.6, minRecall: 0.5 };

describe('governanceReasons', () => {
  it('tests the thresholds the monitoring workflow uses by default', () => {
    assert.deepEqual(DEFAULT_THRESHOLDS, T);
  });

  it('a healthy month has no reason', () => {
    assert.deepEqual(governanceReasons(metrics(), T), []);
  });

  it('a metric exactly at its minimum is ok (the minimum is allowed)', () => {
    assert.deepEqual(governanceReasons(metrics({ auc: 0.7 }), T), []);
    assert.deepEqual(governanceReasons(metrics({ precision: 0.6 }), T), []);
    assert.deepEqual(governanceReasons(metrics({ recall: 0.5 }), T), []);
  });

  it('PSI exactly at the maximum is degraded (the maximum is not allowed)', () => {
    assert.deepEqual(governanceReasons(metrics({ psi: 0.2 }), T), ['psi 0.200 >= 0.2']);
  });

  it('just below a minimum is a reason naming the metric, its value and the threshold', () => {
    assert.deepEqual(governanceReasons(metrics({ auc: 0.699 }), T), ['auc 0.699 < 0.7']);
    assert.deepEqual(governanceReasons(metrics({ precision: 0.599 }), T), ['precision 0.599 < 0.6']);
    assert.deepEqual(governanceReasons(metrics({ recall: 0.499 }), T), ['recall 0.499 < 0.5']);
  });

  it('just below the PSI maximum is ok, just above it is a reason', () => {
    assert.deepEqual(governanceReasons(metrics({ psi: 0.199 }), T), []);
    assert.deepEqual(governanceReasons(metrics({ psi: 0.201 }), T), ['psi 0.201 >= 0.2']);
  });

  it('a breach that rounds to its threshold at three decimals still reads as a breach', () => {
    assert.deepEqual(governanceReasons(metrics({ auc: 0.69996 }), T), ['auc 0.69996 < 0.7']);
    assert.deepEqual(governanceReasons(metrics({ recall: 0.4999999 }), T), ['recall 0.4999999 < 0.5']);
    assert.deepEqual(governanceReasons(metrics({ psi: 0.2004 }), { ...T, maxPsi: 0.2004 }), ['psi 0.2004 >= 0.2004']);
  });

  it('metrics without labels (null AUC, precision, recall) give no reason', () => {
    assert.deepEqual(governanceReasons(metrics({ auc: null, precision: null, recall: null }), T), []);
    assert.deepEqual(
      governanceReasons(metrics({ auc: null, precision: null, recall: null }), {
        minAuc: 1,
        maxPsi: 0.2,
        minPrecision: 1,
        minRecall: 1,
      }),
      [],
      'even thresholds nothing could meet',
    );
  });

  it('PSI is judged even when the month has no labels', () => {
    assert.deepEqual(governanceReasons(metrics({ auc: null, precision: null, recall: null, psi: 0.35 }), T), [
      'psi 0.350 >= 0.2',
    ]);
  });

  it('lists every breached threshold, in the order auc, psi, precision, recall', () => {
    assert.deepEqual(governanceReasons(metrics({ auc: 0.61, psi: 0.342, precision: 0.41, recall: 0.3 }), T), [
      'auc 0.610 < 0.7',
      'psi 0.342 >= 0.2',
      'precision 0.410 < 0.6',
      'recall 0.300 < 0.5',
    ]);
    assert.deepEqual(governanceReasons(metrics({ psi: 0.5, recall: 0.2 }), T), [
      'psi 0.500 >= 0.2',
      'recall 0.200 < 0.5',
    ]);
  });

  it('thresholds of zero cannot be breached by AUC, precision or recall, so only PSI can degrade', () => {
    const psiOnly = { ...T, minAuc: 0, minPrecision: 0, minRecall: 0 };
    assert.deepEqual(governanceReasons(metrics({ auc: 0, precision: 0, recall: 0 }), psiOnly), []);
    assert.deepEqual(governanceReasons(metrics({ auc: 0, precision: 0, recall: 0, psi: 0.2 }), psiOnly), [
      'psi 0.200 >= 0.2',
    ]);
  });
});
