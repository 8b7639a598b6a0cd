/**
 * @module consensus/pow
 * Proof-of-Work (MISSION L2; seed 000 §2.2): a block is sealed by a nonce that makes the SHA-256 of its header
 * fall below the target. Difficulty starts at a number of leading zero bits and is retargeted every
 * `retargetEveryBlocks` blocks toward `targetBlockIntervalMs`. Fork choice weight is the expected work
 * 2^256/(target+1), so "greatest cumulative work" is the seed's "longest chain" when difficulty is constant.
 */
import { toHex } from '../../crypto/index.js';
import { GridPeerError } from '../../errors/index.js';
import { invalid, VALID, type ValidationResult } from '../../errors/result.js';
import { type BlockHeader, encodeHeader, HEADER_NONCE_OFFSET, headerHash } from '../../ledger/block.js';
import { parseUint } from '../../units/index.js';
import type { Consensus, ConsensusContext, SealOptions } from '../index.js';
import { powSearch } from './search.js';
import {
  bitsToTarget,
  hashMeetsTarget,
  normalizeBits,
  targetForLeadingZeroBits,
  targetToBits,
  targetToBytes,
  workForTarget,
} from './target.js';
import { PowWorkerPool } from './workerPool.js';

export interface PowParams {
  /** Starting difficulty as leading zero bits of the hash (seed 000's code: four hex zeros = 16). */
  readonly initialDifficultyBits: number;
  /** Easiest difficulty retargeting may reach (the "pow limit"). */
  readonly minDifficultyBits: number;
  readonly targetBlockIntervalMs: number;
  /** Blocks between difficulty adjustments (Bitcoin: 2016; a microgrid chain wants fast reaction). */
  readonly retargetEveryBlocks: number;
  /** Largest factor one adjustment may change the target by (Bitcoin: 4). */
  readonly maxAdjustFactor: number;
}

export const DEFAULT_POW_PARAMS: PowParams = Object.freeze({
  initialDifficultyBits: 16,
  minDifficultyBits: 1,
  targetBlockIntervalMs: 10_000,
  retargetEveryBlocks: 10,
  maxAdjustFactor: 4,
});

/**
 * Reads PoW parameters from the genesis `consensus` section.
 * @throws GridPeerError INVALID_CONFIG naming the field.
 */
export function parsePowParams(section: Record<string, unknown>): PowParams {
  const read = (name: keyof PowParams, min: number, max: number): number => {
    try {
      const value = parseUint(section[name] ?? DEFAULT_POW_PARAMS[name], `consensus.${name}`, max);
      if (value < min) throw new GridPeerError('INVALID_CONFIG', `consensus.${name} must be at least ${min}`);
      return value;
    } catch (error) {
      if (error instanceof GridPeerError) {
        throw new GridPeerError('INVALID_CONFIG', error.message, { field: `consensus.${name}` });
      }
      throw error;
    }
  };
  const params: PowParams = {
    initialDifficultyBits: read('initialDifficultyBits', 1, 64),
    minDifficultyBits: read('minDifficultyBits', 1, 64),
    targetBlockIntervalMs: read('targetBlockIntervalMs', 1, 24 * 3600 * 1000),
    retargetEveryBlocks: read('retargetEveryBlocks', 1, 100_000),
    maxAdjustFactor: read('maxAdjustFactor', 1, 1000),
  };
  if (params.minDifficultyBits > params.initialDifficultyBits) {
    throw new GridPeerError('INVALID_CONFIG', 'consensus.minDifficultyBits must not exceed initialDifficultyBits', {
      field: 'consensus.minDifficultyBits',
    });
  }
  return Object.freeze(params);
}

export interface PowConsensusOptions {
  /** Mining threads (default: one per core). 0 mines on the calling thread (tests, tiny difficulties). */
  readonly workers?: number;
}

export class PowConsensus implements Consensus {
  readonly engine = 'pow';
  private readonly powLimit: bigint;
  private pool: PowWorkerPool | undefined;

  constructor(
    readonly params: PowParams,
    private readonly options: PowConsensusOptions = {},
  ) {
    this.powLimit = targetForLeadingZeroBits(params.minDifficultyBits);
  }

  genesisBits(): number {
    return targetToBits(targetForLeadingZeroBits(this.params.initialDifficultyBits));
  }

