/**
 * Replays the recorded histories (test/fixtures/histories/, `npm run record-histories`) against the current
 * workflow code: an edit that would make a run already in flight take a different path fails here with a
 * nondeterminism error, not on a production history. No server: the replay worker runs on the history alone.
 */
import { DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import * as workflows from '../../src/pipelines/workflows.js';
import { bundleWorkflows } from '../../src/temporal/worker.js';
import { historyFromJson } from './history-json.js';

const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));

interface RecordedHistory {
  events: { workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }[];
}

/**
 * Histories recorded before a deliberate workflow change that in-flight runs must survive (kept by hand,
 * never re-recorded): `legacy/` holds loan runs recorded before the champion registry, which replay on the
 * `patched('champion-registry')` branch of the training workflow.
 */
const LEGACY_DIR = 'legacy';

function readFixtures(folder: string) {
  return readdirSync(join(FIXTURES_DIR, folder))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      file: folder ? `${folder}/${file}` : file,
      /** The run's workflow id (the file's name, URI-encoded): part of what is replayed (child ids derive from it). */
      workflowId: decodeURIComponent(file.slice(0, -'.json'.length)),
      history: JSON.parse(readFileSync(join(FIXTURES_DIR, folder, file), 'utf8')) as RecordedHistory,
    }));
}

const fixtures = readFixtures('');
const legacyFixtures = readFixtures(LEGACY_DIR);

const workflowTypeOf = (history: RecordedHistory): string | undefined =>
  history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;

describe('recorded workflow histories replay on the current workflow code', () => {
  let bundle: WorkflowBundleWithSourceMap;

  before(async () => {
    // The replay worker logs every workflow task at INFO.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    bundle = await bundleWorkflows();
  });

  it('has a recorded history of every workflow type the worker runs', () => {
    const exported = Object.values(workflows)
      .filter((value) => typeof value === 'function')
      .map((fn) => fn.name)
      .sort();
    const recorded = new Set(fixtures.map(({ history }) => workflowTypeOf(history)));
    const missing = exported.filter((name) => !recorded.has(name));
    assert.deepEqual(missing, [], 'missing fixtures: re-record with npm run record-histories');
  });

  it('keeps histories recorded before the champion registry', () => {
    assert.ok(legacyFixtures.some(({ history }) => workflowTypeOf(history) === 'loanTrainingWorkflow'));
  });

  for (const { file, workflowId, history } of [...fixtures, ...legacyFixtures]) {
    it(`replays ${file} (${workflowTypeOf(history)})`, async () => {
      await Worker.runReplayHistory({ workflowBundle: bundle, replayName: file }, historyFromJson(history), workflowId);
    });
  }
});
