/**
 * @module consensus
 * The `Consensus` interface every engine implements (DESIGN.md §4; ethereumjs `blockchain/src/consensus`), so
 * Proof-of-Stake, Proof-of-Authority and the trust engine of seed 001 plug in without touching the ledger:
 * the ledger validates transactions and state; an engine decides who may seal a block, what a valid seal is,
 * and how much weight a block adds to its chain for fork choice.
 */
import type { ValidationResult } from '../errors/result.js';
import type { BlockHeader } from '../ledger/block.js';

/** The branch a header extends, as the engine may look at it. */
export interface ConsensusContext {
  readonly parent: BlockHeader;
  /** Header at `height` on the branch that ends at `parent` (undefined above the parent or below genesis). */
  ancestor(height: number): BlockHeader | undefined;
}

export interface SealOptions {
  /** Aborting stops the search at once (a new head arrived, or the node is stopping). */
  readonly signal?: AbortSignal;
}

export interface Consensus {
  /** Engine name as written in the genesis configuration ("pow"). */
  readonly engine: string;
  /** `bits` of the genesis header. */
  genesisBits(): number;
  /** `bits` the next block on top of `ctx.parent` must carry (PoW: the retargeted difficulty). */
  nextBits(ctx: ConsensusContext): number;
  /** Contextual rules on the header's consensus fields. */
  verifyHeader(header: BlockHeader, ctx: ConsensusContext): ValidationResult;
  /** Context-free check of the seal (PoW: the hash is below the target). */
  verifySeal(header: BlockHeader): ValidationResult;
  /** Fork-choice weight this header adds to its chain (PoW: expected hashes). */
  weight(header: BlockHeader): bigint;
  /** Seals a complete header (PoW: searches the nonce); `null` when aborted. */
  seal(header: BlockHeader, options?: SealOptions): Promise<BlockHeader | null>;
  /** Releases threads or other resources. */
  close(): Promise<void>;
}

export { DEFAULT_POW_PARAMS, PowConsensus, type PowParams, parsePowParams } from './pow/index.js';