  /**
   * Retarget rule: at a height h that is a multiple of N = retargetEveryBlocks (and h > N, so the window never
   * includes the genesis block, whose timestamp is a configuration constant), the target is scaled by the time
   * the last N blocks took over the time they should have taken, clamped to [1/F, F] (F = maxAdjustFactor)
   * and capped at the pow limit. Otherwise the parent's bits carry over.
   */
  nextBits(ctx: ConsensusContext): number {
    const height = ctx.parent.height + 1;
    const n = this.params.retargetEveryBlocks;
    // The window starts at height - 1 - n; it must start above genesis (for n = 1, `height > n` alone allows 0).
    if (height % n !== 0 || height - 1 - n < 1) return ctx.parent.bits;
    const first = ctx.ancestor(height - 1 - n);
    if (!first) return ctx.parent.bits;
    const expectedMs = BigInt(n * this.params.targetBlockIntervalMs);
    const factor = BigInt(this.params.maxAdjustFactor);
    let actualMs = BigInt(ctx.parent.timestampMs - first.timestampMs);
    if (actualMs < expectedMs / factor) actualMs = expectedMs / factor;
    if (actualMs > expectedMs * factor) actualMs = expectedMs * factor;
    if (actualMs < 1n) actualMs = 1n;
    let target = (bitsToTarget(ctx.parent.bits) * actualMs) / expectedMs;
    if (target > this.powLimit) target = this.powLimit;
    if (target < 1n) target = 1n;
    return targetToBits(target);
  }

  verifyHeader(header: BlockHeader, ctx: ConsensusContext): ValidationResult {
    const expected = this.nextBits(ctx);
    // [REJECT] the difficulty is not the miner's choice: every node derives it from the chain's timestamps.
    if (header.bits !== expected) {
      return invalid(
        'BLOCK_BAD_DIFFICULTY',
        `bits 0x${header.bits.toString(16)}; the retarget rule requires 0x${expected.toString(16)}`,
      );
    }
    return VALID;
  }

  verifySeal(header: BlockHeader): ValidationResult {
    if (header.bits !== normalizeBits(header.bits) || bitsToTarget(header.bits) <= 0n) {
      return invalid('BLOCK_BAD_DIFFICULTY', `bits 0x${header.bits.toString(16)} is not a canonical positive target`);
    }
    const target = bitsToTarget(header.bits);
    if (target > this.powLimit) {
      return invalid('BLOCK_BAD_DIFFICULTY', 'target is easier than the minimum difficulty of this chain');
    }
    if (header.extra.length !== 0) return invalid('BLOCK_BAD_SEAL', 'a PoW header carries no extra seal data');
    const hash = headerHash(header);
    // [REJECT] seed 000 §2.2: the header hash must be below the target (start with the required zero bits).
    if (!hashMeetsTarget(hash, target)) {
      return invalid(
        'BLOCK_BAD_POW',
        `hash ${toHex(hash)} is not below the target ${target.toString(16).padStart(64, '0')}`,
      );
    }
    return VALID;
  }

  weight(header: BlockHeader): bigint {
    return workForTarget(bitsToTarget(header.bits));
  }

  async seal(header: BlockHeader, options: SealOptions = {}): Promise<BlockHeader | null> {
    const targetBytes = targetToBytes(bitsToTarget(header.bits));
    const bytes = encodeHeader({ ...header, nonce: 0n });
    let nonce: bigint | null;
    if (this.options.workers === 0) {
      nonce = await mineOnThisThread(bytes, targetBytes, options.signal);
    } else {
      this.pool ??= new PowWorkerPool(this.options.workers === undefined ? {} : { workers: this.options.workers });
      const found = await this.pool.search(bytes, HEADER_NONCE_OFFSET, targetBytes, options.signal);
      nonce = found ? found.nonce : null;
    }
    if (nonce === null) return null;
    const sealed = Object.freeze({ ...header, nonce });
    // The search is our own SHA-256; confirm with OpenSSL before anything leaves this function.
    const check = this.verifySeal(sealed);
    if (!check.ok) throw new GridPeerError('WORKER_FAILED', `nonce search returned an invalid seal: ${check.reason}`);
    return sealed;
  }

  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = undefined;
  }
}

/**
 * The search on the calling thread, in chunks with an event-loop turn between them so `signal` can abort it
 * (tests and tiny difficulties; a node mines on workers).
 */
async function mineOnThisThread(header: Uint8Array, target: Uint8Array, signal?: AbortSignal): Promise<bigint | null> {
  const chunk = 1 << 16;
  for (let high = 0; high < 2 ** 32; high++) {
    for (let low = 0; low < 2 ** 32; low += chunk) {
      if (signal?.aborted) return null;
      const found = powSearch(header, HEADER_NONCE_OFFSET, high, low, chunk, target);
      if (found >= 0) return (BigInt(high) << 32n) | BigInt(found);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  throw new GridPeerError('MINING_NONCE_SPACE_EXHAUSTED', 'no nonce below the target in the 64-bit space');
}
