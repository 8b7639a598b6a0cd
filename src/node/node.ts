/**
 * @module node/node
 * One GridPeer node process (MISSION L6): its chain in a data directory, its HTTP API on a port, its peers, and
 * optionally a miner. `createNode` is the composition root; the CLI's `gridpeer node` and `network up` use it.
 */
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../api/app.js';
import type { ApiContext } from '../api/context.js';
import type { Chain, ImportResult } from '../chain/chain.js';
import { DEV_ACCOUNT_NAMES, devKeyPair } from '../chain/devAccounts.js';
import { devGenesisJson, type GenesisConfig, parseGenesisConfig } from '../chain/genesis.js';
import { type MinedBlock, Miner } from '../chain/miner.js';
import { nextClearingDueMs } from '../contract/index.js';
import type { Address } from '../crypto/index.js';
import { GridPeerError } from '../errors/index.js';
import { type NetworkLogger, NetworkService } from '../network/network.js';
import { normalizePeerUrl, PeerBook } from '../network/peerBook.js';
import { coinsToMicro } from '../units/index.js';
import { type Clock, systemClock } from '../units/time.js';
import { openLocalChain } from './localChain.js';

export const NODE_VERSION = '0.1.0';

export type MiningMode = 'off' | 'always' | 'pending';

export interface NodeOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly host?: string;
  /** Peers to connect to at start (URLs). */
  readonly peers?: readonly string[];
  readonly mining?: MiningMode;
  /** Address for rewards; default: a dev account on a dev network, else required when mining. */
  readonly minerAddress?: Address;
  readonly dev?: boolean;
  readonly adminToken?: string;
  /** Genesis for a new data directory; a dev node defaults to {@link devNetworkGenesis}. */
  readonly genesis?: GenesisConfig;
  readonly delayPerPortMs?: number;
  readonly miningThreads?: number;
  readonly syncIntervalMs?: number;
  readonly cors?: boolean | readonly string[];
  readonly bodyLimitBytes?: number;
  /** pino level ('info', 'warn', 'silent', …). */
  readonly logLevel?: string;
  readonly clock?: Clock;
  /** Folder of simulator reports the API and the dashboard serve (`/v1/sim/runs`). */
  readonly resultsDir?: string;
  /** Built dashboard folder (default: `dist/dashboard/` of this package). */
  readonly dashboardDir?: string;
}

/** Coins each named dev account starts with on a dev network. */
export const DEV_ACCOUNT_COINS = 1_000;

/**
 * The dev network: the embedded devnet parameters with the named dev accounts funded (seed 000 Fig. A11's
 * Prosumer1/2 and Consumer1–3), so the seed's Postman flow runs as printed.
 */
export function devNetworkGenesis(): GenesisConfig {
  return parseGenesisConfig(
    devGenesisJson(
      DEV_ACCOUNT_NAMES.map((name) => ({
        address: devKeyPair(name).address,
        balanceMicro: coinsToMicro(DEV_ACCOUNT_COINS),
      })),
    ),
  );
}

export class GridPeerNode {
  private stopping: Promise<void> | undefined;
  private readonly onTx = () => this.maybeMinePending();
  private pendingTimer: NodeJS.Timeout | undefined;
  /** Whether {@link pendingTimer} waits for a market gate closure rather than for a burst of transactions. */
  private waitingForGate = false;

  private constructor(
    readonly chain: Chain,
    readonly network: NetworkService,
    readonly app: FastifyInstance,
    readonly miner: Miner,
    readonly url: string,
    readonly mining: MiningMode,
    /** Mines one block now, serialized with every other request to mine. */
    readonly mineOne: () => Promise<MinedBlock | null>,
  ) {}

