/** Exact rational prices of money.ts (Ratio helpers used by the pool mechanisms). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  costMicroAt,
  ratio,
  ratioAdd,
  ratioCompare,
  ratioDiv,
  ratioMul,
  ratioSub,
  roundRatio,
} from '../../../src/market/money.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';

describe('Ratio', () => {
  it('keeps lowest terms with a positive denominator', () => {
    assert.deepEqual(ratio(6n, -4n), { numerator: -3n, denominator: 2n });
    assert.deepEqual(ratio(0n, 7n), { numerator: 0n, denominator: 1n });
    assertThrowsCoded(() => ratio(1n, 0n), 'INVALID_ARGUMENT');
    assertThrowsCoded(() => ratioDiv(ratio(1n), ratio(0n)), 'INVALID_ARGUMENT');
  });

  it('adds, subtracts, multiplies, divides and compares exactly', () => {
    const third = ratio(1n, 3n);
    const half = ratio(1n, 2n);
    assert.deepEqual(ratioAdd(third, half), ratio(5n, 6n));
    assert.deepEqual(ratioSub(third, half), ratio(-1n, 6n));
    assert.deepEqual(ratioMul(third, half), ratio(1n, 6n));
    assert.deepEqual(ratioDiv(third, half), ratio(2n, 3n));
    assert.equal(ratioCompare(third, half), -1);
    assert.equal(ratioCompare(half, ratio(2n, 4n)), 0);
  });

  it('rounds half away from zero, once', () => {
    assert.equal(roundRatio(ratio(5n, 2n)), 3n);
    assert.equal(roundRatio(ratio(-5n, 2n)), -3n);
    assert.equal(roundRatio(ratio(7n, 3n)), 2n);
    // 3 Wh at 1/3 µcoin/kWh is 0.001 µcoin; 1500 Wh at 1/3 µcoin/kWh is 0.5 µcoin, rounded to 1
    assert.equal(costMicroAt(3, ratio(1n, 3n)), 0n);
    assert.equal(costMicroAt(1500, ratio(1n, 3n)), 1n);
    assert.equal(costMicroAt(3000, ratio(165_000n)), 495_000n);
  });
});
