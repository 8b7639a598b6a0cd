/**
 * @module chain/chain
 * The block tree of one node (MISSION L5, L6 fork choice): the import pipeline (context-free checks → seal →
 * context → state transition → one atomic store write), fork choice by greatest cumulative weight, reorgs
 * that return the dropped blocks' transactions to the mempool (seed 000 §3: "nodes merging the blockchain keep
 * track of any such transactions and add them back to the list of pending transactions"), and the mempool.
 *
 * Side-chain blocks are checked fully except for the state transition, which runs when their branch becomes
 * the heaviest (as in Bitcoin); a branch that then fails is marked invalid and the old head stays.
 */
import { EventEmitter } from 'node:events';
import type { Consensus, ConsensusContext } from '../consensus/index.js';
import { type Address, bytesEqual, toHex } from '../crypto/index.js';
import { GridPeerError } from '../errors/index.js';
import { invalid, locate, type ValidationFailure } from '../errors/result.js';
import { type Block, computeTxRoot, headerHash } from '../ledger/block.js';
import type { StateContract } from '../ledger/contract.js';
import type { ChainParams } from '../ledger/params.js';
import { LedgerState, type StateChanges } from '../ledger/state.js';
import { type Transaction, txHashHex } from '../ledger/tx.js';
import { applyBlock, checkBlock, checkHeaderContext, medianTimestampMs } from '../ledger/validation.js';
import { type Clock, systemClock } from '../units/time.js';
import { buildBlock } from './blockBuilder.js';
import { createGenesis, type GenesisConfig, genesisConfigToJSON, parseGenesisConfig } from './genesis.js';
import { type AddResult, Mempool, type MempoolOptions } from './mempool.js';
import type { BlockIndexEntry, ChainStore, ChainWrite } from './store.js';
import { InlineSignatureVerifier, type SignatureVerifier } from './verifier.js';

export type ImportStatus = 'head' | 'side' | 'known' | 'orphan' | 'invalid';

export interface Reorg {
  /** Height of the last block both branches share. */
  readonly forkHeight: number;
  /** Hashes disconnected from the canonical chain, highest first. */
  readonly disconnected: readonly string[];
  /** Hashes connected, lowest first. */
  readonly connected: readonly string[];
  /** Transactions of disconnected blocks put back into the mempool. */
  readonly readmitted: number;
}

export interface ImportResult {
  readonly status: ImportStatus;
  readonly hash: string;
  readonly height: number;
  readonly failure?: ValidationFailure;
  readonly reorg?: Reorg;
}

export interface HeadEvent {
  readonly hash: string;
  readonly height: number;
  readonly reorg?: Reorg;
}

export interface ChainEvents {
  head: [HeadEvent];
  block: [ImportResult];
  /** A transaction entered the mempool. */
  tx: [Transaction];
}

export interface OpenChainOptions {
  readonly store: ChainStore;
  /** Required when the store is new; when given for an existing store it must match (same genesis hash). */
  readonly genesis?: GenesisConfig;
  /** Builds the engine from the genesis `consensus` section (the caller keeps run-time options). */
  readonly createConsensus: (section: Record<string, unknown>) => Consensus;
  readonly clock?: Clock;
  readonly mempool?: MempoolOptions;
  readonly verifier?: SignatureVerifier;
  /** Blocks whose parent is unknown kept until it arrives. */
  readonly maxOrphans?: number;
  /**
   * The market's rules (`src/contract/`), run by the state transition of every block. Every node of a network
   * must use the same; without one, market transactions are rejected.
   */
  readonly contract?: StateContract;
}

const DEFAULT_MAX_ORPHANS = 512;
/** Invalid block hashes remembered so a peer re-sending one costs a lookup, not a validation. */
const MAX_REMEMBERED_INVALID = 10_000;

