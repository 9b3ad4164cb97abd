import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeProgress, progressReporter } from '../src/run-progress.js';

describe('live run progress', () => {
  it('says the stage and how far the sweep or the fits have got', () => {
    assert.equal(describeProgress(null), 'starting');
    assert.equal(describeProgress({ stage: 'loading', kDone: 0, kTotal: 0 }), 'loading');
    assert.equal(describeProgress({ stage: 'fitting', kDone: 4, kTotal: 10 }), 'fitting · k 4/10');
    assert.equal(describeProgress({ stage: 'training', modelsDone: 2, modelsTotal: 3 }), 'training · models 2/3');
    assert.equal(describeProgress({ stage: 'gold', modelsDone: 0, modelsTotal: 3 }), 'gold');
  });

  it('rewrites one line on a terminal and clears it when done', () => {
    const written: string[] = [];
    const reporter = progressReporter('run', { isTTY: true, write: (text: string) => written.push(text) });
    reporter.update({ stage: 'fitting', kDone: 1, kTotal: 2 });
    reporter.update({ stage: 'fitting', kDone: 1, kTotal: 2 });
    reporter.update({ stage: 'fitting', kDone: 2, kTotal: 2 });
    reporter.done();
    assert.deepEqual(written, [
      '\r\u001b[2K  run: fitting · k 1/2',
      '\r\u001b[2K  run: fitting · k 2/2',
      '\r\u001b[2K',
    ]);
  });

  it('prints a line per change, and nothing else, into a log', () => {
    const written: string[] = [];
    const reporter = progressReporter('run', { write: (text: string) => written.push(text) });
    reporter.update({ stage: 'bronze' });
    reporter.update({ stage: 'bronze' });
    reporter.update({ stage: 'silver' });
    reporter.done();
    assert.deepEqual(written, ['  run: bronze\n', '  run: silver\n']);
  });
});
