/**
 * Deterministic fixtures for src/chain and src/store tests: fixed-seed keys, a low-difficulty test genesis, a
 * Chain on a MemoryChainStore driven by a ManualClock, and a {@link BlockForge} that builds and seals blocks on
 * any known parent (forks, side branches, tampered blocks) while tracking the state after each block.
 */

import { buildBlock } from '../../src/chain/blockBuilder.js';
import { Chain } from '../../src/chain/chain.js';
import { createGenesis, devGenesisJson, type GenesisConfig, parseGenesisConfig } from '../../src/chain/genesis.js';
import type { MempoolOptions } from '../../src/chain/mempool.js';
import type { ChainStore } from '../../src/chain/store.js';
import { createConsensus } from '../../src/consensus/create.js';
import type { Consensus, ConsensusContext } from '../../src/consensus/index.js';
import { type Address, type KeyPair, keyPairFromPrivateKey, toHex } from '../../src/crypto/index.js';
import { type Block, type BlockHeader, headerHash } from '../../src/ledger/block.js';
import type { StateContract } from '../../src/ledger/contract.js';
import type { Allocation, LedgerState } from '../../src/ledger/state.js';
import { createTransfer, type Transaction, type TransferTx } from '../../src/ledger/tx.js';
import { applyBlock, medianTimestampMs } from '../../src/ledger/validation.js';
import { MemoryChainStore } from '../../src/store/memory.js';
import { coinsToMicro } from '../../src/units/index.js';
import { ManualClock } from '../../src/units/time.js';

/** The devnet genesis time (devGenesisJson): 2026-01-01T00:00:00Z. */
export const GENESIS_MS = 1_767_225_600_000;
/** Spacing of forged blocks; equal to the test genesis `targetBlockIntervalMs`, so retargeting keeps the bits. */
export const BLOCK_INTERVAL_MS = 10_000;
/** Where the test clock starts: one minute after genesis. */
export const CLOCK_START_MS = GENESIS_MS + 60_000;
/** Test difficulty: 5 leading zero bits, ~32 hashes a block, so sealing on the test thread is instant. */
export const TEST_DIFFICULTY_BITS = 5;

const keyCache = new Map<number, KeyPair>();

/** Key pair of the Ed25519 seed made of one repeated byte; the same object on every call. */
export function fixedKey(byte: number): KeyPair {
  let key = keyCache.get(byte);
  if (!key) {
    key = keyPairFromPrivateKey(new Uint8Array(32).fill(byte));
    keyCache.set(byte, key);
  }
  return key;
}

export const alice = fixedKey(0x11);
export const bob = fixedKey(0x12);
export const carol = fixedKey(0x13);
export const dave = fixedKey(0x14);
export const minerA = fixedKey(0x21);
export const minerB = fixedKey(0x22);

export const TEST_ALLOC: readonly Allocation[] = Object.freeze([
  { address: alice.address, balanceMicro: coinsToMicro(100) },
  { address: bob.address, balanceMicro: coinsToMicro(50) },
  { address: carol.address, balanceMicro: coinsToMicro(10) },
  { address: dave.address, balanceMicro: coinsToMicro(10) },
]);

export interface TestGenesisOptions {
  readonly alloc?: readonly Allocation[];
  readonly difficultyBits?: number;
  readonly minDifficultyBits?: number;
  /** Default 1000: no retarget within a test, so every block weighs the same and heavier means longer. */
  readonly retargetEveryBlocks?: number;
  readonly maxAdjustFactor?: number;
  readonly limits?: Readonly<Record<string, number>>;
}

/** The devnet genesis JSON with test difficulty and allocations. */
export function testGenesisJson(options: TestGenesisOptions = {}): Record<string, unknown> {
  const json = devGenesisJson(options.alloc ?? TEST_ALLOC);
  const bits = options.difficultyBits ?? TEST_DIFFICULTY_BITS;
  json['consensus'] = {
    engine: 'pow',
    initialDifficultyBits: bits,
    minDifficultyBits: options.minDifficultyBits ?? Math.min(4, bits),
    targetBlockIntervalMs: BLOCK_INTERVAL_MS,
    retargetEveryBlocks: options.retargetEveryBlocks ?? 1000,
    maxAdjustFactor: options.maxAdjustFactor ?? 4,
  };
  if (options.limits) json['limits'] = { ...options.limits };
  return json;
}

export function testGenesis(options: TestGenesisOptions = {}): GenesisConfig {
  return parseGenesisConfig(testGenesisJson(options));
}

/**
 * A genesis whose difficulty reacts after two blocks (retargetEveryBlocks 2, factor 4, floor = start = 4 bits):
 * blocks spaced {@link BLOCK_INTERVAL_MS} apart keep 4 bits, blocks 1 ms apart quadruple the work at heights 4,
 * 6, … — so a shorter fast branch can outweigh a longer slow one.
 */
export function retargetGenesis(): GenesisConfig {
  return testGenesis({ difficultyBits: 4, minDifficultyBits: 4, retargetEveryBlocks: 2, maxAdjustFactor: 4 });
}

