import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../src/ml/random.js';
import { csvLine, csvText } from '../../src/sample-data/csv.js';
import { intBetween, normalPair, pairedNormals, pickWeighted, standardNormal } from '../../src/sample-data/draws.js';

describe('sample-data shared helpers', () => {
  it('csvLine quotes only fields with commas, quotes or newlines', () => {
    assert.equal(csvLine(['a', 'b c', '1.0']), 'a,b c,1.0');
    assert.equal(
      csvLine(['Auto Loan, and Payday Loan', 'say "hi"', 'x\ny']),
      '"Auto Loan, and Payday Loan","say ""hi""","x\ny"',
    );
    assert.equal(csvText('h1,h2', ['1,2', '3,4']), 'h1,h2\n1,2\n3,4\n');
    assert.equal(csvText('h', []), 'h\n');
  });

  it('intBetween covers both ends and nothing outside', () => {
    const rng = mulberry32(1);
    const seen = new Set(Array.from({ length: 2000 }, () => intBetween(rng, -2, 3)));
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      [-2, -1, 0, 1, 2, 3],
    );
  });

  it('pickWeighted follows the weights and never picks a zero weight', () => {
    const rng = mulberry32(2);
    const items = [
      { name: 'a', weight: 3 },
      { name: 'never', weight: 0 },
      { name: 'b', weight: 1 },
    ];
    const picks = Array.from({ length: 4000 }, () => pickWeighted(rng, items).name);
    assert.ok(!picks.includes('never'));
    const shareA = picks.filter((name) => name === 'a').length / picks.length;
    assert.ok(Math.abs(shareA - 0.75) < 0.03, `share of a: ${shareA}`);
  });

  it('standardNormal takes a whole pair per draw; pairedNormals uses both halves', () => {
    const pairRng = mulberry32(3);
    const pairs = Array.from({ length: 3 }, () => normalPair(pairRng));
    const single = mulberry32(3);
    assert.deepEqual(
      pairs.map(() => standardNormal(single)),
      pairs.map(([first]) => first),
    );
    const paired = pairedNormals(mulberry32(3));
    assert.deepEqual(
      Array.from({ length: 6 }, () => paired()),
      pairs.flat(),
    );
  });
});
