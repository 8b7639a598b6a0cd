/**
 * Deterministic ledger fixtures: fixed-seed keys, a genesis state, and a chain builder whose blocks pass
 * `checkBlock`, `checkHeaderContext`, `verifySeal` and `applyBlock`. The block assembly below follows the rules
 * of `applyBlock` in src/ledger/validation.ts independently (transactions in order on an overlay, then the
 * reward of block reward + fees to the miner, then supply += block reward), so the tests check that the two
 * agree rather than reusing the code under test.
 */
import type { ConsensusContext } from '../../src/consensus/index.js';
import { PowConsensus, type PowParams } from '../../src/consensus/pow/index.js';
import { type Address, type KeyPair, keyPairFromPrivateKey, ZERO_HASH } from '../../src/crypto/index.js';
import { BLOCK_VERSION, type Block, type BlockHeader, computeTxRoot, headerHash } from '../../src/ledger/block.js';
import { merkleRoot } from '../../src/ledger/merkle.js';
import { type ChainParams, DEFAULT_CHAIN_PARAMS } from '../../src/ledger/params.js';
import { type Allocation, genesisState, type LedgerState, StateOverlay } from '../../src/ledger/state.js';
import { createReward, createTransfer, type Transaction, type TransferTx } from '../../src/ledger/tx.js';
import { applyTx, checkTx } from '../../src/ledger/validation.js';
import { coinsToMicro } from '../../src/units/index.js';

/** 2023-11-14T22:13:20Z: a fixed genesis time so every run builds the same bytes. */
export const GENESIS_TIMESTAMP_MS = 1_700_000_000_000;
export const BLOCK_INTERVAL_MS = 10_000;

export const TEST_CHAIN_PARAMS: ChainParams = DEFAULT_CHAIN_PARAMS;

/** Low difficulty (6 leading zero bits, ~64 hashes a block) so sealing on the test thread is instant. */
export const TEST_POW_PARAMS: PowParams = Object.freeze({
  initialDifficultyBits: 6,
  minDifficultyBits: 1,
  targetBlockIntervalMs: BLOCK_INTERVAL_MS,
  retargetEveryBlocks: 10,
  maxAdjustFactor: 4,
});

/** A 32-byte Ed25519 seed made of one repeated byte. */
export function fixedSeed(byte: number): Uint8Array {
  return new Uint8Array(32).fill(byte);
}

const keyCache = new Map<number, KeyPair>();

/** The key pair of {@link fixedSeed}(byte); the same object on every call. */
export function testKey(byte: number): KeyPair {
  let key = keyCache.get(byte);
  if (!key) {
    key = keyPairFromPrivateKey(fixedSeed(byte));
    keyCache.set(byte, key);
  }
  return key;
}

export const alice = testKey(1);
export const bob = testKey(2);
export const carol = testKey(3);
export const dave = testKey(4);
export const minerKey = testKey(9);

export const DEFAULT_ALLOCATIONS: readonly Allocation[] = Object.freeze([
  { address: alice.address, balanceMicro: coinsToMicro(100) },
  { address: bob.address, balanceMicro: coinsToMicro(50) },
  { address: carol.address, balanceMicro: coinsToMicro(10) },
]);

export function allocationTotalMicro(allocations: readonly Allocation[]): bigint {
  return allocations.reduce((sum, a) => sum + a.balanceMicro, 0n);
}

export function testConsensus(params: PowParams = TEST_POW_PARAMS): PowConsensus {
  return new PowConsensus(params, { workers: 0 });
}

/** A signed transfer with test defaults (chain 1337, no fee, no energy, the genesis timestamp). */
export function transfer(
  from: KeyPair,
  to: Address,
  amountMicro: bigint,
  nonce: number,
  extra: { feeMicro?: bigint; energyWh?: number; timestampMs?: number; chainId?: number } = {},
): TransferTx {
  return createTransfer(
    {
      chainId: extra.chainId ?? TEST_CHAIN_PARAMS.chainId,
      to,
      amountMicro,
      nonce,
      feeMicro: extra.feeMicro ?? 0n,
      energyWh: extra.energyWh ?? 0,
      timestampMs: extra.timestampMs ?? GENESIS_TIMESTAMP_MS,
    },
    from,
  );
}