/**
 * On a {@link retargetGenesis} chain: a 10-block slow branch and a 6-block fast branch from genesis that
 * outweighs it from its 5th block on (work per block ⌊2^256/(target+1)⌋: 3·15 + 2·63 = 171 > 10·15 = 150).
 */
export async function shorterHeavierFork(forge: BlockForge): Promise<{ long: ForgedBlock[]; short: ForgedBlock[] }> {
  const long = await forge.extendMany(forge.genesis.hash, 10, { miner: minerA.address });
  const short = await forge.extendMany(forge.genesis.hash, 6, { miner: minerB.address, intervalMs: 1 });
  return { long, short };
}

/** PoW on the calling thread: what every test chain and forge uses unless it asks for workers. */
export function testConsensus(config: GenesisConfig, workers = 0): Consensus {
  return createConsensus(config.consensus as Record<string, unknown>, { pow: { workers } });
}

/** A signed transfer; the timestamp defaults to the genesis time (valid against any later clock). */
export function transfer(
  from: KeyPair,
  to: Address,
  amountMicro: bigint,
  nonce: number,
  extra: { feeMicro?: bigint; timestampMs?: number; chainId?: number; energyWh?: number } = {},
): TransferTx {
  return createTransfer(
    {
      chainId: extra.chainId ?? 1337,
      to,
      amountMicro,
      nonce,
      feeMicro: extra.feeMicro ?? 0n,
      energyWh: extra.energyWh ?? 0,
      timestampMs: extra.timestampMs ?? GENESIS_MS,
    },
    from,
  );
}

export function hashOf(block: Block): string {
  return toHex(headerHash(block.header));
}

/** Seals `header` (whatever its fields) with `consensus`; throws if the search was aborted. */
export async function sealHeader(consensus: Consensus, header: BlockHeader): Promise<BlockHeader> {
  const sealed = await consensus.seal({ ...header, nonce: 0n });
  if (!sealed) throw new Error('fixture: sealing was aborted');
  return sealed;
}

export interface ForgedBlock {
  readonly block: Block;
  readonly hash: string;
  /** State after this block. */
  readonly state: LedgerState;
}

export interface ForgeOptions {
  readonly txs?: readonly Transaction[];
  readonly miner?: Address;
  /** Default: parent timestamp + {@link BLOCK_INTERVAL_MS}. */
  readonly timestampMs?: number;
  /** Default: what the consensus requires on this parent. */
  readonly bits?: number;
}

/**
 * Builds and seals valid blocks on any block it knows (the genesis, blocks it forged, blocks it was given), so
 * tests can grow forks independently of the chain under test. When it has a clock it moves it forward to each
 * new block's timestamp, so the block is never "too new" for a chain reading that clock.
 */
export class BlockForge {
  private readonly known = new Map<string, ForgedBlock>();
  readonly genesis: ForgedBlock;

  constructor(
    readonly config: GenesisConfig,
    readonly consensus: Consensus,
    private readonly clock?: ManualClock,
    /** The market contract its blocks run (a test may pass a dishonest one to forge market results). */
    readonly contract?: StateContract,
  ) {
    const created = createGenesis(config, consensus);
    this.genesis = { block: created.block, hash: hashOf(created.block), state: created.state };
    this.known.set(this.genesis.hash, this.genesis);
  }

  get(hash: string): ForgedBlock {
    const forged = this.known.get(hash);
    if (!forged) throw new Error(`fixture: unknown block ${hash}`);
    return forged;
  }

  private context(parent: BlockHeader): ConsensusContext {
    return {
      parent,
      ancestor: (height) => {
        let cursor: BlockHeader | undefined = parent;
        while (cursor && cursor.height > height) cursor = this.known.get(toHex(cursor.prevHash))?.block.header;
        return cursor && cursor.height === height ? cursor : undefined;
      },
    };
  }

  /** Bits the consensus requires for a child of `parentHash`. */
  nextBits(parentHash: string): number {
    return this.consensus.nextBits(this.context(this.get(parentHash).block.header));
  }

  /** Median of recent timestamps ending at `parentHash` (a child must be later). */
  medianTimeMs(parentHash: string): number {
    const out: number[] = [];
    let cursor: ForgedBlock | undefined = this.get(parentHash);
    while (cursor && out.length < this.config.params.medianTimeSpan) {
      out.push(cursor.block.header.timestampMs);
      if (cursor.block.header.height === 0) break;
      cursor = this.known.get(toHex(cursor.block.header.prevHash));
    }
    return medianTimestampMs(out);
  }

  /** A complete, unsealed block (nonce 0) on `parentHash` with a correct state root. */
  build(parentHash: string, options: ForgeOptions = {}): { block: Block; state: LedgerState } {
    const parent = this.get(parentHash);
    return buildBlock({
      parent: parent.block.header,
      state: parent.state,
      txs: options.txs ?? [],
      miner: options.miner ?? minerA.address,
      timestampMs: options.timestampMs ?? parent.block.header.timestampMs + BLOCK_INTERVAL_MS,
      bits: options.bits ?? this.nextBits(parentHash),
      params: this.config.params,
      ...(this.contract ? { contract: this.contract } : {}),
    });
  }

