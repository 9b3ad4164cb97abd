/**
 * Seeded generators for the customer-segmentation sample data, so the pipeline works from a fresh clone.
 * The files copy the schemas of two public datasets (Kaggle "Mall Customer Segmentation Data" and
 * "Credit Card Dataset for Clustering"); every value is synthetic. Same seed → same bytes.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../storage/atomic-file.js';
import { fileExists } from '../storage/atomic-file.js';
import { CREDIT_CARD_FIRST_ID, generateCreditCardCsv } from './segmentation/credit-card.js';
import { generateMallCustomersCsv } from './segmentation/mall.js';
import { deriveSeed } from './segmentation/random.js';

export { CREDIT_CARD_HEADER, generateCreditCardCsv } from './segmentation/credit-card.js';
export { generateMallCustomersCsv, MALL_CUSTOMERS_HEADER } from './segmentation/mall.js';

/** File names of the generated samples, relative to the data dir. */
export interface SegmentationSampleFiles {
  customers: string;
  customersTest: string;
  creditCard: string;
  creditCardTest: string;
}

export const SEGMENTATION_SAMPLE_FILES: SegmentationSampleFiles = {
  customers: 'mall_customers.csv',
  customersTest: 'mall_customers_test.csv',
  creditCard: 'credit_card.csv',
  creditCardTest: 'credit_card_test.csv',
};

const DEFAULT_SEED = 42;
const MALL_ROWS = 200;
const MALL_TEST_ROWS = 20;
const CREDIT_CARD_ROWS = 8950;
const CREDIT_CARD_TEST_ROWS = 25;

/**
 * Writes the four segmentation samples into dataDir (created if missing). Existing files are skipped unless
 * `overwrite`; each file is written to a sibling temp file and renamed, so readers never see half a file.
 * Returns the paths (dataDir joined with the file name) written and skipped.
 */
export async function writeSegmentationSampleData(
  dataDir: string,
  opts: { seed?: number; overwrite?: boolean } = {},
): Promise<{ written: string[]; skipped: string[] }> {
  const seed = opts.seed ?? DEFAULT_SEED;
  const testSeed = deriveSeed(seed, 'test');
  const files = SEGMENTATION_SAMPLE_FILES;
  // Test files use their own seed stream and continue the ID sequence, so they hold new, unseen customers.
  const plan: { name: string; render: () => string }[] = [
    { name: files.customers, render: () => generateMallCustomersCsv({ seed, rows: MALL_ROWS, startId: 1 }) },
    {
      name: files.customersTest,
      render: () => generateMallCustomersCsv({ seed: testSeed, rows: MALL_TEST_ROWS, startId: MALL_ROWS + 1 }),
    },
    {
      name: files.creditCard,
      render: () => generateCreditCardCsv({ seed, rows: CREDIT_CARD_ROWS, startId: CREDIT_CARD_FIRST_ID }),
    },
    {
      name: files.creditCardTest,
      render: () =>
        generateCreditCardCsv({
          seed: testSeed,
          rows: CREDIT_CARD_TEST_ROWS,
          startId: CREDIT_CARD_FIRST_ID + CREDIT_CARD_ROWS,
        }),
    },
  ];

  const written: string[] = [];
  const skipped: string[] = [];
  for (const { name, render } of plan) {
    const path = join(dataDir, name);
    if (!opts.overwrite && (await fileExists(path))) {
      skipped.push(path);
      continue;
    }
    await writeFileAtomic(path, render());
    written.push(path);
  }
  return { written, skipped };
}
