/**
 * @module store/level
 * The chain on disk (MISSION L8): LevelDB through `classic-level`, one database per node data directory.
 *
 *   m:meta           JSON {genesisHash, headHash, genesisConfig}
 *   b:<hash>         encoded block
 *   i:<hash>         block index entry (status, total work, header)
 *   h:<height hex8>  canonical block hash at a height (hex keys sort numerically)
 *   s:<state key>    head state entry
 *   u:<hash>         undo data of a connected block
 *   t:<tx hash>      hash of the canonical block holding the transaction
 *
 * Each {@link ChainWrite} is one LevelDB batch, written with `sync` (fsync) by default: a block the node has
 * acknowledged survives `kill -9` and power loss, and a crash mid-write leaves the previous head intact.
 */
import { ClassicLevel } from 'classic-level';
import type { BlockIndexEntry, ChainMeta, ChainStore, ChainWrite } from '../chain/store.js';
import { decodeIndexEntry, decodeUndo, encodeIndexEntry, encodeUndo } from '../chain/store.js';
import { GridPeerError } from '../errors/index.js';
import { type Block, decodeBlock, encodeBlock } from '../ledger/block.js';
import type { StateChanges } from '../ledger/state.js';

const META_KEY = 'm:meta';

function heightKey(height: number): string {
  return `h:${height.toString(16).padStart(8, '0')}`;
}

export interface LevelChainStoreOptions {
  /**
   * fsync each write (default true). False keeps writes in the OS cache: they still survive the process being
   * killed, not a power cut; simulations that rebuild their chain anyway use it for speed.
   */
  readonly sync?: boolean;
}

type PutOrDel = { type: 'put'; key: string; value: Uint8Array } | { type: 'del'; key: string };

export class LevelChainStore implements ChainStore {
  private maxCanonicalHeight = -1;

  private constructor(
    private readonly db: ClassicLevel<string, Uint8Array>,
    private readonly sync: boolean,
  ) {}

  /**
   * Opens (creating if needed) the database in `directory`.
   * @throws GridPeerError STORE_CORRUPT when LevelDB cannot open it (for example another process holds its lock).
   */
  static async open(directory: string, options: LevelChainStoreOptions = {}): Promise<LevelChainStore> {
    const db = new ClassicLevel<string, Uint8Array>(directory, { keyEncoding: 'utf8', valueEncoding: 'view' });
    try {
      await db.open();
    } catch (error) {
      const cause = error as { code?: string; cause?: { message?: string } };
      throw new GridPeerError(
        'STORE_CORRUPT',
        `cannot open the chain database in ${directory}: ${cause.cause?.message ?? String(error)}`,
        { directory, code: cause.code },
        { cause: error },
      );
    }
    const store = new LevelChainStore(db, options.sync ?? true);
    for await (const key of db.keys({ gte: 'h:', lt: 'h;', reverse: true, limit: 1 })) {
      store.maxCanonicalHeight = Number.parseInt(key.slice(2), 16);
    }
    return store;
  }

  async loadMeta(): Promise<ChainMeta | undefined> {
    const bytes = await this.db.get(META_KEY);
    if (bytes === undefined) return undefined;
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as ChainMeta;
  }

  async loadIndex(): Promise<BlockIndexEntry[]> {
    const out: BlockIndexEntry[] = [];
    for await (const [key, value] of this.db.iterator({ gte: 'i:', lt: 'i;' }))
      out.push(decodeIndexEntry(key.slice(2), value));
    return out;
  }

  async loadState(): Promise<Array<[string, Uint8Array]>> {
    const out: Array<[string, Uint8Array]> = [];
    for await (const [key, value] of this.db.iterator({ gte: 's:', lt: 's;' })) out.push([key.slice(2), value]);
    return out;
  }

  async getCanonicalHash(height: number): Promise<string | undefined> {
    const bytes = await this.db.get(heightKey(height));
    return bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');
  }

  async getBlock(hash: string): Promise<Block | undefined> {
    const bytes = await this.db.get(`b:${hash}`);
    return bytes === undefined ? undefined : decodeBlock(bytes);
  }

  async getUndo(hash: string): Promise<StateChanges | undefined> {
    const bytes = await this.db.get(`u:${hash}`);
    return bytes === undefined ? undefined : decodeUndo(bytes);
  }

  async getTxBlockHash(txHash: string): Promise<string | undefined> {
    const bytes = await this.db.get(`t:${txHash}`);
    return bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');
  }

  async write(write: ChainWrite): Promise<void> {
    const ops: PutOrDel[] = [];
    for (const { block, entry } of write.blocks ?? []) {
      ops.push({ type: 'put', key: `b:${entry.hash}`, value: encodeBlock(block) });
      ops.push({ type: 'put', key: `i:${entry.hash}`, value: encodeIndexEntry(entry) });
    }
    for (const entry of write.indexUpdates ?? [])
      ops.push({ type: 'put', key: `i:${entry.hash}`, value: encodeIndexEntry(entry) });
    let maxHeight = this.maxCanonicalHeight;
    if (write.canonicalHeight !== undefined) {
      for (let height = write.canonicalHeight + 1; height <= this.maxCanonicalHeight; height++) {
        ops.push({ type: 'del', key: heightKey(height) });
      }
      maxHeight = write.canonicalHeight;
    }
    for (const [height, hash] of write.canonical ?? []) {
      ops.push({ type: 'put', key: heightKey(height), value: Buffer.from(hash, 'utf8') });
      if (height > maxHeight) maxHeight = height;
    }
    for (const [key, value] of write.state ?? []) {
      ops.push(value === null ? { type: 'del', key: `s:${key}` } : { type: 'put', key: `s:${key}`, value });
    }
    for (const [hash, changes] of write.undo ?? [])
      ops.push({ type: 'put', key: `u:${hash}`, value: encodeUndo(changes) });
    for (const [txHash, blockHash] of write.txIndex ?? []) {
      ops.push(
        blockHash === null
          ? { type: 'del', key: `t:${txHash}` }
          : { type: 'put', key: `t:${txHash}`, value: Buffer.from(blockHash, 'utf8') },
      );
    }
    if (write.meta) ops.push({ type: 'put', key: META_KEY, value: Buffer.from(JSON.stringify(write.meta), 'utf8') });
    if (ops.length === 0) return;
    await this.db.batch(ops, { sync: this.sync });
    this.maxCanonicalHeight = maxHeight;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
