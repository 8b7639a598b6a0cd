import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_CHAIN_PARAMS, parseChainParams } from '../../../src/ledger/params.js';
import { coinsToMicro } from '../../../src/units/index.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';

describe('DEFAULT_CHAIN_PARAMS', () => {
  it('pays 1 coin per block (seed 000 Fig. A10) and is frozen', () => {
    assert.equal(DEFAULT_CHAIN_PARAMS.blockRewardMicro, coinsToMicro(1));
    assert.ok(Object.isFrozen(DEFAULT_CHAIN_PARAMS));
  });
});

describe('parseChainParams', () => {
  it('fills every default from an empty configuration', () => {
    assert.deepEqual(parseChainParams({}), DEFAULT_CHAIN_PARAMS);
  });

  it('reads the chain id, reward and limits', () => {
    const params = parseChainParams({
      chainId: 7,
      blockRewardMicro: '2500000',
      limits: { maxBlockBytes: 1000, maxBlockTxs: 5, maxFutureDriftMs: 1, medianTimeSpan: 3 },
    });
    assert.deepEqual(params, {
      chainId: 7,
      blockRewardMicro: 2_500_000n,
      maxBlockBytes: 1000,
      maxBlockTxs: 5,
      maxFutureDriftMs: 1,
      medianTimeSpan: 3,
    });
    assert.ok(Object.isFrozen(params));
  });

  const bad: Array<[string, Record<string, unknown>, string]> = [
    ['chainId', { chainId: -1 }, 'chainId'],
    ['chainId', { chainId: 2 ** 32 }, 'chainId'],
    ['blockRewardMicro', { blockRewardMicro: '-1' }, 'blockRewardMicro'],
    ['limits.maxBlockBytes', { limits: { maxBlockBytes: 'big' } }, 'limits.maxBlockBytes'],
    ['limits.maxBlockTxs', { limits: { maxBlockTxs: 0 } }, 'limits.maxBlockTxs'],
    ['limits.maxBlockTxs', { limits: { maxBlockTxs: 100_001 } }, 'limits.maxBlockTxs'],
    ['limits.maxFutureDriftMs', { limits: { maxFutureDriftMs: 1.5 } }, 'limits.maxFutureDriftMs'],
    ['limits.medianTimeSpan', { limits: { medianTimeSpan: 0 } }, 'limits.medianTimeSpan'],
    ['limits.medianTimeSpan', { limits: { medianTimeSpan: 1001 } }, 'limits.medianTimeSpan'],
    ['limits', { limits: 5 }, 'limits'],
  ];
  for (const [name, config, field] of bad) {
    it(`rejects a bad ${name} (${JSON.stringify(config)}) with INVALID_CONFIG naming ${field}`, () => {
      assertThrowsCoded(() => parseChainParams(config), 'INVALID_CONFIG', field);
    });
  }

  it('keeps the original error as the cause when it re-codes it', () => {
    const error = assertThrowsCoded(() => parseChainParams({ chainId: 'x' }), 'INVALID_CONFIG', 'chainId');
    assert.ok(error.cause instanceof Error);
  });
});