export interface ChainLink {
  readonly block: Block;
  /** State after this block. */
  readonly state: LedgerState;
}

export interface AssembledBlock extends ChainLink {
  /** Transactions of the input that made it into the block (in order, reward excluded). */
  readonly included: readonly Transaction[];
  /** Transactions the assembler left out, with the rule they broke. */
  readonly rejected: readonly { readonly tx: Transaction; readonly code: string }[];
  readonly feesMicro: bigint;
}

export interface AssembleOptions {
  readonly miner: Address;
  readonly timestampMs: number;
  readonly bits: number;
  readonly params?: ChainParams;
}

/**
 * Builds an unsealed block on `parent` from candidate transactions, skipping those that fail `applyTx` (what a
 * miner does with its mempool; `checkTx` failures are skipped too). Nonce 0; seal it with {@link PowConsensus.seal}.
 */
export function assembleBlock(
  parent: BlockHeader,
  parentState: LedgerState,
  candidates: readonly Transaction[],
  options: AssembleOptions,
): AssembledBlock {
  const params = options.params ?? TEST_CHAIN_PARAMS;
  const height = parent.height + 1;
  const overlay = new StateOverlay(parentState);
  const included: Transaction[] = [];
  const rejected: { tx: Transaction; code: string }[] = [];
  let feesMicro = 0n;
  for (const tx of candidates) {
    const check = checkTx(tx, params);
    if (!check.ok) {
      rejected.push({ tx, code: check.code });
      continue;
    }
    const result = applyTx(overlay, tx, { height: 1, timestampMs: options.timestampMs }, params);
    if (result.ok) {
      included.push(tx);
      feesMicro += result.feeMicro;
    } else {
      rejected.push({ tx, code: result.code });
    }
  }
  const reward = createReward({
    chainId: params.chainId,
    height,
    to: options.miner,
    amountMicro: params.blockRewardMicro + feesMicro,
    timestampMs: options.timestampMs,
  });
  const miner = overlay.account(options.miner);
  overlay.setAccount(options.miner, { balanceMicro: miner.balanceMicro + reward.amountMicro, nonce: miner.nonce });
  overlay.setSupplyMicro(overlay.supplyMicro() + params.blockRewardMicro);
  const state = parentState.apply(overlay.changes());
  const txs = [reward, ...included];
  const header: BlockHeader = Object.freeze({
    version: BLOCK_VERSION,
    height,
    prevHash: headerHash(parent),
    txRoot: computeTxRoot(txs),
    stateRoot: state.root(),
    timestampMs: options.timestampMs,
    bits: options.bits,
    miner: options.miner,
    extra: new Uint8Array(0),
    nonce: 0n,
  });
  return { block: Object.freeze({ header, txs: Object.freeze(txs) }), state, included, rejected, feesMicro };
}

/** The genesis block over `state`: no transactions, zero prevHash, unsealed. */
export function genesisBlock(state: LedgerState, bits: number, timestampMs = GENESIS_TIMESTAMP_MS): Block {
  const header: BlockHeader = Object.freeze({
    version: BLOCK_VERSION,
    height: 0,
    prevHash: ZERO_HASH,
    txRoot: merkleRoot([]),
    stateRoot: state.root(),
    timestampMs,
    bits,
    miner: minerKey.address,
    extra: new Uint8Array(0),
    nonce: 0n,
  });
  return Object.freeze({ header, txs: Object.freeze([]) });
}

/** Replaces a block's header (keeps its transactions). */
export function withHeader(block: Block, changes: Partial<BlockHeader>): Block {
  return Object.freeze({ header: Object.freeze({ ...block.header, ...changes }), txs: block.txs });
}

