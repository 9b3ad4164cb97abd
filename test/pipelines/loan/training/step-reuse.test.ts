import assert from 'node:assert/strict';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { LOAN_RAW_TABLES } from '../../../../src/pipelines/loan/medallion/index.js';
import { silverTablePath } from '../../../../src/pipelines/loan/medallion/silver.js';
import { createLoanTrainingActivities } from '../../../../src/pipelines/loan/training/activities.js';
import type { LoanLayers } from '../../../../src/pipelines/loan/contract.js';
import { generatedRawData } from '../medallion/support.js';

type Activities = ReturnType<typeof createLoanTrainingActivities>;

/** The training workflow's data steps, in its order (tables in parallel), called as the worker calls them. */
async function dataSteps(activities: Activities, layers: LoanLayers) {
  const bronze = await Promise.all(LOAN_RAW_TABLES.map((table) => activities.ingestLoanBronzeTable({ layers, table })));
  const silver = await Promise.all(LOAN_RAW_TABLES.map((table) => activities.buildLoanSilverTable({ layers, table })));
  const quality = await activities.checkLoanDataQuality({ layers });
  const gold = await activities.buildLoanGold({ layers });
  return { bronze, silver, quality, gold };
}

/** When each output was last written (a reused step leaves its files alone). */
async function writtenAt(layers: LoanLayers, goldPath: string): Promise<number[]> {
  const paths = [...LOAN_RAW_TABLES.map((table) => silverTablePath(layers.silverDir, table)), goldPath];
  return Promise.all(paths.map(async (path) => (await stat(path)).mtimeMs));
}

describe('training data steps on unchanged raw files', () => {
  let data: Awaited<ReturnType<typeof generatedRawData>>;
  let activities: Activities;
  let layers: LoanLayers;
  before(async () => {
    data = await generatedRawData('step-reuse', { customers: 300, seed: 7 });
    // The dataset "loan" is the raw folder inside the data dir.
    activities = createLoanTrainingActivities({
      dataDir: data.root,
      runsDir: join(data.root, 'runs'),
      modelStoreDir: join(data.root, 'models'),
    });
    layers = await activities.resolveLoanDataset({ dataset: 'raw' });
  });
  after(() => data.cleanup());

  it('return what the finished run built, without rebuilding it', async () => {
    const first = await dataSteps(activities, layers);
    const firstWritten = await writtenAt(layers, first.gold.path);
    const second = await dataSteps(activities, layers);
    assert.deepEqual(second, first);
    assert.deepEqual(await writtenAt(layers, first.gold.path), firstWritten, 'no layer was written again');
  });

  it('rebuild a step whose output is gone', async () => {
    const first = await dataSteps(activities, layers);
    await rm(first.gold.path);
    const again = await dataSteps(activities, layers);
    assert.deepEqual(again, first);
    assert.ok((await stat(first.gold.path)).isFile(), 'gold was built again');
  });
});
