/**
 * @module ledger/params
 * Consensus-critical parameters of a chain, fixed by its genesis configuration: every node must use the same
 * values or they will disagree about validity.
 */
import { GridPeerError } from '../errors/index.js';
import { coinsToMicro, parseMicro, parseUint } from '../units/index.js';

export interface ChainParams {
  /** Network id signed into every transaction: a transaction of one network is invalid on another. */
  readonly chainId: number;
  /** Newly issued coins per block (seed 000 Fig. A10 pays 1 coin to the miner). */
  readonly blockRewardMicro: bigint;
  readonly maxBlockBytes: number;
  readonly maxBlockTxs: number;
  /** How far a block timestamp may run ahead of the validating node's clock (Bitcoin uses 2 h; blocks here are seconds apart). */
  readonly maxFutureDriftMs: number;
  /** A block's timestamp must exceed the median of this many previous timestamps (Bitcoin: 11). */
  readonly medianTimeSpan: number;
}

export const DEFAULT_CHAIN_PARAMS: ChainParams = Object.freeze({
  chainId: 1337,
  blockRewardMicro: coinsToMicro(1),
  // 1,000 transfers are ~180 kB; 2 MiB leaves room for the market kinds' larger payloads.
  maxBlockBytes: 2 * 1024 * 1024,
  maxBlockTxs: 10_000,
  maxFutureDriftMs: 2 * 60 * 1000,
  medianTimeSpan: 11,
});

/**
 * Reads chain parameters from a genesis configuration object, filling defaults.
 * @throws GridPeerError INVALID_CONFIG naming the field.
 */
export function parseChainParams(config: Record<string, unknown>): ChainParams {
  const limits = (config['limits'] ?? {}) as Record<string, unknown>;
  if (typeof limits !== 'object' || limits === null) {
    throw new GridPeerError('INVALID_CONFIG', 'limits must be an object', { field: 'limits' });
  }
  try {
    const params: ChainParams = {
      chainId: parseUint(config['chainId'] ?? DEFAULT_CHAIN_PARAMS.chainId, 'chainId', 0xffffffff),
      blockRewardMicro: parseMicro(
        config['blockRewardMicro'] ?? DEFAULT_CHAIN_PARAMS.blockRewardMicro,
        'blockRewardMicro',
      ),
      maxBlockBytes: parseUint(limits['maxBlockBytes'] ?? DEFAULT_CHAIN_PARAMS.maxBlockBytes, 'limits.maxBlockBytes'),
      maxBlockTxs: parseUint(limits['maxBlockTxs'] ?? DEFAULT_CHAIN_PARAMS.maxBlockTxs, 'limits.maxBlockTxs', 100_000),
      maxFutureDriftMs: parseUint(
        limits['maxFutureDriftMs'] ?? DEFAULT_CHAIN_PARAMS.maxFutureDriftMs,
        'limits.maxFutureDriftMs',
      ),
      medianTimeSpan: parseUint(
        limits['medianTimeSpan'] ?? DEFAULT_CHAIN_PARAMS.medianTimeSpan,
        'limits.medianTimeSpan',
        1000,
      ),
    };
    if (params.medianTimeSpan < 1) {
      throw new GridPeerError('INVALID_CONFIG', 'limits.medianTimeSpan must be at least 1', {
        field: 'limits.medianTimeSpan',
      });
    }
    if (params.maxBlockTxs < 1) {
      throw new GridPeerError('INVALID_CONFIG', 'limits.maxBlockTxs must be at least 1 (the reward)', {
        field: 'limits.maxBlockTxs',
      });
    }
    return Object.freeze(params);
  } catch (error) {
    if (error instanceof GridPeerError && error.code !== 'INVALID_CONFIG') {
      throw new GridPeerError('INVALID_CONFIG', error.message, error.details, { cause: error });
    }
    throw error;
  }
}
