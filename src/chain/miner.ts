/**
 * @module chain/miner
 * The mining loop (seed 000 §3: "each node also acts as a miner… a miner notifies his neighbors when he has
 * successfully mined a new block… and immediately starts working on the next block"): template from the
 * mempool → seal → import. A head that arrives from elsewhere while sealing aborts the search at once, since
 * the block being sealed could no longer extend the best chain.
 */
import type { Address } from '../crypto/index.js';
import type { Chain, HeadEvent, ImportResult } from './chain.js';

export interface MinedBlock extends ImportResult {
  /** Milliseconds from template to import. */
  readonly elapsedMs: number;
  readonly txCount: number;
}

export class Miner {
  private running: AbortController | undefined;
  private loop: Promise<void> = Promise.resolve();
  /** Searches in progress (from {@link start} or direct calls), so {@link stop} can end them all. */
  private readonly active = new Set<AbortController>();

  constructor(
    private readonly chain: Chain,
    readonly minerAddress: Address,
  ) {}

  /**
   * Mines one block on the current head.
   * @returns the import result, or `null` when another head arrived first or `signal` aborted.
   */
  async mineBlock(signal?: AbortSignal): Promise<MinedBlock | null> {
    const startedMs = performance.now();
    const template = this.chain.buildTemplate(this.minerAddress);
    const parentHash = this.chain.head.hash;
    const controller = new AbortController();
    const onHead = (event: HeadEvent) => {
      if (event.hash !== parentHash) controller.abort();
    };
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    this.chain.on('head', onHead);
    this.active.add(controller);
    try {
      if (signal?.aborted || this.chain.head.hash !== parentHash) return null;
      const header = await this.chain.consensus.seal(template.header, { signal: controller.signal });
      if (!header) return null;
      const result = await this.chain.importBlock({ header, txs: template.txs });
      return { ...result, elapsedMs: performance.now() - startedMs, txCount: template.txs.length };
    } finally {
      this.active.delete(controller);
      this.chain.off('head', onHead);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Mines until `count` blocks of ours became the head (or `signal` aborts), reporting each. */
  async mineBlocks(count: number, onBlock?: (block: MinedBlock) => void, signal?: AbortSignal): Promise<MinedBlock[]> {
    const mined: MinedBlock[] = [];
    while (mined.length < count && !signal?.aborted) {
      // One event-loop turn per block: at low difficulty sealing and import resolve as microtasks only, and a
      // continuous miner would otherwise starve timers, I/O and the API.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const block = await this.mineBlock(signal);
      if (block?.status === 'head') {
        mined.push(block);
        onBlock?.(block);
      }
    }
    return mined;
  }

  /**
   * Mines continuously until {@link stop}. An error (for example the chain was closed under it) stops the loop
   * and is passed to `onError`; it is never left as an unhandled rejection.
   */
  start(onBlock?: (block: MinedBlock) => void, onError?: (error: unknown) => void): void {
    if (this.running) return;
    const controller = new AbortController();
    this.running = controller;
    this.loop = this.mineBlocks(Number.POSITIVE_INFINITY, onBlock, controller.signal)
      .then(() => undefined)
      .catch((error: unknown) => {
        controller.abort();
        onError?.(error);
      })
      .finally(() => {
        if (this.running === controller) this.running = undefined;
      });
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** Stops the loop started by {@link start} and every search in progress; resolves when they have ended. */
  async stop(): Promise<void> {
    this.running?.abort();
    for (const controller of this.active) controller.abort();
    await this.loop;
  }
}