export class Chain extends EventEmitter<ChainEvents> {
  readonly mempool: Mempool;
  private readonly index = new Map<string, BlockIndexEntry>();
  /** Canonical hashes by height. */
  private readonly canonical: string[] = [];
  private headState: LedgerState;
  private readonly orphans = new Map<string, Block[]>();
  private orphanCount = 0;
  private readonly invalidHashes = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly genesis: GenesisConfig,
    readonly consensus: Consensus,
    private readonly store: ChainStore,
    private readonly clock: Clock,
    private readonly verifier: SignatureVerifier,
    private readonly maxOrphans: number,
    mempoolOptions: MempoolOptions,
    state: LedgerState,
    readonly contract: StateContract | undefined,
  ) {
    super();
    this.mempool = new Mempool(genesis.params, mempoolOptions, contract);
    this.headState = state;
  }

  /**
   * Opens the chain in `store`, creating it from `genesis` when the store is empty.
   * @throws GridPeerError CHAIN_NOT_INITIALIZED (empty store, no genesis), CHAIN_GENESIS_MISMATCH, STORE_CORRUPT.
   */
  static async open(options: OpenChainOptions): Promise<Chain> {
    const { store } = options;
    const meta = await store.loadMeta();
    let genesis = options.genesis;
    if (!genesis) {
      if (!meta)
        throw new GridPeerError(
          'CHAIN_NOT_INITIALIZED',
          'the data directory holds no chain; run `gridpeer chain init`',
        );
      genesis = parseGenesisConfig(JSON.parse(meta.genesisConfig));
    }
    const consensus = options.createConsensus(genesis.consensus as Record<string, unknown>);
    const created = createGenesis(genesis, consensus);
    const genesisHash = toHex(headerHash(created.block.header));
    const clock = options.clock ?? systemClock;
    const verifier = options.verifier ?? new InlineSignatureVerifier();
    const maxOrphans = options.maxOrphans ?? DEFAULT_MAX_ORPHANS;
    if (!meta) {
      const entry: BlockIndexEntry = {
        hash: genesisHash,
        header: created.block.header,
        totalWork: consensus.weight(created.block.header),
        status: 'valid',
      };
      await store.write({
        blocks: [{ block: created.block, entry }],
        canonical: [[0, genesisHash]],
        canonicalHeight: 0,
        state: new Map(created.state.sortedEntries()),
        meta: { genesisHash, headHash: genesisHash, genesisConfig: JSON.stringify(genesisConfigToJSON(genesis)) },
      });
      const chain = new Chain(
        genesis,
        consensus,
        store,
        clock,
        verifier,
        maxOrphans,
        options.mempool ?? {},
        created.state,
        options.contract,
      );
      chain.index.set(genesisHash, entry);
      chain.canonical.push(genesisHash);
      return chain;
    }
    if (meta.genesisHash !== genesisHash) {
      throw new GridPeerError('CHAIN_GENESIS_MISMATCH', 'the data directory belongs to a different network', {
        stored: meta.genesisHash,
        expected: genesisHash,
      });
    }
    const state = LedgerState.fromEntries(await store.loadState());
    const chain = new Chain(
      genesis,
      consensus,
      store,
      clock,
      verifier,
      maxOrphans,
      options.mempool ?? {},
      state,
      options.contract,
    );
    for (const entry of await store.loadIndex()) chain.index.set(entry.hash, entry);
    let cursor = chain.index.get(meta.headHash);
    if (!cursor)
      throw new GridPeerError('STORE_CORRUPT', 'the head block is missing from the index', { head: meta.headHash });
    const reversed: string[] = [];
    while (cursor) {
      reversed.push(cursor.hash);
      if (cursor.header.height === 0) break;
      cursor = chain.index.get(toHex(cursor.header.prevHash));
    }
    if (reversed[reversed.length - 1] !== genesisHash) {
      throw new GridPeerError('STORE_CORRUPT', 'the head does not lead back to the genesis block', {
        head: meta.headHash,
      });
    }
    chain.canonical.push(...reversed.reverse());
    if (toHex(state.root()) !== toHex(chain.head.header.stateRoot)) {
      throw new GridPeerError('STORE_CORRUPT', 'the stored state does not match the head state root', {
        head: meta.headHash,
      });
    }
    return chain;
  }

  get params(): ChainParams {
    return this.genesis.params;
  }

  get head(): BlockIndexEntry {
    return this.index.get(this.canonical[this.canonical.length - 1]!)!;
  }

  get height(): number {
    return this.canonical.length - 1;
  }

  get genesisHash(): string {
    return this.canonical[0]!;
  }

  /** State after the head block. */
  get state(): LedgerState {
    return this.headState;
  }

  getEntry(hash: string): BlockIndexEntry | undefined {
    return this.index.get(hash);
  }

  /** Entry of the canonical block at `height`. */
  getCanonicalEntry(height: number): BlockIndexEntry | undefined {
    const hash = this.canonical[height];
    return hash === undefined ? undefined : this.index.get(hash);
  }

  isCanonical(hash: string): boolean {
    const entry = this.index.get(hash);
    return entry !== undefined && this.canonical[entry.header.height] === hash;
  }

  async getBlock(hash: string): Promise<Block | undefined> {
    return this.store.getBlock(hash);
  }

  async getBlockByHeight(height: number): Promise<Block | undefined> {
    const hash = this.canonical[height];
    return hash === undefined ? undefined : this.store.getBlock(hash);
  }

  /** Canonical blocks from `fromHeight` through `toHeight` (inclusive), in order. */
  async getCanonicalBlocks(fromHeight = 0, toHeight = this.height): Promise<Block[]> {
    const blocks: Block[] = [];
    for (let h = Math.max(0, fromHeight); h <= Math.min(toHeight, this.height); h++) {
      const block = await this.getBlockByHeight(h);
      if (!block) throw new GridPeerError('STORE_CORRUPT', `canonical block ${h} is missing`, { height: h });
      blocks.push(block);
    }
    return blocks;
  }

  /** Finds a transaction in the canonical chain through the store's transaction index. */
  async findTransaction(hash: string): Promise<{ block: Block; blockHash: string; txIndex: number } | undefined> {
    const blockHash = await this.store.getTxBlockHash(hash);
    if (blockHash === undefined || !this.isCanonical(blockHash)) return undefined;
    const block = await this.store.getBlock(blockHash);
    const txIndex = block?.txs.findIndex((tx) => txHashHex(tx) === hash) ?? -1;
    return block && txIndex >= 0 ? { block, blockHash, txIndex } : undefined;
  }

  /** Ancestor of `entry` at `height`, on `entry`'s own branch. */
  private ancestorOf(entry: BlockIndexEntry, height: number): BlockIndexEntry | undefined {
    if (height > entry.header.height || height < 0) return undefined;
    let cursor: BlockIndexEntry | undefined = entry;
    while (cursor && cursor.header.height > height) {
      if (this.canonical[cursor.header.height] === cursor.hash) return this.getCanonicalEntry(height);
      cursor = this.index.get(toHex(cursor.header.prevHash));
    }
    return cursor;
  }

  private contextFor(parent: BlockIndexEntry): ConsensusContext {
    return { parent: parent.header, ancestor: (height) => this.ancestorOf(parent, height)?.header };
  }

  private recentTimestamps(parent: BlockIndexEntry): number[] {
    const out: number[] = [];
    let cursor: BlockIndexEntry | undefined = parent;
    while (cursor && out.length < this.params.medianTimeSpan) {
      out.push(cursor.header.timestampMs);
      if (cursor.header.height === 0) break;
      cursor = this.index.get(toHex(cursor.header.prevHash));
    }
    return out;
  }

  /**
   * Submits a transaction to the mempool.
   * @returns the pool's verdict and, when accepted, the height of the block it is expected in (seed 000 Fig. A7).
   */
  addTransaction(tx: Transaction): AddResult & { expectedHeight?: number } {
    const result = this.mempool.add(tx, this.headState, this.clock.nowMs());
    if (!result.ok) return result;
    this.emit('tx', tx);
    return { ...result, expectedHeight: this.height + 1 };
  }

  /** Bits, timestamp and transactions of the next block on the head, ready to seal. */
  buildTemplate(miner: Address, options: { maxTxs?: number } = {}): Block {
    const parent = this.head;
    const medianMs = medianTimestampMs(this.recentTimestamps(parent));
    // A block must be later than the median of recent blocks; a node whose clock lags still produces one.
    const timestampMs = Math.max(this.clock.nowMs(), medianMs + 1);
    const txs = this.mempool.select(this.headState, {
      maxTxs: Math.min(options.maxTxs ?? Number.MAX_SAFE_INTEGER, this.params.maxBlockTxs - 1),
      maxBytes: this.params.maxBlockBytes - 4096,
      blockTimestampMs: timestampMs,
      height: parent.header.height + 1,
    });
    return buildBlock({
      parent: parent.header,
      state: this.headState,
      txs,
      miner,
      timestampMs,
      bits: this.consensus.nextBits(this.contextFor(parent)),
      params: this.params,
      ...(this.contract ? { contract: this.contract } : {}),
    }).block;
  }

  /** Imports a block (serialized with other imports). Never throws on invalid input: see `status`. */
  importBlock(block: Block): Promise<ImportResult> {
    const run = this.queue.then(() => this.importWithOrphans(block));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async importWithOrphans(block: Block): Promise<ImportResult> {
    if (this.closed) throw new GridPeerError('STORE_CLOSED', 'the chain is closed');
    const result = await this.importOne(block);
    this.emit('block', result);
    // Children that were waiting for this block.
    const pending = result.status === 'head' || result.status === 'side' ? [result.hash] : [];
    while (pending.length > 0) {
      const parentHash = pending.shift()!;
      const children = this.orphans.get(parentHash) ?? [];
      this.orphans.delete(parentHash);
      this.orphanCount -= children.length;
      for (const child of children) {
        const childResult = await this.importOne(child);
        this.emit('block', childResult);
        if (childResult.status === 'head' || childResult.status === 'side') pending.push(childResult.hash);
      }
    }
    return result;
  }

  private rememberInvalid(hash: string): void {
    if (this.invalidHashes.size >= MAX_REMEMBERED_INVALID) this.invalidHashes.clear();
    this.invalidHashes.add(hash);
  }

  private async importOne(block: Block): Promise<ImportResult> {
    const { header } = block;
    const hash = toHex(headerHash(header));
    const base = { hash, height: header.height };
    const rejected = (failure: ValidationFailure): ImportResult => {
      this.rememberInvalid(hash);
      return { ...base, status: 'invalid', failure: locate(failure, { blockHeight: header.height, blockHash: hash }) };
    };
    // A body that does not match the header's tx root may be someone else's valid header with forged
    // transactions (same hash): refuse it, but do not remember the hash as invalid, or the genuine block would
    // be refused too (Bitcoin's "mutated block" rule).
    const rejectedBody = (failure: ValidationFailure): ImportResult =>
      bytesEqual(computeTxRoot(block.txs), header.txRoot)
        ? rejected(failure)
        : { ...base, status: 'invalid', failure: locate(failure, { blockHeight: header.height, blockHash: hash }) };
    const known = this.index.get(hash);
    if (known) {
      return known.status === 'invalid'
        ? { ...base, status: 'invalid', failure: invalid('BLOCK_KNOWN_INVALID', 'block was rejected before') }
        : { ...base, status: 'known' };
    }
    if (this.invalidHashes.has(hash)) {
      return { ...base, status: 'invalid', failure: invalid('BLOCK_KNOWN_INVALID', 'block was rejected before') };
    }
    // [REJECT] the genesis block is fixed by configuration; no other block may claim height 0.
    if (header.height === 0)
      return rejected(invalid('BLOCK_BAD_HEIGHT', 'only the configured genesis block has height 0'));
    const seal = this.consensus.verifySeal(header);
    if (!seal.ok) return rejected(seal);
    const badSignature = await this.verifier.firstInvalid(block.txs);
    if (badSignature >= 0) {
      return rejectedBody(
        locate(invalid('TX_BAD_SIGNATURE', 'signature does not verify with senderPublicKey'), {
          txIndex: badSignature,
          txHash: txHashHex(block.txs[badSignature]!),
        }),
      );
    }
    const contextFree = checkBlock(block, this.params, { signaturesVerified: true, contract: this.contract });
    if (!contextFree.ok) return rejectedBody(contextFree);
    const parent = this.index.get(toHex(header.prevHash));
    if (!parent) {
      this.addOrphan(toHex(header.prevHash), block);
      return { ...base, status: 'orphan' };
    }
    if (parent.status === 'invalid') {
      return rejected(invalid('BLOCK_INVALID_PARENT', `parent ${parent.hash} is invalid`));
    }
    const context = checkHeaderContext(
      header,
      parent.header,
      this.recentTimestamps(parent),
      this.clock.nowMs(),
      this.params,
    );
    if (!context.ok) return rejected(context);
    const consensusCheck = this.consensus.verifyHeader(header, this.contextFor(parent));
    if (!consensusCheck.ok) return rejected(consensusCheck);
    const entry: BlockIndexEntry = {
      hash,
      header,
      totalWork: parent.totalWork + this.consensus.weight(header),
      status: 'header-valid',
    };
    // Fork choice: strictly more work than the head; on a tie the block seen first stays (Bitcoin's rule).
    if (entry.totalWork > this.head.totalWork) return this.switchTo(entry, block);
    await this.store.write({ blocks: [{ block, entry }] });
    this.index.set(hash, entry);
    return { ...base, status: 'side' };
  }

  private addOrphan(parentHash: string, block: Block): void {
    if (this.orphanCount >= this.maxOrphans) {
      // Drop the oldest parent's orphans: bounded memory against a peer flooding unconnectable blocks.
      const oldest = this.orphans.keys().next().value;
      if (oldest !== undefined) {
        this.orphanCount -= this.orphans.get(oldest)?.length ?? 0;
        this.orphans.delete(oldest);
      }
    }
    const siblings = this.orphans.get(parentHash) ?? [];
    // A peer re-sending the same orphan must not fill the pool with copies.
    if (siblings.some((sibling) => bytesEqual(headerHash(sibling.header), headerHash(block.header)))) return;
    siblings.push(block);
    this.orphans.set(parentHash, siblings);
    this.orphanCount++;
  }

  private async loadUndo(hash: string): Promise<StateChanges> {
    const undo = await this.store.getUndo(hash);
    if (!undo) throw new GridPeerError('STORE_CORRUPT', `undo data of block ${hash} is missing`, { hash });
    return undo;
  }

  private async loadBlock(hash: string): Promise<Block> {
    const block = await this.store.getBlock(hash);
    if (!block) throw new GridPeerError('STORE_CORRUPT', `block ${hash} is missing`, { hash });
    return block;
  }

  /** Makes `tip` the head: disconnect back to the fork point, connect its branch, write it all in one batch. */
  private async switchTo(tip: BlockIndexEntry, tipBlock: Block): Promise<ImportResult> {
    const base = { hash: tip.hash, height: tip.header.height };
    const branch: BlockIndexEntry[] = [tip];
    let fork = this.index.get(toHex(tip.header.prevHash))!;
    while (this.canonical[fork.header.height] !== fork.hash) {
      branch.unshift(fork);
      fork = this.index.get(toHex(fork.header.prevHash))!;
    }
    const oldState = this.headState;
    let state = oldState;
    const touched = new Set<string>();
    const disconnected: string[] = [];
    const disconnectedBlocks: Block[] = [];
    for (let height = this.height; height > fork.header.height; height--) {
      const hash = this.canonical[height]!;
      const undo = await this.loadUndo(hash);
      for (const key of undo.keys()) touched.add(key);
      state = state.apply(undo);
      disconnected.push(hash);
      disconnectedBlocks.push(await this.loadBlock(hash));
    }
    const connectedBlocks: Block[] = [];
    const undoRecords: Array<readonly [string, StateChanges]> = [];
    for (const entry of branch) {
      const block = entry === tip ? tipBlock : await this.loadBlock(entry.hash);
      const applied = applyBlock(state, block, this.params, this.contract);
      if (!applied.ok) return this.rejectBranch(branch, entry, tip, tipBlock, applied);
      for (const key of applied.changes.keys()) touched.add(key);
      state = applied.state;
      undoRecords.push([entry.hash, applied.undo]);
      connectedBlocks.push(block);
    }
    // Transaction index: connected blocks' transactions point at their block; those only in disconnected blocks go.
    const txIndex = new Map<string, string | null>();
    for (const block of disconnectedBlocks) for (const tx of block.txs) txIndex.set(txHashHex(tx), null);
    connectedBlocks.forEach((block, i) => {
      for (const tx of block.txs) txIndex.set(txHashHex(tx), branch[i]!.hash);
    });
    const stateDiff = new Map<string, Uint8Array | null>();
    for (const key of touched) stateDiff.set(key, state.get(key) ?? null);
    const validEntries = branch.map((entry) => ({ ...entry, status: 'valid' as const }));
    const write: ChainWrite = {
      blocks: [{ block: tipBlock, entry: validEntries[validEntries.length - 1]! }],
      indexUpdates: validEntries.slice(0, -1),
      canonical: validEntries.map((entry) => [entry.header.height, entry.hash] as const),
      canonicalHeight: tip.header.height,
      state: stateDiff,
      undo: undoRecords,
      txIndex: [...txIndex],
      meta: {
        genesisHash: this.genesisHash,
        headHash: tip.hash,
        genesisConfig: JSON.stringify(genesisConfigToJSON(this.genesis)),
      },
    };
    await this.store.write(write);
    // Memory follows the store only after the write is durable.
    for (const entry of validEntries) this.index.set(entry.hash, entry);
    this.canonical.length = fork.header.height + 1;
    for (const entry of validEntries) this.canonical.push(entry.hash);
    this.headState = state;
    const readmitted = this.updateMempool(connectedBlocks, disconnectedBlocks);
    const reorg: Reorg | undefined =
      disconnected.length > 0
        ? { forkHeight: fork.header.height, disconnected, connected: validEntries.map((e) => e.hash), readmitted }
        : undefined;
    const event: HeadEvent = reorg
      ? { hash: tip.hash, height: tip.header.height, reorg }
      : { hash: tip.hash, height: tip.header.height };
    this.emit('head', event);
    return reorg ? { ...base, status: 'head', reorg } : { ...base, status: 'head' };
  }

  /** A block of the heavier branch broke a rule: it and its descendants on the branch are invalid. */
  private async rejectBranch(
    branch: readonly BlockIndexEntry[],
    bad: BlockIndexEntry,
    tip: BlockIndexEntry,
    tipBlock: Block,
    failure: ValidationFailure,
  ): Promise<ImportResult> {
    const invalidEntries = branch.slice(branch.indexOf(bad)).map((entry) => ({ ...entry, status: 'invalid' as const }));
    const tipInvalid = invalidEntries[invalidEntries.length - 1]!;
    await this.store.write({
      blocks: [{ block: tipBlock, entry: tipInvalid }],
      indexUpdates: invalidEntries.slice(0, -1),
    });
    for (const entry of invalidEntries) this.index.set(entry.hash, entry);
    this.rememberInvalid(tip.hash);
    const where =
      bad === tip
        ? failure
        : locate(invalid('BLOCK_INVALID_PARENT', `ancestor ${bad.hash} is invalid: ${failure.reason}`), {});
    return { hash: tip.hash, height: tip.header.height, status: 'invalid', failure: where };
  }

  private updateMempool(connected: readonly Block[], disconnected: readonly Block[]): number {
    const included = new Set<string>();
    for (const block of connected) for (const tx of block.txs) included.add(txHashHex(tx));
    this.mempool.remove(included);
    const readmittedTxs: Transaction[] = [];
    const nowMs = this.clock.nowMs();
    // Oldest block first, so each sender's transactions come back in nonce order.
    for (let i = disconnected.length - 1; i >= 0; i--) {
      for (const tx of disconnected[i]!.txs) {
        if (tx.kind === 'reward' || included.has(txHashHex(tx))) continue;
        const result = this.mempool.add(tx, this.headState, nowMs, { signaturesVerified: true });
        if (result.ok) readmittedTxs.push(tx);
      }
    }
    this.mempool.reconcile(this.headState, nowMs);
    // Announced like new submissions: peers whose branch never held them must learn of them again.
    for (const tx of readmittedTxs) if (this.mempool.has(txHashHex(tx))) this.emit('tx', tx);
    return readmittedTxs.length;
  }

  /** Waits for pending imports, then closes the store, the verifier and the consensus engine. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue;
    this.closed = true;
    await this.verifier.close();
    await this.consensus.close();
    await this.store.close();
  }
}
