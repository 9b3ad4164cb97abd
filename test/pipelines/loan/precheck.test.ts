/**
 * The API's check before a loan run starts: the four raw files are found, not read (the worker hashes them to
 * find the layers). At ten times the CS611 data, reading them in the API meant 356 MB through its process.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config.js';
import { DataValidationError } from '../../../src/failures.js';
import { LOAN_RAW_TABLES, RAW_TABLES } from '../../../src/pipelines/loan/medallion/schemas.js';
import { checkLoanRequest } from '../../../src/pipelines/loan/precheck.js';

describe('checkLoanRequest', () => {
  let root: string;
  const config = () => loadConfig({ DATA_DIR: join(root, 'data'), MODEL_STORE_DIR: join(root, 'models') });

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'loan-precheck-'));
    // Named pipes with no writer: reading one blocks for good, so a check that read the files would hang.
    await mkdir(join(root, 'data', 'pipes'), { recursive: true });
    for (const table of LOAN_RAW_TABLES) execFileSync('mkfifo', [join(root, 'data', 'pipes', RAW_TABLES[table].file)]);
    await mkdir(join(root, 'data', 'incomplete'), { recursive: true });
    for (const table of LOAN_RAW_TABLES.slice(1)) {
      await writeFile(join(root, 'data', 'incomplete', RAW_TABLES[table].file), 'id\n1\n');
    }
  });

  after(() => rm(root, { recursive: true, force: true }));

  it('finds the four raw files without reading them', { timeout: 10_000 }, async () => {
    await checkLoanRequest(config(), { dataset: 'pipes' }, false);
  });

  it('names the raw file a dataset lacks, and an unknown dataset', async () => {
    const missing = RAW_TABLES[LOAN_RAW_TABLES[0]].file;
    await assert.rejects(checkLoanRequest(config(), { dataset: 'incomplete' }, false), (err: unknown) => {
      assert.ok(err instanceof DataValidationError);
      assert.equal(err.message, `Dataset "incomplete" lacks ${missing}`);
      assert.equal(err.details.file, missing);
      return true;
    });
    await assert.rejects(checkLoanRequest(config(), { dataset: 'nowhere' }, false), /Unknown dataset "nowhere"/);
  });
});
