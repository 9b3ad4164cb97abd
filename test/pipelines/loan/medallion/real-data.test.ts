import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REAL_DATA, skipUnlessRealData } from '../../../support/paths.js';
import { silverOf, throughGold } from './support.js';

describe('loan medallion on the real CS611 files', () => {
  let root: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'loan-real-'));
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it(
    'labels 12,500 loans with 3,602 positives and builds gold',
    { skip: skipUnlessRealData(REAL_DATA.loanDir) },
    async (t) => {
      const started = performance.now();
      const chain = await throughGold(REAL_DATA.loanDir, root);
      const total = Math.round(performance.now() - started);
      // Timings are a diagnostic only: speed is measured in bench/, never asserted in a test.
      t.diagnostic(`real data timings (ms): ${JSON.stringify({ ...chain.timingsMs, total })}`);
      const store = silverOf(chain.silver, 'lms_loan_daily').labelStore!;
      assert.deepEqual([store.rows, store.positives], [12500, 3602]);
      assert.deepEqual([chain.gold.rows, chain.gold.positives], [12500, 3602]);
      assert.equal(chain.quality.ok, true);
      assert.equal(chain.quality.removedCustomers, 0);
      const rows = Object.fromEntries(chain.bronze.map((b) => [b.table, b.rows]));
      assert.deepEqual(rows, {
        features_attributes: 12500,
        features_financials: 12500,
        feature_clickstream: 215376,
        lms_loan_daily: 137500,
      });
      const attributes = silverOf(chain.silver, 'features_attributes');
      assert.equal(attributes.nullsSet.Occupation, 880);
      assert.equal(attributes.nullsSet.SSN, 703);
    },
  );
});
