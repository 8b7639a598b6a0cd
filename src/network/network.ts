/**
 * @module network/network
 * Gossip and sync between node processes over HTTP (MISSION L6; seed 000 §3: "a miner notifies his neighbors
 * when he has successfully mined a new block… the information is shared asynchronously… nodes validate a new
 * blockchain upon receipt, and if the new blockchain is longer than their current version, they update their
 * copy"; DESIGN.md §4 "Network").
 *
 * - Transactions and blocks are pushed to every peer as soon as this node accepts them, through a per-peer
 *   queue with retries and exponential back-off; a seen-cache keeps a message from being imported or relayed
 *   twice, so a flood dies out after one round.
 * - A node that is behind (an orphan arrived, or a peer reports more work) syncs: it finds the last block it
 *   shares with the peer, then downloads the peer's canonical blocks from there.
 * - A peer that sends invalid data loses score and is dropped and banned at {@link BAN_SCORE}.
 * - Optionally every message to a peer waits |own port − peer port| × `delayPerPortMs` (seed 000 §3: "the
 *   network delay between them is measured by the difference in their port numbers").
 */
import type { Chain, HeadEvent } from '../chain/chain.js';
import { GridPeerError } from '../errors/index.js';
import type { ValidationFailure } from '../errors/result.js';
import { type Block, blockHashHex, decodeBlock, encodeBlock } from '../ledger/block.js';
import { decodeTx, encodeTx, type Transaction, txHashHex } from '../ledger/tx.js';
import type { Clock } from '../units/time.js';
import { BAN_SCORE, type PeerBook, type PeerInfo } from './peerBook.js';

export { BAN_SCORE };

/** Header naming the sending node, so the receiver knows whom to credit or blame. */
export const PEER_HEADER = 'x-gridpeer-peer';

export interface NetworkLogger {
  info(object: Record<string, unknown>, message: string): void;
  warn(object: Record<string, unknown>, message: string): void;
  debug(object: Record<string, unknown>, message: string): void;
}

export interface NetworkOptions {
  readonly selfUrl: string;
  readonly chain: Chain;
  readonly peers: PeerBook;
  readonly clock: Clock;
  readonly logger: NetworkLogger;
  /** Simulated latency per port of distance (seed 000 §3); 0 = none. */
  readonly delayPerPortMs?: number;
  /** Period of the "is anyone ahead of me" check. */
  readonly syncIntervalMs?: number;
  readonly requestTimeoutMs?: number;
}

/** Status a node reports to its peers. */
export interface PeerStatus {
  genesisHash: string;
  height: number;
  headHash: string;
  /** Cumulative work of the head, decimal. */
  totalWork: string;
  url: string;
}

const SEEN_CACHE_LIMIT = 50_000;
const DELIVERY_ATTEMPTS = 5;
/** A delivery waiting out a back-off re-checks it this often. */
const BACKOFF_STEP_MS = 100;
const SYNC_BATCH_BLOCKS = 64;
/** The p2p route accepts up to 1,000 transactions per request. */
const MAX_TXS_PER_MESSAGE = 1_000;
const HASH_WINDOW = 256;
/** Points lost for sending data that breaks a rule (a block costs more: it took work to check). */
const PENALTY_INVALID_BLOCK = 50;
const PENALTY_INVALID_TX = 10;
/** Rule codes that a correct peer can trigger through timing alone: no penalty. */
const BENIGN_CODES = new Set([
  'MEMPOOL_DUPLICATE',
  'MEMPOOL_FULL',
  'MEMPOOL_FEE_TOO_LOW',
  'MEMPOOL_NONCE_GAP',
  'TX_NONCE_TOO_LOW',
  'TX_NONCE_TOO_HIGH',
  'TX_INSUFFICIENT_BALANCE',
  'TX_FUTURE_TIMESTAMP',
  'BLOCK_TIME_TOO_NEW',
]);

/** Bounded insertion-ordered set. */
class SeenCache {
  private readonly items = new Set<string>();

  constructor(private readonly limit: number) {}

  has(key: string): boolean {
    return this.items.has(key);
  }

