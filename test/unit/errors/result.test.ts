import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { invalid, locate, VALID } from '../../../src/errors/result.js';

describe('validation results', () => {
  it('VALID is ok and frozen', () => {
    assert.equal(VALID.ok, true);
    assert.ok(Object.isFrozen(VALID));
  });

  it('invalid carries code and reason', () => {
    assert.deepEqual(invalid('TX_ZERO_VALUE', 'nothing moves'), {
      ok: false,
      code: 'TX_ZERO_VALUE',
      reason: 'nothing moves',
    });
  });

  it('locate adds the location fields', () => {
    const located = locate(invalid('X', 'y'), { blockHeight: 3, txIndex: 1 });
    assert.equal(located.blockHeight, 3);
    assert.equal(located.txIndex, 1);
    assert.equal(located.code, 'X');
  });

  it('locate keeps location fields that are already set (the innermost location wins)', () => {
    const inner = locate(invalid('X', 'y'), { txIndex: 2, txHash: 'aa' });
    const outer = locate(inner, { txIndex: 7, blockHeight: 5 });
    assert.equal(outer.txIndex, 2);
    assert.equal(outer.txHash, 'aa');
    assert.equal(outer.blockHeight, 5);
  });
});
