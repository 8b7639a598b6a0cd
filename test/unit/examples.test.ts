import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runLibraryExample } from '../../examples/library.js';

describe('README examples', () => {
  it('library example: a transfer is mined and the receiver has payment + reward', async () => {
    const { added, bobBalanceMicro } = await runLibraryExample();
    assert.deepEqual((added as { ok: boolean; expectedHeight: number }).ok, true);
    assert.equal((added as { expectedHeight: number }).expectedHeight, 1);
    assert.equal(bobBalanceMicro, 2_500_000n);
  });
});
