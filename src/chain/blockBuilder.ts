/**
 * @module chain/blockBuilder
 * Block templates: the miner's side of the state transition. The reward pays the block reward plus the fees
 * of the chosen transactions (seed 000 Fig. A10), and the state root is computed by the same
 * `executeBlock` every validating node runs.
 */
import type { Address } from '../crypto/index.js';
import { GridPeerError } from '../errors/index.js';
import { BLOCK_VERSION, type Block, type BlockHeader, computeTxRoot, headerHash } from '../ledger/block.js';
import type { StateContract } from '../ledger/contract.js';
import type { ChainParams } from '../ledger/params.js';
import type { LedgerState } from '../ledger/state.js';
import { createReward, type Transaction } from '../ledger/tx.js';
import { executeBlock } from '../ledger/validation.js';

export interface BuildBlockParameters {
  readonly parent: BlockHeader;
  /** State after `parent`. */
  readonly state: LedgerState;
  /** Transactions in order; each must apply (as from `Mempool.select`). */
  readonly txs: readonly Transaction[];
  readonly miner: Address;
  readonly timestampMs: number;
  readonly bits: number;
  readonly params: ChainParams;
  /** The market's rules, as every validating node runs them. */
  readonly contract?: StateContract;
}

export interface BuiltBlock {
  /** Complete but unsealed (nonce 0, empty extra). */
  readonly block: Block;
  readonly state: LedgerState;
}

/** @throws GridPeerError BLOCK_INVALID when a given transaction does not apply. */
export function buildBlock(p: BuildBlockParameters): BuiltBlock {
  const feesMicro = p.txs.reduce((sum, tx) => sum + tx.feeMicro, 0n);
  const height = p.parent.height + 1;
  const reward = createReward({
    chainId: p.params.chainId,
    height,
    to: p.miner,
    amountMicro: p.params.blockRewardMicro + feesMicro,
    timestampMs: p.timestampMs,
  });
  const txs = Object.freeze([reward, ...p.txs]);
  const draftHeader: BlockHeader = {
    version: BLOCK_VERSION,
    height,
    prevHash: headerHash(p.parent),
    txRoot: computeTxRoot(txs),
    stateRoot: new Uint8Array(32),
    timestampMs: p.timestampMs,
    bits: p.bits,
    miner: p.miner,
    nonce: 0n,
    extra: new Uint8Array(0),
  };
  const executed = executeBlock(p.state, { header: draftHeader, txs }, p.params, p.contract);
  if (!executed.ok) {
    throw new GridPeerError('BLOCK_INVALID', `block template does not apply: ${executed.reason}`, {
      code: executed.code,
      txIndex: executed.txIndex,
    });
  }
  const header = Object.freeze({ ...draftHeader, stateRoot: executed.state.root() });
  return { block: Object.freeze({ header, txs }), state: executed.state };
}
