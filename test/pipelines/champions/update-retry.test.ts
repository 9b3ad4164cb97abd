import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { retryingTransientUpdateFailures } from '../../../src/pipelines/champions/client.js';

/** The server's words when the registry's workflow task failed while it took an update. */
const transient = () =>
  Object.assign(new Error('Unable to perform workflow execution update due to unexpected workflow task failure.'), {
    code: 9,
  });

describe('a champion change the server refused for a transient workflow task failure', () => {
  it('is sent again until it goes through', async () => {
    let calls = 0;
    const answer = await retryingTransientUpdateFailures(() => {
      calls++;
      return calls < 3 ? Promise.reject(transient()) : Promise.resolve('promoted');
    }, [1, 1, 1]);
    assert.equal(answer, 'promoted');
    assert.equal(calls, 3);
  });

  it('fails with the last refusal once the retries are spent, and any other failure at once', async () => {
    let calls = 0;
    await assert.rejects(
      retryingTransientUpdateFailures(() => {
        calls++;
        return Promise.reject(transient());
      }, [1, 1]),
      /unexpected workflow task failure/,
    );
    assert.equal(calls, 3);

    calls = 0;
    await assert.rejects(
      retryingTransientUpdateFailures(() => {
        calls++;
        return Promise.reject(new Error('Model "m" does not exist'));
      }, [1, 1]),
      /does not exist/,
    );
    assert.equal(calls, 1);
  });
});
