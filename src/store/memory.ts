/**
 * @module store/memory
 * A {@link ChainStore} in memory: for tests and for simulations that do not need a data directory. It keeps
 * encoded bytes, like the LevelDB store, so both exercise the same codecs.
 */
import type { BlockIndexEntry, ChainMeta, ChainStore, ChainWrite } from '../chain/store.js';
import { decodeIndexEntry, decodeUndo, encodeIndexEntry, encodeUndo } from '../chain/store.js';
import { GridPeerError } from '../errors/index.js';
import { type Block, decodeBlock, encodeBlock } from '../ledger/block.js';
import type { StateChanges } from '../ledger/state.js';

export class MemoryChainStore implements ChainStore {
  private meta: ChainMeta | undefined;
  private readonly blocks = new Map<string, Uint8Array>();
  private readonly index = new Map<string, Uint8Array>();
  private readonly heights = new Map<number, string>();
  private readonly state = new Map<string, Uint8Array>();
  private readonly undo = new Map<string, Uint8Array>();
  private readonly txIndex = new Map<string, string>();
  private closed = false;

  private assertOpen(): void {
    if (this.closed) throw new GridPeerError('STORE_CLOSED', 'the store is closed');
  }

  async loadMeta(): Promise<ChainMeta | undefined> {
    this.assertOpen();
    return this.meta;
  }

  async loadIndex(): Promise<BlockIndexEntry[]> {
    this.assertOpen();
    return [...this.index].map(([hash, bytes]) => decodeIndexEntry(hash, bytes));
  }

  async loadState(): Promise<Array<[string, Uint8Array]>> {
    this.assertOpen();
    return [...this.state];
  }

  async getCanonicalHash(height: number): Promise<string | undefined> {
    this.assertOpen();
    return this.heights.get(height);
  }

  async getBlock(hash: string): Promise<Block | undefined> {
    this.assertOpen();
    const bytes = this.blocks.get(hash);
    return bytes ? decodeBlock(bytes) : undefined;
  }

  async getUndo(hash: string): Promise<StateChanges | undefined> {
    this.assertOpen();
    const bytes = this.undo.get(hash);
    return bytes ? decodeUndo(bytes) : undefined;
  }

  async getTxBlockHash(txHash: string): Promise<string | undefined> {
    this.assertOpen();
    return this.txIndex.get(txHash);
  }

  async write(write: ChainWrite): Promise<void> {
    this.assertOpen();
    // Encode everything first, so a codec failure leaves the store untouched (all or nothing, like a batch).
    const blocks = (write.blocks ?? []).map(
      ({ block, entry }) => [entry.hash, encodeBlock(block), encodeIndexEntry(entry)] as const,
    );
    const updates = (write.indexUpdates ?? []).map((entry) => [entry.hash, encodeIndexEntry(entry)] as const);
    const undo = (write.undo ?? []).map(([hash, changes]) => [hash, encodeUndo(changes)] as const);
    for (const [hash, blockBytes, entryBytes] of blocks) {
      this.blocks.set(hash, blockBytes);
      this.index.set(hash, entryBytes);
    }
    for (const [hash, bytes] of updates) this.index.set(hash, bytes);
    if (write.canonicalHeight !== undefined) {
      for (const height of [...this.heights.keys()]) if (height > write.canonicalHeight) this.heights.delete(height);
    }
    for (const [height, hash] of write.canonical ?? []) this.heights.set(height, hash);
    for (const [key, value] of write.state ?? []) {
      if (value === null) this.state.delete(key);
      else this.state.set(key, value);
    }
    for (const [hash, bytes] of undo) this.undo.set(hash, bytes);
    for (const [txHash, blockHash] of write.txIndex ?? []) {
      if (blockHash === null) this.txIndex.delete(txHash);
      else this.txIndex.set(txHash, blockHash);
    }
    if (write.meta) this.meta = write.meta;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
