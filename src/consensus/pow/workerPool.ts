/**
 * @module consensus/pow/workerPool
 * Runs {@link powSearch} on `worker_threads` so mining never blocks the event loop (DESIGN.md §4 "mining never
 * blocks the API"). Each worker owns the nonces whose high word is ≡ its index (mod worker count) and scans
 * low words in chunks; between chunks it reads a shared stop flag, so an abort (new head) or another worker's
 * find stops every worker within one chunk.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { GridPeerError } from '../../errors/index.js';
import { getUnrolledScan, powSearch, SHA256_K, unrolledScanSource } from './search.js';

/**
 * Nonces per chunk between stop-flag checks: 2^16 takes ~25 ms at 2.7 M/s, so an abort lands within ~25 ms
 * while the flag check stays invisible in the hash rate.
 */
const DEFAULT_CHUNK_NONCES = 1 << 16;
const LOW_WORD_SPACE = 2 ** 32;

// The worker body is JavaScript text. `__name` is a no-op for the helper tsx/esbuild inserts when it keeps
// function names; it is harmless in the compiled build.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const __name = (fn) => fn;
const SHA256_K = ${JSON.stringify(SHA256_K)};
const unrolledScanCache = new Map();
const unrolledScanSource = ${unrolledScanSource.toString()};
const getUnrolledScan = ${getUnrolledScan.toString()};
const powSearch = ${powSearch.toString()};
// Warm-up: small calls let V8 optimise the search with full type feedback instead of on-stack replacement
// inside one long call, which was measured to leave it at about half speed in some runs.
{
  const header = new Uint8Array(145);
  const never = new Uint8Array(32);
  for (let i = 0; i < 200; i++) powSearch(header, 136, 0, i * 500, 500, never);
}
parentPort.on('message', (job) => {
  const stop = new Int32Array(job.stop);
  const header = new Uint8Array(job.header);
  const target = new Uint8Array(job.target);
  let hashes = 0;
  for (let high = job.highStart; high < 4294967296; high += job.highStride) {
    for (let low = 0; low < ${LOW_WORD_SPACE}; low += job.chunk) {
      if (Atomics.load(stop, 0) !== 0) {
        parentPort.postMessage({ id: job.id, status: 'stopped', hashes });
        return;
      }
      const count = Math.min(job.chunk, ${LOW_WORD_SPACE} - low);
      const found = powSearch(header, job.nonceOffset, high, low, count, target);
      if (found >= 0) {
        hashes += found - low + 1;
        Atomics.store(stop, 0, 1);
        parentPort.postMessage({ id: job.id, status: 'found', high, low: found, hashes });
        return;
      }
      hashes += count;
    }
  }
  parentPort.postMessage({ id: job.id, status: 'exhausted', hashes });
});
`;

type WorkerReply =
  | { id: number; status: 'found'; high: number; low: number; hashes: number }
  | { id: number; status: 'stopped' | 'exhausted'; hashes: number };

export interface PowSearchResult {
  readonly nonce: bigint;
  /** Nonces tried by all workers together. */
  readonly hashes: number;
}

export interface PowWorkerPoolOptions {
  /** Worker threads; default: one per core (the search is the only busy work while mining). */
  readonly workers?: number;
  readonly chunkNonces?: number;
}

export class PowWorkerPool {
  private readonly workers: Worker[] = [];
  private readonly chunkNonces: number;
  private nextJobId = 1;
  private busy = false;

  constructor(options: PowWorkerPoolOptions = {}) {
    const count = Math.max(1, options.workers ?? availableParallelism());
    this.chunkNonces = options.chunkNonces ?? DEFAULT_CHUNK_NONCES;
    for (let i = 0; i < count; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
      worker.unref();
      this.workers.push(worker);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Finds a nonce such that SHA-256(header with nonce) < target. Resolves `null` when `signal` aborts.
   * @param header encoded header; its nonce bytes at `nonceOffset` are overwritten in the workers' copies only.
   * @throws GridPeerError MINING_NONCE_SPACE_EXHAUSTED if no nonce in 2^64 works; WORKER_FAILED on a crash.
   */
  async search(
    header: Uint8Array,
    nonceOffset: number,
    target: Uint8Array,
    signal?: AbortSignal,
  ): Promise<PowSearchResult | null> {
    if (this.busy) throw new GridPeerError('MINING_ABORTED', 'the worker pool is already searching');
    if (signal?.aborted) return null;
    this.busy = true;
    const id = this.nextJobId++;
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const onAbort = () => Atomics.store(stop, 0, 1);
    signal?.addEventListener('abort', onAbort, { once: true });
    for (const worker of this.workers) worker.ref();
    try {
      const replies = await Promise.all(
        this.workers.map(
          (worker, index) =>
            new Promise<WorkerReply>((resolve, reject) => {
              const onMessage = (reply: WorkerReply) => {
                if (reply.id !== id) return;
                worker.off('message', onMessage);
                worker.off('error', onError);
                resolve(reply);
              };
              const onError = (error: Error) => {
                worker.off('message', onMessage);
                Atomics.store(stop, 0, 1);
                reject(
                  new GridPeerError(
                    'WORKER_FAILED',
                    `PoW worker ${index} failed: ${error.message}`,
                    {},
                    { cause: error },
                  ),
                );
              };
              worker.on('message', onMessage);
              worker.once('error', onError);
              worker.postMessage({
                id,
                header,
                target,
                nonceOffset,
                highStart: index,
                highStride: this.workers.length,
                chunk: this.chunkNonces,
                stop: stop.buffer,
              });
            }),
        ),
      );
      const hashes = replies.reduce((sum, reply) => sum + reply.hashes, 0);
      const found = replies.find((reply) => reply.status === 'found');
      if (found && found.status === 'found') return { nonce: (BigInt(found.high) << 32n) | BigInt(found.low), hashes };
      if (replies.every((reply) => reply.status === 'exhausted')) {
        throw new GridPeerError('MINING_NONCE_SPACE_EXHAUSTED', 'no nonce below the target in the 64-bit space');
      }
      return null;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      for (const worker of this.workers) worker.unref();
      this.busy = false;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
    this.workers.length = 0;
  }
}
