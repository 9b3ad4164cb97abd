import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActivities } from '../../src/pipelines/registry.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { ensureTemporalCli } from '../../src/temporal/cli.js';
import { devServerSearchAttributeArgs } from '../../src/temporal/search-attribute-registration.js';
import { bundleWorkflows, createWorker } from '../../src/temporal/worker.js';

/** The API key every test stack's API accepts (see authHeaders in test/support/api.ts). */
export const TEST_API_KEY = 'test-api-key-0123456789abcdef';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

export interface TestStack {
  env: TestWorkflowEnvironment;
  config: AppConfig;
  /** Start a worker with (optionally wrapped) real activities; stopped by teardown. */
  startWorker(wrapActivities?: (real: ReturnType<typeof createActivities>) => object): Promise<Worker>;
  teardown(): Promise<void>;
}

/**
 * A real Temporal dev server (the project's own CLI binary, free ports, in-memory SQLite; its Web UI on
 * `uiPort` when given) and fresh
 * data and model-store folders for one test file.
 */
export async function startTestStack(options: { uiPort?: number } = {}): Promise<TestStack> {
  // Worker state changes are INFO; test output should show only what matters.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const cliPath = await ensureTemporalCli((line) => console.log(line));
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cliPath },
      extraArgs: ['--log-level', 'error', ...devServerSearchAttributeArgs()],
      // The Web UI only when a test drives it in a browser.
      ...(options.uiPort === undefined ? {} : { ui: true, uiPort: options.uiPort }),
    },
  });
  const root = await mkdtemp(join(tmpdir(), 'ml-pipelines-test-'));
  const config = loadConfig({
    DATA_DIR: join(root, 'data'),
    MODEL_STORE_DIR: join(root, 'model_store'),
    STATE_DIR: join(root, 'state'),
    TASK_QUEUE: `test-${randomUUID()}`,
    TEMPORAL_ADDRESS: 'in-test',
    API_KEY: TEST_API_KEY,
  });
  bundle ??= bundleWorkflows();
  const workflowBundle = await bundle;
  const running: { worker: Worker; done: Promise<void> }[] = [];
  return {
    env,
    config,
    async startWorker(wrapActivities) {
      const real = createActivities(config);
      const worker = await createWorker({
        config,
        connection: env.nativeConnection,
        workflowBundle,
        activities: wrapActivities ? wrapActivities(real) : real,
      });
      running.push({ worker, done: worker.run() });
      return worker;
    },
    async teardown() {
      for (const { worker, done } of running) {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await done;
      }
      await env.teardown();
      await rm(root, { recursive: true, force: true });
    },
  };
}