  /**
   * Opens the chain, starts the API and connects the peers.
   * @throws GridPeerError (for example CHAIN_NOT_INITIALIZED, STORE_CORRUPT when another process holds the data
   * directory, NODE_START_FAILED when the port is taken).
   */
  static async start(options: NodeOptions): Promise<GridPeerNode> {
    const host = options.host ?? '127.0.0.1';
    const url = `http://${host}:${options.port}`;
    const clock = options.clock ?? systemClock;
    const dev = options.dev ?? false;
    const genesis = options.genesis ?? (dev ? devNetworkGenesis() : undefined);
    const chain = await openLocalChain({
      dataDir: options.dataDir,
      ...(genesis ? { genesis } : {}),
      miningThreads: options.miningThreads ?? 1,
      clock,
    });
    const mining = options.mining ?? 'off';
    const minerAddress = options.minerAddress ?? (dev ? devKeyPair(DEV_ACCOUNT_NAMES[0]).address : undefined);
    if (mining !== 'off' && !minerAddress) {
      await chain.close();
      throw new GridPeerError('INVALID_ARGUMENT', 'mining needs a reward address (--miner)', { field: '--miner' });
    }
    const miner = new Miner(chain, minerAddress ?? devKeyPair(DEV_ACCOUNT_NAMES[0]).address);
    const level = options.logLevel ?? 'info';
    let app: FastifyInstance | undefined;
    const logger: NetworkLogger = {
      info: (object, message) => app?.log.info(object, message),
      warn: (object, message) => app?.log.warn(object, message),
      debug: (object, message) => app?.log.debug(object, message),
    };
    const network = new NetworkService({
      selfUrl: url,
      chain,
      peers: new PeerBook(url),
      clock,
      logger,
      ...(options.delayPerPortMs ? { delayPerPortMs: options.delayPerPortMs } : {}),
      ...(options.syncIntervalMs === undefined ? {} : { syncIntervalMs: options.syncIntervalMs }),
    });
    // Mining on demand serializes with the background miner through the chain's import queue; a head that
    // arrives meanwhile aborts the search and the caller is told.
    const ctx: ApiContext = {
      chain,
      network,
      clock,
      selfUrl: url,
      dev,
      adminToken: options.adminToken,
      miningMode: mining,
      minerAddress: miner.minerAddress,
      version: NODE_VERSION,
      mineOne: () => mineOne(),
      resultsDir: options.resultsDir,
      dashboardDir: options.dashboardDir,
    };
    // One search at a time (the PoW workers serve one); with a continuous miner, the next block it finds.
    let miningQueue: Promise<unknown> = Promise.resolve();
    const mineOne = (): Promise<MinedBlock | null> => {
      if (mining === 'always') return nextOwnBlock(chain, miner);
      const run = miningQueue.then(() => miner.mineBlock());
      miningQueue = run.catch(() => undefined);
      return run;
    };
    try {
      app = await buildApi(ctx, {
        logger: level === 'silent' ? false : { level, base: { node: url } },
        ...(options.cors === undefined ? {} : { cors: options.cors }),
        ...(options.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: options.bodyLimitBytes }),
      });
      await app.listen({ port: options.port, host });
    } catch (error) {
      await app?.close();
      await chain.close();
      throw new GridPeerError('NODE_START_FAILED', `cannot start the API on ${url}: ${(error as Error).message}`, {
        port: options.port,
      });
    }
    const node = new GridPeerNode(chain, network, app, miner, url, mining, mineOne);
    network.start();
    for (const peer of options.peers ?? []) {
      try {
        await network.connect(normalizePeerUrl(peer, '--peers'));
      } catch (error) {
        // A peer that is not up yet is retried by whoever starts later (they connect to us) or by connect_node.
        app.log.warn({ peer, error: (error as Error).message }, 'could not connect to peer at start');
      }
    }
    node.startMining();
    return node;
  }

  private startMining(): void {
    if (this.mining === 'always') {
      this.miner.start(undefined, (error) => this.app.log.error({ error: (error as Error).message }, 'miner stopped'));
    } else if (this.mining === 'pending') {
      this.chain.on('tx', this.onTx);
      this.chain.on('head', this.onTx);
    }
  }

  /**
   * 'pending' mode (seed 001 §4.1.1: a block when at least one transaction is pending), and a block when a market
   * slot's gate closes, so the slot clears (seed 000 §5 guideline 3) even when no transaction is waiting.
   */
  private maybeMinePending(): void {
    if (this.stopping) return;
    // While waiting for a gate closure, a new transaction (mined now) or a new head (which may have cleared the
    // slot already) sets the next block's time anew.
    if (this.pendingTimer && this.waitingForGate) {
      clearTimeout(this.pendingTimer);
      this.pendingTimer = undefined;
    }
    if (this.pendingTimer) return;
    let delayMs = 200;
    this.waitingForGate = false;
    if (this.chain.mempool.size === 0) {
      const dueMs = nextClearingDueMs(this.chain.state);
      if (dueMs === undefined) return;
      // The block's timestamp must pass the gate closure: mine just after it.
      delayMs = Math.max(200, dueMs - Date.now() + 50);
      this.waitingForGate = true;
    }
    // A short pause lets a burst of transactions land in one block.
    this.pendingTimer = setTimeout(() => {
      this.waitingForGate = false;
      void this.mineOne()
        .catch((error: unknown) => this.app.log.warn({ error: (error as Error).message }, 'mining failed'))
        .finally(() => {
          this.pendingTimer = undefined;
          this.maybeMinePending();
        });
    }, delayMs);
  }

  /** Stops mining, the network and the API, then closes the chain (idempotent). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.chain.off('tx', this.onTx);
      this.chain.off('head', this.onTx);
      if (this.pendingTimer) clearTimeout(this.pendingTimer);
      await this.miner.stop();
      await this.network.stop();
      await this.app.close();
      await this.chain.close();
    })();
    return this.stopping;
  }
}

/** The next block the continuous miner of this node imports as head. */
function nextOwnBlock(chain: Chain, miner: Miner): Promise<MinedBlock | null> {
  return new Promise((resolve) => {
    const startedMs = performance.now();
    const onBlock = (result: ImportResult) => {
      if (result.status !== 'head' || chain.getEntry(result.hash)?.header.miner !== miner.minerAddress) return;
      chain.off('block', onBlock);
      void chain
        .getBlock(result.hash)
        .then((block) =>
          resolve({ ...result, elapsedMs: performance.now() - startedMs, txCount: block?.txs.length ?? 0 }),
        );
    };
    chain.on('block', onBlock);
  });
}
