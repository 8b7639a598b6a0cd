/** Seeded randomness (units/random.ts): the same seed replays the same sequence; values lie in [0, 1). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../../src/units/random.js';

describe('seededRandom', () => {
  it('replays the same sequence for the same seed and another one for another seed', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, seededRandom(seed));
    assert.deepEqual(draw(42), draw(42));
    assert.notDeepEqual(draw(42), draw(43));
  });

  it('is mulberry32: its first value for seed 1 is the widely quoted 0.6270739405881613', () => {
    assert.equal(seededRandom(1)(), 0.6270739405881613);
  });

  it('stays in [0, 1) with a mean near 1/2 over 100,000 draws', () => {
    const random = seededRandom(7);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = random();
      assert.ok(x >= 0 && x < 1);
      sum += x;
    }
    assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.01);
  });
});