  /** Builds, seals and remembers a valid block on `parentHash`. */
  async extend(parentHash: string, options: ForgeOptions = {}): Promise<ForgedBlock> {
    const built = this.build(parentHash, options);
    const header = await sealHeader(this.consensus, built.block.header);
    const block: Block = Object.freeze({ header, txs: built.block.txs });
    const forged = { block, hash: hashOf(block), state: built.state };
    this.known.set(forged.hash, forged);
    if (this.clock && this.clock.nowMs() < header.timestampMs) this.clock.set(header.timestampMs);
    return forged;
  }

  /** `count` blocks in a row on `parentHash` (empty unless `txsAt` gives a block's transactions). */
  async extendMany(
    parentHash: string,
    count: number,
    options: Omit<ForgeOptions, 'txs' | 'timestampMs'> & {
      txsAt?: (index: number) => readonly Transaction[];
      intervalMs?: number;
    } = {},
  ): Promise<ForgedBlock[]> {
    const out: ForgedBlock[] = [];
    let parent = parentHash;
    for (let i = 0; i < count; i++) {
      const parentTs = this.get(parent).block.header.timestampMs;
      const forged = await this.extend(parent, {
        ...(options.miner ? { miner: options.miner } : {}),
        txs: options.txsAt?.(i) ?? [],
        timestampMs: parentTs + (options.intervalMs ?? BLOCK_INTERVAL_MS),
      });
      out.push(forged);
      parent = forged.hash;
    }
    return out;
  }

  /**
   * Remembers a block with the state the test says follows it, unchecked: lets a test grow valid-looking
   * children on a deliberately broken block.
   */
  adopt(block: Block, state: LedgerState): ForgedBlock {
    const forged = { block, hash: hashOf(block), state };
    this.known.set(forged.hash, forged);
    return forged;
  }

  /** Remembers a valid block made elsewhere (for example by the Miner), computing its state from its parent. */
  record(block: Block): ForgedBlock {
    const parent = this.get(toHex(block.header.prevHash));
    const applied = applyBlock(parent.state, block, this.config.params, this.contract);
    if (!applied.ok) throw new Error(`fixture: recorded block does not apply: ${applied.code} ${applied.reason}`);
    const forged = { block, hash: hashOf(block), state: applied.state };
    this.known.set(forged.hash, forged);
    return forged;
  }
}

export interface TestChainContext {
  readonly chain: Chain;
  readonly clock: ManualClock;
  readonly store: ChainStore;
  readonly config: GenesisConfig;
  readonly forge: BlockForge;
}

export interface OpenTestChainOptions {
  readonly genesis?: GenesisConfig;
  readonly store?: ChainStore;
  readonly clock?: ManualClock;
  readonly mempool?: MempoolOptions;
  /** PoW threads of the chain's own consensus (the miner's); default 0. The forge always seals inline. */
  readonly workers?: number;
  readonly maxOrphans?: number;
  /** The market contract of the chain and its forge (`createMarketContract()` for the real one). */
  readonly contract?: StateContract;
}

/** A Chain on a MemoryChainStore (unless given a store) with a ManualClock and a forge over the same genesis. */
export async function openTestChain(options: OpenTestChainOptions = {}): Promise<TestChainContext> {
  const config = options.genesis ?? testGenesis();
  const clock = options.clock ?? new ManualClock(CLOCK_START_MS);
  const store = options.store ?? new MemoryChainStore();
  const chain = await Chain.open({
    store,
    genesis: config,
    createConsensus: (section) => createConsensus(section, { pow: { workers: options.workers ?? 0 } }),
    clock,
    ...(options.mempool ? { mempool: options.mempool } : {}),
    ...(options.maxOrphans === undefined ? {} : { maxOrphans: options.maxOrphans }),
    ...(options.contract ? { contract: options.contract } : {}),
  });
  const forge = new BlockForge(config, testConsensus(config), clock, options.contract);
  return { chain, clock, store, config, forge };
}

/** The state after replaying `blocks` (genesis excluded) from the genesis state, independently of any Chain. */
export function replayState(config: GenesisConfig, blocks: readonly Block[]): LedgerState {
  let state = createGenesis(config, testConsensus(config)).state;
  for (const block of blocks) {
    const applied = applyBlock(state, block, config.params);
    if (!applied.ok) throw new Error(`fixture: replay failed at ${block.header.height}: ${applied.code}`);
    state = applied.state;
  }
  return state;
}

/** Sum of every account balance (must equal the supply). */
export function totalBalancesMicro(state: LedgerState): bigint {
  return state.accounts().reduce((sum, { account }) => sum + account.balanceMicro, 0n);
}

/** Imports blocks in order and returns the statuses. */
export async function importAll(chain: Chain, blocks: readonly Block[]): Promise<string[]> {
  const out: string[] = [];
  for (const block of blocks) out.push((await chain.importBlock(block)).status);
  return out;
}

/** Hashes of the canonical chain, genesis first. */
export function canonicalHashes(chain: Chain): string[] {
  const out: string[] = [];
  for (let h = 0; h <= chain.height; h++) out.push(chain.getCanonicalEntry(h)!.hash);
  return out;
}