  /** @returns false when it was already there. */
  add(key: string): boolean {
    if (this.items.has(key)) return false;
    if (this.items.size >= this.limit) {
      const oldest = this.items.values().next().value;
      if (oldest !== undefined) this.items.delete(oldest);
    }
    this.items.add(key);
    return true;
  }
}

function portOf(url: string): number {
  const parsed = new URL(url);
  return Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
}

export type ReceiveOutcome =
  | { readonly status: 'accepted' | 'known' | 'orphan' | 'side' | 'head'; readonly hash: string }
  | { readonly status: 'invalid'; readonly hash: string; readonly failure: ValidationFailure };

export class NetworkService {
  private readonly seen = new SeenCache(SEEN_CACHE_LIMIT);
  private readonly queues = new Map<string, Promise<void>>();
  private readonly syncing = new Map<string, Promise<boolean>>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly onHead = (event: HeadEvent) => void this.announceHead(event);
  /** Every transaction entering the mempool goes to the peers, except back to the one that sent it. */
  private readonly onTx = (tx: Transaction) => {
    this.seen.add(txHashHex(tx));
    this.announceTx(tx, this.receivingFrom);
  };
  /** The peer whose transaction is being added right now (the chain emits `tx` synchronously). */
  private receivingFrom: string | undefined;

  constructor(private readonly options: NetworkOptions) {}

  get peers(): PeerBook {
    return this.options.peers;
  }

  private get chain(): Chain {
    return this.options.chain;
  }

