/**
 * The Temporal Web UI as an operator sees it, in a real headless Chromium: a run started over the API reads
 * as a sentence (its static summary) in the run list and on the run page, and is found by our search
 * attributes in the UI's query box. Chromium comes from the machine's packages (CI installs it; CHROMIUM_PATH
 * or `chromium` on PATH).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildApp } from '../../src/api/app.js';
import { describeSegmentationRun, type SegmentationInput } from '../../src/pipelines/segmentation/contract.js';
import { SEGMENTATION_SAMPLE_FILES, writeSegmentationSampleData } from '../../src/sample-data/segmentation.js';
import { runClosedOverApi, startRunOverApi } from '../support/api.js';
import { freePort } from '../support/ports.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const REQUEST: SegmentationInput = {
  dataset: SEGMENTATION_SAMPLE_FILES.customers,
  features: ['Annual Income (k$)', 'Spending Score (1-100)'],
  algorithm: 'kmeans',
  kMin: 1,
  kMax: 4,
  nInit: 1,
};

function chromiumPath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const executablePath = chromiumPath();
if (!executablePath && process.env.CI) {
  throw new Error('CI must install Chromium (apt-get install chromium) or set CHROMIUM_PATH for the Web UI test');
}

describe('the Temporal Web UI in a real browser', { skip: executablePath ? false : 'no Chromium here' }, () => {
  let stack: TestStack;
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let uiUrl = '';
  let workflowId = '';
  let runId = '';
  const summary = describeSegmentationRun(REQUEST).summary;

  before(async () => {
    const uiPort = await freePort();
    uiUrl = `http://127.0.0.1:${uiPort}`;
    stack = await startTestStack({ uiPort });
    await writeSegmentationSampleData(stack.config.dataDir);
    await stack.startWorker();
    app = await buildApp({ config: { ...stack.config, temporalUiUrl: uiUrl }, client: stack.env.client });
    const started = await startRunOverApi(app, 'segmentation', REQUEST);
    const run = await runClosedOverApi<{ status: string; workflowId?: string; temporalUiUrl?: string }>(app, started);
    assert.equal(run.status, 'completed');
    workflowId = started;
    runId = (await stack.env.client.workflow.getHandle(workflowId).describe()).runId;
    browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage();
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    await stack?.teardown();
  });

  it('lists the run, and shows our search attributes as columns of the run list', async () => {
    await page.goto(`${uiUrl}/namespaces/${stack.config.namespace}/workflows`);
    const row = page.locator('tr', { hasText: workflowId });
    await row.first().waitFor({ timeout: 30_000 });
    // The UI's list has no summary column (its run page has); our attributes are the list's columns instead.
    await page.getByTestId('workflows-summary-table-configuration-button').click();
    for (const attribute of ['MlPipeline', 'MlDataset']) {
      await page.getByTestId(`orderable-list-item-${attribute}-add-button`).click({ timeout: 30_000 });
    }
    await page.keyboard.press('Escape');
    await row.getByText(REQUEST.dataset).first().waitFor({ timeout: 30_000 });
    await row.getByText('segmentation', { exact: true }).first().waitFor({ timeout: 30_000 });
  });

  it('finds the run by its search attributes in the query box', async () => {
    const query = `MlPipeline = "segmentation" AND MlDataset = "${REQUEST.dataset}"`;
    await page.goto(`${uiUrl}/namespaces/${stack.config.namespace}/workflows?query=${encodeURIComponent(query)}`);
    await page.getByText(workflowId).first().waitFor({ timeout: 30_000 });
    const none = `MlPipeline = "loan-training" AND MlDataset = "${REQUEST.dataset}"`;
    await page.goto(`${uiUrl}/namespaces/${stack.config.namespace}/workflows?query=${encodeURIComponent(none)}`);
    await page
      .getByText(/No Workflows/i)
      .first()
      .waitFor({ timeout: 30_000 });
    assert.equal(await page.getByText(workflowId).count(), 0);
  });

  it('shows the summary and the parameters on the run page', async () => {
    await page.goto(`${uiUrl}/namespaces/${stack.config.namespace}/workflows/${workflowId}/${runId}/history`);
    await page.getByText(summary).first().waitFor({ timeout: 30_000 });
    // The static details list the parameters.
    await page.getByText(/nInit/).first().waitFor({ timeout: 30_000 });
  });
});
