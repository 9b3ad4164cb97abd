import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DataValidationError } from '../../src/failures.js';
import { columnsInput, rowsInput, scoringInputOf } from '../../src/pipelines/scoring-input.js';
import { numericFeatureRows } from '../../src/pipelines/segmentation/model.js';

const rows = [{ income: 15, score: '39' }, { income: 16, score: 81, extra: 'x' }, { score: 6 }];
const columns = { income: [15, 16, null], score: ['39', 81, 6], extra: [null, 'x', null] };

describe('predict input: rows or columns', () => {
  it('reads a column of rows or of columns alike; a column nobody sent is undefined', () => {
    const fromRows = rowsInput(rows);
    const fromColumns = columnsInput(columns);
    assert.equal(fromRows.nRows, 3);
    assert.equal(fromColumns.nRows, 3);
    assert.deepEqual(fromRows.column('score'), fromColumns.column('score'));
    // A row without the key reads undefined.
    assert.deepEqual(Array.from(fromRows.column('income')!), [15, 16, undefined]);
    assert.deepEqual(Array.from(fromRows.column('extra')!), [undefined, 'x', undefined]);
    assert.deepEqual(fromColumns.column('income'), [15, 16, null]);
    assert.equal(fromRows.column('age'), undefined);
    assert.equal(fromColumns.column('age'), undefined);
    // Only the body's keys are columns, not what every object inherits.
    assert.equal(fromRows.column('constructor'), undefined);
    assert.equal(fromColumns.column('constructor'), undefined);
  });

  it('reads a row of JSON with a "__proto__" key as one more column, changing no prototype', () => {
    const parsed = JSON.parse('[{"income": 15, "__proto__": {"polluted": true}}, {"income": 16}]') as object[];
    const input = rowsInput(parsed);
    assert.deepEqual(Array.from(input.column('income')!), [15, 16]);
    assert.deepEqual(Array.from(input.column('__proto__')!), [{ polluted: true }, undefined]);
    assert.equal(input.column('polluted'), undefined);
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
  });

  it('refuses columns of different lengths, naming the column, and a body with neither or both shapes', () => {
    const refused = (fn: () => unknown, message: RegExp, column?: string) =>
      assert.throws(fn, (err: unknown) => {
        assert.ok(err instanceof DataValidationError);
        assert.match(err.message, message);
        assert.equal(err.details.column, column);
        return true;
      });
    refused(() => columnsInput({ a: [1, 2], b: [1] }), /^Column "b" has 1 values but "a" has 2/, 'b');
    refused(() => columnsInput({}), /names no column/);
    refused(() => scoringInputOf({}), /exactly one of "rows"/);
    refused(() => scoringInputOf({ rows, columns }), /exactly one of "rows"/);
    assert.equal(scoringInputOf({ columns }).nRows, 3);
    assert.equal(scoringInputOf({ rows }).nRows, 3);
  });

  it("a segmentation model's features read from columns as from rows, with the same row named when one is bad", () => {
    const features = ['score', 'income'];
    const complete = { income: [15, 16], score: ['39', 81] };
    assert.deepEqual(numericFeatureRows(columnsInput(complete), features), [
      [39, 15],
      [81, 16],
    ]);
    assert.deepEqual(
      numericFeatureRows(columnsInput(complete), features),
      numericFeatureRows(rowsInput(rows.slice(0, 2)), features),
    );
    for (const input of [rowsInput(rows), columnsInput(columns)]) {
      assert.throws(() => numericFeatureRows(input, features), /^DataValidationError: Row 2 lacks feature "income"/);
    }
    assert.throws(
      () => numericFeatureRows(columnsInput({ score: [1, 'many'], income: [1, 2] }), features),
      /Row 1 has a non-numeric "score": "many"/,
    );
  });
});
