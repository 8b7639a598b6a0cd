import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createConsensus } from '../../../src/consensus/create.js';
import { PowConsensus } from '../../../src/consensus/pow/index.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';

describe('createConsensus', () => {
  it('builds PoW by default, with the section’s parameters', async () => {
    const consensus = createConsensus({ initialDifficultyBits: 10, minDifficultyBits: 2 }, { pow: { workers: 0 } });
    assert.ok(consensus instanceof PowConsensus);
    assert.equal(consensus.params.initialDifficultyBits, 10);
    await consensus.close();
  });

  it('rejects an unknown engine with INVALID_CONFIG naming consensus.engine', () => {
    assertThrowsCoded(() => createConsensus({ engine: 'pos' }), 'INVALID_CONFIG', 'consensus.engine');
  });

  it('rejects bad PoW parameters with INVALID_CONFIG', () => {
    assertThrowsCoded(
      () => createConsensus({ engine: 'pow', maxAdjustFactor: 0 }),
      'INVALID_CONFIG',
      'consensus.maxAdjustFactor',
    );
  });
});
