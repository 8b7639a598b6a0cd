/**
 * @module chain/verifyChain
 * Full verification of a chain from genesis (MISSION L3, the seeds' `is_valid`): every block is checked against
 * every rule in order, and the first one that breaks a rule is named with the rule. This is what a node does
 * when it replays its own history, and what `gridpeer chain verify` runs on an exported file.
 */

import type { Consensus } from '../consensus/index.js';
import { bytesEqual, toHex } from '../crypto/index.js';
import { invalid, locate, type ValidationFailure } from '../errors/result.js';
import { type Block, type BlockHeader, headerHash } from '../ledger/block.js';
import type { StateContract } from '../ledger/contract.js';
import type { LedgerState } from '../ledger/state.js';
import { applyBlock, checkBlock, checkHeaderContext } from '../ledger/validation.js';
import { createGenesis, type GenesisConfig } from './genesis.js';

export type VerifyChainResult =
  | { readonly ok: true; readonly height: number; readonly headHash: string; readonly state: LedgerState }
  | (ValidationFailure & { readonly validHeight: number });

export interface VerifyChainOptions {
  /** Clock reading for the future-timestamp rule. */
  readonly nowMs: number;
  /** The head the verifier trusts (for example its own node's): a chain ending elsewhere is reported. */
  readonly expectedHeadHash?: string;
  /**
   * Hashes a file records for each block (undefined where it records none); a block whose contents do not
   * hash to its recorded hash is named as edited.
   */
  readonly recordedHashes?: ReadonlyArray<string | undefined>;
  /** The market's rules (the same every node of the network runs); without one, market transactions fail. */
  readonly contract?: StateContract | undefined;
}

/**
 * Verifies `blocks` (index = height, starting with genesis) under `config`.
 * @returns the head and final state, or the first failure with the height of the last valid block.
 */
export function verifyChain(
  config: GenesisConfig,
  consensus: Consensus,
  blocks: readonly Block[],
  options: VerifyChainOptions,
): VerifyChainResult {
  const genesis = createGenesis(config, consensus);
  const first = blocks[0];
  if (!first) return { ...invalid('CHAIN_EMPTY', 'the chain has no blocks'), validHeight: -1 };
  if (!bytesEqual(headerHash(first.header), headerHash(genesis.block.header)) || first.txs.length !== 0) {
    return {
      ...locate(invalid('BLOCK_BAD_GENESIS', 'block 0 is not the genesis block of this configuration'), {
        blockHeight: 0,
        blockHash: toHex(headerHash(first.header)),
      }),
      validHeight: -1,
    };
  }
  const recordedMismatch = (height: number, block: Block): ValidationFailure | undefined => {
    const recorded = options.recordedHashes?.[height];
    const actual = toHex(headerHash(block.header));
    if (recorded === undefined || recorded === actual) return undefined;
    return invalid(
      'BLOCK_HASH_MISMATCH',
      `the recorded hash ${recorded} is not the hash of the block's contents (${actual})`,
    );
  };
  const genesisMismatch = recordedMismatch(0, first);
  if (genesisMismatch) {
    return {
      ...locate(genesisMismatch, { blockHeight: 0, blockHash: toHex(headerHash(first.header)) }),
      validHeight: -1,
    };
  }
  let state = genesis.state;
  const headers: BlockHeader[] = [first.header];
  for (let height = 1; height < blocks.length; height++) {
    const block = blocks[height]!;
    const parent = headers[height - 1]!;
    const fail = (failure: ValidationFailure) => ({
      ...locate(failure, { blockHeight: height, blockHash: toHex(headerHash(block.header)) }),
      validHeight: height - 1,
    });
    const mismatch = recordedMismatch(height, block);
    if (mismatch) return fail(mismatch);
    if (block.header.height !== height) {
      return fail(invalid('BLOCK_BAD_HEIGHT', `block at position ${height} has height ${block.header.height}`));
    }
    const context = checkHeaderContext(
      block.header,
      parent,
      headers.slice(Math.max(0, height - config.params.medianTimeSpan), height).map((h) => h.timestampMs),
      options.nowMs,
      config.params,
    );
    if (!context.ok) return fail(context);
    const consensusCheck = consensus.verifyHeader(block.header, { parent, ancestor: (h) => headers[h] });
    if (!consensusCheck.ok) return fail(consensusCheck);
    const seal = consensus.verifySeal(block.header);
    if (!seal.ok) return fail(seal);
    const contextFree = checkBlock(block, config.params, { contract: options.contract });
    if (!contextFree.ok) return fail(contextFree);
    const applied = applyBlock(state, block, config.params, options.contract);
    if (!applied.ok) return fail(applied);
    state = applied.state;
    headers.push(block.header);
  }
  const head = headers[headers.length - 1]!;
  const headHash = toHex(headerHash(head));
  if (options.expectedHeadHash !== undefined && options.expectedHeadHash !== headHash) {
    return {
      ...locate(
        invalid(
          'CHAIN_HEAD_MISMATCH',
          `the chain ends at ${headHash}, not the expected head ${options.expectedHeadHash}`,
        ),
        {
          blockHeight: head.height,
          blockHash: headHash,
        },
      ),
      validHeight: head.height,
    };
  }
  return { ok: true, height: head.height, headHash, state };
}
