/**
 * The API keeps its own OpenAPI contract: schemathesis (from PyPI, in a venv under .tools/) fuzzes every
 * route of `/docs/json` against the real API on a real port, with a real worker and sample data, and fails
 * on a 5xx, a status the route does not declare, or a body or content type that does not match it.
 *
 * No route is excluded: bad input is rejected before any work starts, and the few valid loan requests the
 * fuzzer finds start real (small) runs, which are terminated once it is done.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { writeLoanSampleData } from '../../src/sample-data/loan.js';
import { writeSegmentationSampleData } from '../../src/sample-data/segmentation.js';
import { authHeaders } from '../support/api.js';
import { REPO_ROOT } from '../support/paths.js';
import { startTestStack, TEST_API_KEY, type TestStack } from '../support/test-stack.js';

const SCHEMATHESIS_VERSION = '4.32.5';
const VENV = join(REPO_ROOT, '.tools', 'schemathesis-venv');
const SCHEMATHESIS = join(VENV, 'bin', 'schemathesis');

/** Runs a command without blocking the event loop (the API under test answers from this process). */
function run(command: string, args: string[], cwd = REPO_ROOT): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The pinned schemathesis in .tools/schemathesis-venv, installed on first use (CI starts from a clean clone). */
async function ensureSchemathesis(): Promise<void> {
  if (existsSync(SCHEMATHESIS)) {
    const { code, output } = await run(SCHEMATHESIS, ['--version']);
    if (code === 0 && output.includes(SCHEMATHESIS_VERSION)) return;
  }
  const venv = await run('python3', ['-m', 'venv', VENV]);
  assert.equal(venv.code, 0, `could not create the venv ${VENV} (needs python3 with venv):\n${venv.output}`);
  const pip = await run(join(VENV, 'bin', 'pip'), ['install', '--quiet', `schemathesis==${SCHEMATHESIS_VERSION}`]);
  assert.equal(
    pip.code,
    0,
    `pip install schemathesis==${SCHEMATHESIS_VERSION} failed (network? PyPI?):\n${pip.output}`,
  );
}

describe('the OpenAPI contract, fuzzed by schemathesis against the real API', () => {
  let stack: TestStack;
  let app: FastifyInstance;
  let baseUrl: string;
  let scratch: string;

  before(async () => {
    await ensureSchemathesis();
    stack = await startTestStack();
    await writeSegmentationSampleData(stack.config.dataDir);
    await writeLoanSampleData(join(stack.config.dataDir, 'loan'), { seed: 5, customers: 400 });
    await stack.startWorker();
    app = await buildApp({ config: stack.config, client: stack.env.client });
    await app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    scratch = await mkdtemp(join(tmpdir(), 'contract-test-'));
  });

  after(async () => {
    // Runs the fuzzer started are not the point: end them rather than wait for them.
    if (stack) {
      for await (const execution of stack.env.client.workflow.list({ query: 'ExecutionStatus="Running"' })) {
        await stack.env.client.workflow
          .getHandle(execution.workflowId)
          .terminate('contract test done')
          .catch(() => undefined);
      }
    }
    await app?.close();
    await stack?.teardown();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('answers an empty id with a declared 400 and the error body (GET /runs/ was once a 500)', async () => {
    for (const path of ['/runs/', '/runs//artifacts', '/models/']) {
      const response = await fetch(`${baseUrl}${path}`, { headers: authHeaders() });
      assert.equal(response.status, 400, path);
      const body = (await response.json()) as { error: string; message: string };
      assert.equal(body.error, 'Bad Request', path);
      assert.match(body.message, /must NOT have fewer than 1 characters/, path);
    }
  });

  it('answers every generated request with a declared status, content type and body, and never a 5xx', async () => {
    const { code, output } = await run(
      SCHEMATHESIS,
      [
        'run',
        `${baseUrl}/docs/json`,
        '--header',
        `Authorization: Bearer ${TEST_API_KEY}`,
        '--checks',
        'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance',
        '--phases',
        'examples,coverage,fuzzing',
        '--max-examples',
        '20',
        '--seed',
        '20261130',
        // One worker: with two, Hypothesis (in schemathesis) raced itself describing a strategy ("AST
        // constructor recursion depth mismatch", a runtime error of the tool, not of the API) in one run of two.
        '--workers',
        '1',
        '--request-timeout',
        '30',
        '--generation-database',
        'none',
        '--no-color',
      ],
      scratch,
    );
    assert.equal(code, 0, `schemathesis found contract violations:\n${output}`);
    // Its summary (operations, test cases, checks passed) in the test's output.
    console.log(output.slice(output.lastIndexOf('=== SUMMARY') >= 0 ? output.lastIndexOf('=== SUMMARY') : -2000));
  });
});