/** Replaces a block's transactions and recomputes txRoot so the context-free Merkle check still passes. */
export function withTxs(block: Block, txs: readonly Transaction[]): Block {
  return Object.freeze({
    header: Object.freeze({ ...block.header, txRoot: computeTxRoot(txs) }),
    txs: Object.freeze([...txs]),
  });
}

export interface TestChainOptions {
  readonly allocations?: readonly Allocation[];
  readonly params?: ChainParams;
  readonly consensus?: PowConsensus;
}

/** A growing valid chain: genesis plus blocks sealed on the calling thread. */
export class TestChain {
  private readonly chainLinks: ChainLink[];

  private constructor(
    readonly consensus: PowConsensus,
    readonly params: ChainParams,
    readonly allocations: readonly Allocation[],
    genesis: ChainLink,
  ) {
    this.chainLinks = [genesis];
  }

  static async create(options: TestChainOptions = {}): Promise<TestChain> {
    const consensus = options.consensus ?? testConsensus();
    const allocations = options.allocations ?? DEFAULT_ALLOCATIONS;
    const state = genesisState(allocations);
    const unsealed = genesisBlock(state, consensus.genesisBits());
    const header = await consensus.seal(unsealed.header);
    if (!header) throw new Error('fixture: sealing genesis was aborted');
    return new TestChain(consensus, options.params ?? TEST_CHAIN_PARAMS, allocations, {
      block: Object.freeze({ header, txs: unsealed.txs }),
      state,
    });
  }

  get links(): readonly ChainLink[] {
    return this.chainLinks;
  }

  get blocks(): Block[] {
    return this.chainLinks.map((link) => link.block);
  }

  get head(): ChainLink {
    return this.chainLinks[this.chainLinks.length - 1]!;
  }

  /** Consensus context for a block on top of the link at `parentHeight` (default: the head). */
  context(parentHeight = this.head.block.header.height): ConsensusContext {
    const links = this.chainLinks;
    return {
      parent: links[parentHeight]!.block.header,
      ancestor: (height) => (height >= 0 && height <= parentHeight ? links[height]?.block.header : undefined),
    };
  }

  /** Recent timestamps ending at the parent, as `checkHeaderContext` expects. */
  recentTimestampsMs(parentHeight = this.head.block.header.height): number[] {
    const from = Math.max(0, parentHeight + 1 - this.params.medianTimeSpan);
    return this.chainLinks.slice(from, parentHeight + 1).map((link) => link.block.header.timestampMs);
  }

  /** Assembles and seals a block on the head without appending it. */
  async buildBlock(
    candidates: readonly Transaction[],
    options: { miner?: Address; timestampMs?: number } = {},
  ): Promise<AssembledBlock> {
    const parent = this.head;
    const assembled = assembleBlock(parent.block.header, parent.state, candidates, {
      miner: options.miner ?? minerKey.address,
      timestampMs: options.timestampMs ?? parent.block.header.timestampMs + BLOCK_INTERVAL_MS,
      bits: this.consensus.nextBits(this.context()),
      params: this.params,
    });
    const header = await this.consensus.seal(assembled.block.header);
    if (!header) throw new Error('fixture: sealing was aborted');
    return { ...assembled, block: Object.freeze({ header, txs: assembled.block.txs }) };
  }

  /** {@link buildBlock}, then appends the block. */
  async addBlock(
    candidates: readonly Transaction[] = [],
    options: { miner?: Address; timestampMs?: number } = {},
  ): Promise<AssembledBlock> {
    const built = await this.buildBlock(candidates, options);
    this.chainLinks.push({ block: built.block, state: built.state });
    return built;
  }

  /** Next nonce of `address` in the head state. */
  nonceOf(address: Address): number {
    return this.head.state.account(address).nonce;
  }
}