  start(): void {
    this.chain.on('head', this.onHead);
    this.chain.on('tx', this.onTx);
    const interval = this.options.syncIntervalMs ?? 3_000;
    if (interval > 0) {
      this.timer = setInterval(() => void this.syncWithAll().catch(() => undefined), interval);
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.chain.off('head', this.onHead);
    this.chain.off('tx', this.onTx);
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.queues.values(), ...this.syncing.values()]);
  }

  status(): PeerStatus {
    return {
      genesisHash: this.chain.genesisHash,
      height: this.chain.height,
      headHash: this.chain.head.hash,
      totalWork: this.chain.head.totalWork.toString(),
      url: this.options.selfUrl,
    };
  }

  // ---------------------------------------------------------------- HTTP to peers

  private async request<T>(peerUrl: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    const delayPerPortMs = this.options.delayPerPortMs ?? 0;
    if (delayPerPortMs > 0) {
      const delayMs = Math.abs(portOf(this.options.selfUrl) - portOf(peerUrl)) * delayPerPortMs;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
    const response = await fetch(`${peerUrl}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { 'content-type': 'application/json', [PEER_HEADER]: this.options.selfUrl },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 10_000),
    });
    const text = await response.text();
    const json = text ? (JSON.parse(text) as unknown) : {};
    if (!response.ok) {
      const body = json as { code?: string; message?: string };
      throw new GridPeerError(
        'PEER_UNREACHABLE',
        `${peerUrl}${path} answered ${response.status}: ${body.message ?? text}`,
        {
          peer: peerUrl,
          status: response.status,
          code: body.code,
        },
      );
    }
    return json as T;
  }

  /**
   * Connects to a peer: both sides must share the genesis block, and the peer adds this node back.
   * @throws GridPeerError PEER_REJECTED (different network, banned, full) or PEER_UNREACHABLE.
   */
  async connect(peerUrl: string): Promise<PeerInfo> {
    const nowMs = this.options.clock.nowMs();
    if (peerUrl === this.options.selfUrl) {
      throw new GridPeerError('PEER_REJECTED', 'a node is not its own peer', { field: 'url', url: peerUrl });
    }
    if (this.peers.isBanned(peerUrl, nowMs)) {
      throw new GridPeerError('PEER_REJECTED', 'peer is banned for sending invalid data', { url: peerUrl });
    }
    let remote: PeerStatus;
    try {
      remote = await this.request<PeerStatus>(peerUrl, '/v1/p2p/hello', { body: this.status() });
    } catch (error) {
      if (error instanceof GridPeerError && error.details['status'] === 409) {
        throw new GridPeerError('PEER_REJECTED', error.message, { url: peerUrl }, { cause: error });
      }
      throw error instanceof GridPeerError
        ? error
        : new GridPeerError('PEER_UNREACHABLE', `cannot reach ${peerUrl}: ${(error as Error).message}`, {
            url: peerUrl,
          });
    }
    return this.acceptPeer(remote, peerUrl);
  }

  /** Registers a peer that said hello (or answered ours). @throws GridPeerError PEER_REJECTED */
  acceptPeer(remote: PeerStatus, peerUrl: string): PeerInfo {
    if (remote.genesisHash !== this.chain.genesisHash) {
      throw new GridPeerError('PEER_REJECTED', 'the peer runs a different network (genesis hash differs)', {
        url: peerUrl,
        theirs: remote.genesisHash,
        ours: this.chain.genesisHash,
      });
    }
    const added = this.peers.add(peerUrl, this.options.clock.nowMs());
    if (!added.ok) throw new GridPeerError('PEER_REJECTED', added.reason, { url: peerUrl });
    added.peer.height = remote.height;
    added.peer.headHash = remote.headHash;
    // It just said hello (or answered ours): it is reachable again, so any back-off from its downtime ends.
    this.peers.markSuccess(peerUrl, this.options.clock.nowMs());
    if (added.added) this.options.logger.info({ peer: peerUrl }, 'peer added');
    if (BigInt(remote.totalWork) > this.chain.head.totalWork) void this.syncWith(peerUrl).catch(() => undefined);
    return added.peer;
  }

  removePeer(url: string): boolean {
    const removed = this.peers.remove(url);
    if (removed) this.options.logger.info({ peer: url }, 'peer removed');
    return removed;
  }

  // ---------------------------------------------------------------- gossip out

  /** Sends `path` + `body` to every peer except `except`, each through its own queue with retries. */
  private broadcast(path: string, body: unknown, except?: string): void {
    if (this.stopped) return;
    for (const peer of this.peers.list()) {
      if (peer.url !== except) this.enqueue(peer.url, () => this.deliver(peer.url, path, body));
    }
  }

  /** Runs `task` after everything already queued for `peerUrl` (one request in flight per peer, in order). */
  private enqueue(peerUrl: string, task: () => Promise<void>): void {
    const previous = this.queues.get(peerUrl) ?? Promise.resolve();
    const next = previous.then(task);
    this.queues.set(peerUrl, next);
    void next.finally(() => {
      if (this.queues.get(peerUrl) === next) this.queues.delete(peerUrl);
    });
  }

  /**
   * Transactions waiting for their peer's queue. They leave as one request when the queue reaches them, so a
   * burst costs one round trip per peer instead of one per transaction (bench/network.ts measured 611 → ~1,000
   * transfers/s end to end and p50 latency 1.6 s → 0.3 s).
   */
  private readonly txBuffers = new Map<string, string[]>();

  private async deliver(peerUrl: string, path: string, body: unknown): Promise<void> {
    for (let attempt = 1; attempt <= DELIVERY_ATTEMPTS && !this.stopped; attempt++) {
      const peer = this.peers.get(peerUrl);
      if (!peer) return;
      // Back-off in short steps: a hello from the peer ends it early, and stop() need not wait it out.
      for (
        let waitMs = peer.retryAtMs - this.options.clock.nowMs();
        waitMs > 0 && !this.stopped;
        waitMs = (this.peers.get(peerUrl)?.retryAtMs ?? 0) - this.options.clock.nowMs()
      ) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, BACKOFF_STEP_MS)));
      }
      if (this.stopped || !this.peers.has(peerUrl)) return;
      try {
        await this.request(peerUrl, path, { body });
        this.peers.markSuccess(peerUrl, this.options.clock.nowMs());
        return;
      } catch (error) {
        this.peers.markFailure(peerUrl, this.options.clock.nowMs());
        this.options.logger.debug({ peer: peerUrl, path, attempt, error: (error as Error).message }, 'delivery failed');
      }
    }
    // Given up: the periodic sync brings the peer up to date when it is back.
  }

  /** Sends a transaction this node accepted (its API, a peer, or a reorg) to the other peers. */
  private announceTx(tx: Transaction, fromPeer?: string): void {
    if (this.stopped) return;
    const hex = Buffer.from(encodeTx(tx)).toString('hex');
    for (const peer of this.peers.list()) {
      if (peer.url === fromPeer) continue;
      const buffer = this.txBuffers.get(peer.url);
      if (buffer && buffer.length < MAX_TXS_PER_MESSAGE) {
        buffer.push(hex);
        continue;
      }
      const fresh = [hex];
      this.txBuffers.set(peer.url, fresh);
      this.enqueue(peer.url, async () => {
        // Whatever accumulated while earlier messages were in flight goes in this one request.
        if (this.txBuffers.get(peer.url) === fresh) this.txBuffers.delete(peer.url);
        await this.deliver(peer.url, '/v1/p2p/txs', { txs: fresh });
      });
    }
  }

  private async announceHead(event: HeadEvent): Promise<void> {
    // New canonical blocks go out in order; after a reorg the peers get the whole new branch.
    const hashes = event.reorg ? event.reorg.connected : [event.hash];
    const blocks: string[] = [];
    for (const hash of hashes.slice(-SYNC_BATCH_BLOCKS)) {
      this.seen.add(hash);
      const block = await this.chain.getBlock(hash);
      if (block) blocks.push(Buffer.from(encodeBlock(block)).toString('hex'));
    }
    if (blocks.length > 0) this.broadcast('/v1/p2p/blocks', { blocks }, this.lastBlockSource.get(event.hash));
  }

  /** Who sent us a block, so it is not echoed back. */
  private readonly lastBlockSource = new Map<string, string>();

  // ---------------------------------------------------------------- gossip in

  private blame(peerUrl: string | undefined, failure: ValidationFailure, points: number, what: string): void {
    if (!peerUrl || BENIGN_CODES.has(failure.code)) return;
    const dropped = this.peers.penalize(peerUrl, points, this.options.clock.nowMs());
    this.options.logger.warn(
      {
        peer: peerUrl,
        code: failure.code,
        reason: failure.reason,
        dropped,
        score: this.peers.get(peerUrl)?.score ?? null,
      },
      `invalid ${what} from peer`,
    );
  }

  /** A transaction pushed by a peer (or the API with `fromPeer` undefined). */
  receiveTx(bytes: Uint8Array, fromPeer?: string): ReceiveOutcome {
    let tx: Transaction;
    try {
      tx = decodeTx(bytes);
    } catch (error) {
      const failure = { ok: false as const, code: 'TX_MALFORMED', reason: (error as Error).message };
      this.blame(fromPeer, failure, PENALTY_INVALID_TX, 'transaction');
      return { status: 'invalid', hash: '', failure };
    }
    const hash = txHashHex(tx);
    if (this.seen.has(hash) || this.chain.mempool.has(hash)) return { status: 'known', hash };
    this.receivingFrom = fromPeer;
    let result: ReturnType<Chain['addTransaction']>;
    try {
      result = this.chain.addTransaction(tx);
    } finally {
      this.receivingFrom = undefined;
    }
    if (!result.ok) {
      // A transaction refused for timing (nonce ahead, balance not there yet) may become valid: not marked seen.
      if (!BENIGN_CODES.has(result.code)) this.seen.add(hash);
      this.blame(fromPeer, result, PENALTY_INVALID_TX, 'transaction');
      return { status: 'invalid', hash, failure: result };
    }
    this.seen.add(hash);
    if (fromPeer) this.peers.reward(fromPeer);
    return { status: 'accepted', hash };
  }

  /** A block pushed by a peer. */
  async receiveBlock(bytes: Uint8Array, fromPeer?: string): Promise<ReceiveOutcome> {
    let block: Block;
    try {
      block = decodeBlock(bytes);
    } catch (error) {
      const failure = { ok: false as const, code: 'BLOCK_MALFORMED', reason: (error as Error).message };
      this.blame(fromPeer, failure, PENALTY_INVALID_BLOCK, 'block');
      return { status: 'invalid', hash: '', failure };
    }
    const hash = blockHashHex(block);
    if (this.seen.has(hash) && this.chain.getEntry(hash)) return { status: 'known', hash };
    this.seen.add(hash);
    if (fromPeer) {
      this.lastBlockSource.set(hash, fromPeer);
      if (this.lastBlockSource.size > 1024) this.lastBlockSource.delete(this.lastBlockSource.keys().next().value!);
    }
    const result = await this.chain.importBlock(block);
    if (result.status === 'invalid') {
      this.blame(fromPeer, result.failure!, PENALTY_INVALID_BLOCK, 'block');
      return { status: 'invalid', hash, failure: result.failure! };
    }
    if (fromPeer) this.peers.reward(fromPeer);
    // Parent unknown: we are behind this peer (or on another branch). Catch up from it.
    if (result.status === 'orphan' && fromPeer) void this.syncWith(fromPeer).catch(() => undefined);
    // A side block is relayed too: the network must see competing branches to choose between them.
    if (result.status === 'side')
      this.broadcast('/v1/p2p/blocks', { blocks: [Buffer.from(bytes).toString('hex')] }, fromPeer);
    return { status: result.status, hash };
  }

  // ---------------------------------------------------------------- sync

  /** Asks every peer for its status and syncs from those with more work. @returns true if the head changed. */
  async syncWithAll(): Promise<boolean> {
    const before = this.chain.head.hash;
    const nowMs = this.options.clock.nowMs();
    await Promise.allSettled(
      this.peers
        .list()
        .filter((peer) => peer.retryAtMs <= nowMs)
        .map((peer) => this.syncWith(peer.url)),
    );
    return this.chain.head.hash !== before;
  }

  /** Syncs from one peer if it reports more work; one sync per peer at a time. @returns true if blocks were imported. */
  syncWith(peerUrl: string): Promise<boolean> {
    const running = this.syncing.get(peerUrl);
    if (running) return running;
    const run = this.runSync(peerUrl).finally(() => this.syncing.delete(peerUrl));
    this.syncing.set(peerUrl, run);
    return run;
  }

  private async runSync(peerUrl: string): Promise<boolean> {
    let status: PeerStatus;
    try {
      status = await this.request<PeerStatus>(peerUrl, '/v1/p2p/status');
      this.peers.markSuccess(peerUrl, this.options.clock.nowMs());
    } catch {
      this.peers.markFailure(peerUrl, this.options.clock.nowMs());
      return false;
    }
    const peer = this.peers.get(peerUrl);
    if (peer) {
      peer.height = status.height;
      peer.headHash = status.headHash;
    }
    if (status.genesisHash !== this.chain.genesisHash || BigInt(status.totalWork) <= this.chain.head.totalWork)
      return false;
    const common = await this.findCommonHeight(peerUrl, Math.min(status.height, this.chain.height));
    let imported = false;
    for (let from = common + 1; from <= status.height && !this.stopped; from += SYNC_BATCH_BLOCKS) {
      const page = await this.request<{ blocks: string[] }>(
        peerUrl,
        `/v1/p2p/blocks?from=${from}&count=${SYNC_BATCH_BLOCKS}`,
      );
      if (page.blocks.length === 0) break;
      for (const hex of page.blocks) {
        const outcome = await this.receiveBlock(Buffer.from(hex, 'hex'), peerUrl);
        if (outcome.status === 'invalid') return imported;
        if (outcome.status !== 'known') imported = true;
      }
    }
    if (imported) this.options.logger.info({ peer: peerUrl, height: this.chain.height }, 'synced from peer');
    return imported;
  }

  /** Highest height at which our canonical chain and the peer's hold the same block. */
  private async findCommonHeight(peerUrl: string, startHeight: number): Promise<number> {
    let top = startHeight;
    while (top > 0) {
      const from = Math.max(0, top - HASH_WINDOW + 1);
      const { hashes } = await this.request<{ hashes: string[] }>(peerUrl, `/v1/p2p/hashes?from=${from}&to=${top}`);
      for (let height = top; height >= from; height--) {
        if (hashes[height - from] === this.chain.getCanonicalEntry(height)?.hash) return height;
      }
      top = from - 1;
    }
    return 0;
  }
}
