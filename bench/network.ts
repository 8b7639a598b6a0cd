/**
 * End-to-end transfer rate through real node processes (DESIGN.md §6 "Performance"): signed transfers posted to
 * one node's HTTP API (`POST /v1/txs`) until they are seen in a block on a second node, with latency percentiles.
 *
 * Setup: a genesis file with the devnet's parameters (`devGenesisJson`: 16-bit PoW) and 500 funded deterministic
 * senders; retargeting is switched off for the run (see `genesisJson`). Node A (API entry, no mining) and node B
 * (`--mine pending --threads 1 --peers A`) run as `node bin/gridpeer.js node --genesis <file> --log-level warn`.
 * Every transfer is built and signed up front (round-robin senders, so each sender's nonces go out in order).
 * The benchmark listens to B's `/v1/stream` (server-sent events): a `tx` event says when a transfer reached B's
 * mempool, a `head` event says a block landed, and `GET /v1/blocks/<hash>` on B lists its transfers. The
 * transfers are posted to A with a fixed number in flight. A warm-up batch first, then measured rounds.
 *
 * Reference in the same run: `verifyTxSignature` of the round's transfers on this process's thread, just
 * before the round (the nodes idle), so `ratios.e2eOverVerifyOnly` says what share of one core's signature
 * throughput the whole path keeps. `bench/run.ts` also sets the rate against the block import rate that
 * `bench/import.ts` measures in the same run (`summary.networkOverImport`).
 *
 * CPU: this process, node A and node B (from /proc/<pid>/stat, worker threads included) and everything else
 * (`otherProcessesBusyCores`, from /proc/stat minus those three).
 *
 * Run alone with `npx tsx bench/network.ts`; stdout is one JSON document.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { devGenesisJson, genesisConfigToJSON, parseGenesisConfig } from '../src/chain/genesis.js';
import { type KeyPair, keyPairFromPrivateKey, sha256 } from '../src/crypto/index.js';
import { createTransfer, encodeTx, type TransferTx, txHashHex, verifyTxSignature } from '../src/ledger/tx.js';
import { coinsToMicro } from '../src/units/index.js';
import {
  ensureBuilt,
  freePort,
  removeDir,
  type SpawnedNode,
  spawnNode,
  tempDir,
} from '../test/helpers/processNodes.js';
import { emit, median, medianRatio, progress, round3 } from './common.js';

const SENDERS = 500;
const WARMUP_TXS = 1_000;
const ROUNDS = 3;
const TXS_PER_ROUND = 2_000;
/** Requests in flight against node A's API. */
const CONCURRENCY = 16;
const ROUND_TIMEOUT_MS = 20_000;
const FEE_MICRO = 10n;

/** Wall-clock milliseconds with sub-millisecond resolution (comparable with the nodes' Date.now()). */
const now = () => performance.timeOrigin + performance.now();

// ------------------------------------------------------------------ CPU of the processes involved

function clockTicksPerSecond(): number {
  const run = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const value = Number(run.stdout?.trim());
  return Number.isFinite(value) && value > 0 ? value : 100;
}

/** utime + stime of one process (all its threads) in clock ticks; null when unreadable. */
function processTicks(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state is field 3, utime field 14, stime field 15.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** Busy and total ticks of the whole machine (/proc/stat); null elsewhere. */
function machineTicks(): { busy: number; total: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
    return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
  } catch {
    return null;
  }
}

interface CpuSplit {
  benchBusyCores: number;
  nodeABusyCores: number | null;
  nodeBBusyCores: number | null;
  machineBusyCores: number | null;
  /** Cores that processes other than this one and the two nodes kept busy meanwhile. */
  otherProcessesBusyCores: number | null;
}

function startCpuSplit(pidA: number | undefined, pidB: number | undefined): () => CpuSplit {
  const hz = clockTicksPerSecond();
  const cores = availableParallelism();
  const bench = process.cpuUsage();
  const a = processTicks(pidA);
  const b = processTicks(pidB);
  const machine = machineTicks();
  const started = performance.now();
  return () => {
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(bench);
    const benchCores = (used.user + used.system) / 1e6 / seconds;
    const aAfter = processTicks(pidA);
    const bAfter = processTicks(pidB);
    const machineAfter = machineTicks();
    const nodeA = a === null || aAfter === null ? null : (aAfter - a) / hz / seconds;
    const nodeB = b === null || bAfter === null ? null : (bAfter - b) / hz / seconds;
    const machineCores =
      machine && machineAfter && machineAfter.total > machine.total
        ? ((machineAfter.busy - machine.busy) / (machineAfter.total - machine.total)) * cores
        : null;
    const other =
      machineCores === null || nodeA === null || nodeB === null
        ? null
        : Math.max(0, machineCores - benchCores - nodeA - nodeB);
    return {
      benchBusyCores: round3(benchCores),
      nodeABusyCores: nodeA === null ? null : round3(nodeA),
      nodeBBusyCores: nodeB === null ? null : round3(nodeB),
      machineBusyCores: machineCores === null ? null : round3(machineCores),
      otherProcessesBusyCores: other === null ? null : round3(other),
    };
  };
}

// ------------------------------------------------------------------ statistics

/** Nearest-rank percentile of ascending `sorted`. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function distribution(values: readonly number[]) {
  const sorted = [...values].sort((x, y) => x - y);
  const pick = (p: number) => {
    const value = percentile(sorted, p);
    return value === null ? null : round3(value);
  };
  return {
    p50: pick(50),
    p90: pick(90),
    p99: pick(99),
    max: sorted.length === 0 ? null : round3(sorted[sorted.length - 1]!),
  };
}

// ------------------------------------------------------------------ observing node B

interface TxTimes {
  submitAt: number;
  acceptedAt?: number;
  /** First `tx` event of B's stream: the transfer reached B's mempool. */
  inMempoolBAt?: number;
  /** The `head` event of the block holding it. */
  seenAt?: number;
  /** Timestamp of that block's header (B's clock when it built the template). */
  blockTemplateAt?: number;
}

interface SeenBlock {
  height: number;
  hash: string;
  seenAt: number;
  templateAt: number;
  bits: number;
  transfers: number;
}

interface BlockJson {
  hash: string;
  header: { height: number; timestampMs: number; bits: number };
  txs: Array<{ hash: string; kind: string }>;
}

/** Follows B's event stream: which of our transfers reached its mempool and which block holds each. */
class StreamWatcher {
  readonly times = new Map<string, TxTimes>();
  readonly blocks: SeenBlock[] = [];
  private readonly controller = new AbortController();
  private lastHeight = -1;
  private heads: Promise<void> = Promise.resolve();
  private waiters: Array<() => void> = [];
  private reading: Promise<void> | undefined;
  error: Error | undefined;

  constructor(private readonly url: string) {}

  /** Resolves once the stream's `hello` event arrived. */
  async start(): Promise<void> {
    const response = await fetch(`${this.url}/v1/stream`, { signal: this.controller.signal });
    if (!response.ok || !response.body) throw new Error(`GET /v1/stream answered ${response.status}`);
    let resolveHello!: () => void;
    const hello = new Promise<void>((resolve) => {
      resolveHello = resolve;
    });
    this.reading = this.read(response.body, resolveHello).catch((error: unknown) => {
      if (!this.controller.signal.aborted) this.error = error as Error;
    });
    await Promise.race([hello, this.reading.then(() => Promise.reject(this.error ?? new Error('stream ended')))]);
  }

  private async read(body: ReadableStream<Uint8Array>, onHello: () => void): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of body) {
      const at = now();
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        let event = 'message';
        let data = '';
        for (const line of message.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data += line.slice(6);
        }
        if (event === 'hello') {
          this.lastHeight = (JSON.parse(data) as { height: number }).height;
          onHello();
        } else if (event === 'tx') {
          const times = this.times.get((JSON.parse(data) as { hash: string }).hash);
          if (times && times.inMempoolBAt === undefined) times.inMempoolBAt = at;
        } else if (event === 'head') {
          const head = JSON.parse(data) as { hash: string; height: number };
          // Blocks are fetched one after another, so the heights stay in order.
          this.heads = this.heads
            .then(() => this.onHead(head, at))
            .catch((error: unknown) => {
              this.error = error as Error;
            });
        }
      }
    }
  }

  private async getBlock(id: string | number): Promise<BlockJson> {
    const response = await fetch(`${this.url}/v1/blocks/${id}`, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`GET /v1/blocks/${id} answered ${response.status}`);
    return (await response.json()) as BlockJson;
  }

  private async onHead(head: { hash: string; height: number }, at: number): Promise<void> {
    // Only B mines, so heads extend the chain one block at a time; a gap (never expected) is filled by height.
    const blocks: BlockJson[] = [];
    for (let height = this.lastHeight + 1; height < head.height; height++) blocks.push(await this.getBlock(height));
    blocks.push(await this.getBlock(head.hash));
    this.lastHeight = Math.max(this.lastHeight, head.height);
    for (const block of blocks) {
      let transfers = 0;
      for (const tx of block.txs) {
        if (tx.kind === 'reward') continue;
        transfers++;
        const times = this.times.get(tx.hash);
        if (times && times.seenAt === undefined) {
          times.seenAt = at;
          times.blockTemplateAt = block.header.timestampMs;
        }
      }
      this.blocks.push({
        height: block.header.height,
        hash: block.hash,
        seenAt: at,
        templateAt: block.header.timestampMs,
        bits: block.header.bits,
        transfers,
      });
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Waits until every hash in `hashes` was seen in a block, or `deadline` (performance.now()) passed. */
  async waitSeen(hashes: readonly string[], deadline: number): Promise<boolean> {
    for (;;) {
      if (this.error) throw this.error;
      if (hashes.every((hash) => this.times.get(hash)?.seenAt !== undefined)) return true;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.reading;
    await this.heads;
  }
}

// ------------------------------------------------------------------ submitting to node A

interface SubmitOutcome {
  accepted: number;
  rejected: Array<{ status: number; code: string }>;
  firstSubmitAt: number;
  lastAcceptedAt: number;
}

/** Posts every transfer to A's API with `CONCURRENCY` requests in flight. */
async function submitAll(url: string, txs: readonly TransferTx[], watcher: StreamWatcher): Promise<SubmitOutcome> {
  const bodies = txs.map((tx) => ({ hash: txHashHex(tx), body: JSON.stringify({ hex: toHexString(encodeTx(tx)) }) }));
  let next = 0;
  let accepted = 0;
  let lastAcceptedAt = 0;
  const rejected: Array<{ status: number; code: string }> = [];
  const firstSubmitAt = now();
  const worker = async () => {
    while (next < bodies.length) {
      const { hash, body } = bodies[next++]!;
      const times: TxTimes = { submitAt: now() };
      watcher.times.set(hash, times);
      const response = await fetch(`${url}/v1/txs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      const answer = (await response.json()) as { hash?: string; code?: string };
      if (response.status === 202 && answer.hash === hash) {
        times.acceptedAt = now();
        lastAcceptedAt = times.acceptedAt;
        accepted++;
      } else {
        watcher.times.delete(hash);
        rejected.push({ status: response.status, code: answer.code ?? 'unknown' });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { accepted, rejected, firstSubmitAt, lastAcceptedAt };
}

function toHexString(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

// ------------------------------------------------------------------ setup

/**
 * The devnet's parameters (`devGenesisJson`, 16-bit PoW) with the senders funded. Retargeting is off for the
 * run: the devnet retargets every 10 blocks towards 5 s per block, and pending-mode blocks come every ~0.25 s
 * under load, so each retarget (from height 20) would be the maximal ×4 and by height 50 the difficulty would be
 * 24 bits (≈ 3 s of one thread per block): the figure would depend on how many blocks earlier rounds produced.
 */
function genesisJson(senders: readonly KeyPair[]): Record<string, unknown> {
  const json = devGenesisJson(senders.map((keys) => ({ address: keys.address, balanceMicro: coinsToMicro(1_000) })));
  const consensus = json['consensus'] as Record<string, unknown>;
  return {
    ...json,
    name: 'gridpeer-bench-network',
    consensus: { ...consensus, retargetEveryBlocks: 100_000 },
  };
}

/** Transfers round-robin over the senders, each sender's nonces in order; `nonces` is advanced. */
function buildTransfers(
  count: number,
  senders: readonly KeyPair[],
  nonces: number[],
  chainId: number,
  offset: number,
): TransferTx[] {
  const timestampMs = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const s = (offset + i) % senders.length;
    return createTransfer(
      {
        chainId,
        to: senders[(s + 1) % senders.length]!.address,
        amountMicro: BigInt(1_000 + i),
        energyWh: 100,
        feeMicro: FEE_MICRO,
        nonce: nonces[s]!++,
        timestampMs,
      },
      senders[s]!,
    );
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function peerCount(url: string): Promise<number> {
  const response = await fetch(`${url}/v1/status`, { signal: AbortSignal.timeout(2_000) });
  return ((await response.json()) as { peers: number }).peers;
}

// ------------------------------------------------------------------ one round

interface RoundResult {
  transfers: number;
  accepted: number;
  rejected: number;
  rejectedCodes: Record<string, number>;
  seen: number;
  complete: boolean;
  txPerSec: number | null;
  acceptPerSec: number | null;
  latencyMs: ReturnType<typeof distribution>;
  breakdownMs: {
    /** POST /v1/txs round trip on A (admission: decode, signature, mempool). */
    submitRoundTrip: ReturnType<typeof distribution>;
    /** Submit → the `tx` event of B's stream (A's admission, gossip A→B, B's admission). */
    submitToMempoolB: ReturnType<typeof distribution>;
    /** B's mempool → B's template of the block holding it (waiting for the pending-mode miner). */
    mempoolBToTemplate: ReturnType<typeof distribution>;
    /** Template → its `head` event (PoW, B's own import with signature checks and fsync, the stream). */
    templateToSeen: ReturnType<typeof distribution>;
  };
  blocks: number;
  meanTxsPerBlock: number | null;
  maxTxsPerBlock: number;
  meanBlockIntervalMs: number | null;
  difficultyBits: number[];
  verifyOnlyTxPerSec: number;
  seconds: number;
  cpu: CpuSplit;
}

async function runRound(
  name: string,
  txs: readonly TransferTx[],
  urlA: string,
  watcher: StreamWatcher,
  pids: [number | undefined, number | undefined],
): Promise<RoundResult> {
  // Reference: this round's signatures on one thread, while the nodes idle.
  const fresh = txs.map((tx) => ({ ...tx }));
  const verifyStarted = performance.now();
  for (const tx of fresh) if (!verifyTxSignature(tx)) throw new Error('a transfer does not verify');
  const verifyOnlyTxPerSec = (fresh.length * 1000) / (performance.now() - verifyStarted);

  const blocksBefore = watcher.blocks.length;
  const endCpu = startCpuSplit(...pids);
  const started = performance.now();
  const submitted = await submitAll(urlA, txs, watcher);
  const hashes = txs.map(txHashHex).filter((hash) => watcher.times.has(hash));
  const complete = await watcher.waitSeen(hashes, started + ROUND_TIMEOUT_MS);
  const cpu = endCpu();
  const seconds = (performance.now() - started) / 1000;

  const times = hashes.map((hash) => watcher.times.get(hash)!);
  const seen = times.filter((t) => t.seenAt !== undefined);
  const lastSeenAt = Math.max(...seen.map((t) => t.seenAt!));
  const blocks = watcher.blocks.slice(blocksBefore).filter((block) => block.transfers > 0);
  const intervals = blocks.slice(1).map((block, i) => block.seenAt - blocks[i]!.seenAt);
  const codes: Record<string, number> = {};
  for (const r of submitted.rejected) codes[r.code] = (codes[r.code] ?? 0) + 1;
  const result: RoundResult = {
    transfers: txs.length,
    accepted: submitted.accepted,
    rejected: submitted.rejected.length,
    rejectedCodes: codes,
    seen: seen.length,
    complete,
    txPerSec: seen.length > 0 ? round3((seen.length * 1000) / (lastSeenAt - submitted.firstSubmitAt)) : null,
    acceptPerSec:
      submitted.accepted > 0
        ? round3((submitted.accepted * 1000) / (submitted.lastAcceptedAt - submitted.firstSubmitAt))
        : null,
    latencyMs: distribution(seen.map((t) => t.seenAt! - t.submitAt)),
    breakdownMs: {
      submitRoundTrip: distribution(
        times.filter((t) => t.acceptedAt !== undefined).map((t) => t.acceptedAt! - t.submitAt),
      ),
      submitToMempoolB: distribution(
        times.filter((t) => t.inMempoolBAt !== undefined).map((t) => t.inMempoolBAt! - t.submitAt),
      ),
      mempoolBToTemplate: distribution(
        seen.filter((t) => t.inMempoolBAt !== undefined).map((t) => Math.max(0, t.blockTemplateAt! - t.inMempoolBAt!)),
      ),
      templateToSeen: distribution(seen.map((t) => t.seenAt! - t.blockTemplateAt!)),
    },
    blocks: blocks.length,
    meanTxsPerBlock: blocks.length > 0 ? round3(seen.length / blocks.length) : null,
    maxTxsPerBlock: Math.max(0, ...blocks.map((block) => block.transfers)),
    meanBlockIntervalMs:
      intervals.length > 0 ? round3(intervals.reduce((sum, value) => sum + value, 0) / intervals.length) : null,
    difficultyBits: [...new Set(blocks.map((block) => leadingZeroBits(block.bits)))],
    verifyOnlyTxPerSec: round3(verifyOnlyTxPerSec),
    seconds: round3(seconds),
    cpu,
  };
  progress(
    `network: ${name}: ${result.seen}/${txs.length} seen${complete ? '' : ' (TIMED OUT)'}, ` +
      `${result.txPerSec} tx/s end to end, accept ${result.acceptPerSec} tx/s, ` +
      `latency p50 ${result.latencyMs.p50} ms p99 ${result.latencyMs.p99} ms, ` +
      `${result.blocks} blocks (mean ${result.meanTxsPerBlock} tx), ` +
      `cores: bench ${cpu.benchBusyCores} A ${cpu.nodeABusyCores} B ${cpu.nodeBBusyCores} other ${cpu.otherProcessesBusyCores}`,
  );
  return result;
}

/** Difficulty of compact `bits` in leading zero bits (256 − log2 target), as the genesis file states it. */
function leadingZeroBits(bits: number): number {
  const exponent = bits >>> 24;
  const mantissa = bits & 0x7fffff;
  // target = mantissa × 256^(exponent − 3)
  return round3(256 - (Math.log2(mantissa) + 8 * (exponent - 3)));
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  ensureBuilt();
  const root = tempDir('gridpeer-bench-net-');
  const nodes: SpawnedNode[] = [];
  let watcher: StreamWatcher | undefined;
  const cleanUp = async () => {
    await watcher?.stop().catch(() => undefined);
    for (const node of nodes.splice(0).reverse()) {
      const stopped = await Promise.race([
        node.stop().then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5_000)),
      ]);
      if (!stopped) await node.kill();
    }
    removeDir(root);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    progress(`network: ${signal}: stopping the nodes`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const senders = Array.from({ length: SENDERS }, (_, i) =>
      keyPairFromPrivateKey(sha256(Buffer.from(`bench network sender ${i}`))),
    );
    const miner = keyPairFromPrivateKey(sha256(Buffer.from('bench network miner')));
    const json = genesisJson(senders);
    const genesis = parseGenesisConfig(json);
    const genesisFile = join(root, 'genesis.json');
    writeFileSync(genesisFile, JSON.stringify(genesisConfigToJSON(genesis), null, 2));
    const chainId = genesis.params.chainId;

    const nonces = new Array<number>(SENDERS).fill(0);
    const warmup = buildTransfers(WARMUP_TXS, senders, nonces, chainId, 0);
    // Each batch continues the round-robin where the previous one stopped, so every sender's nonces stay in order.
    const rounds = Array.from({ length: ROUNDS }, (_, r) =>
      buildTransfers(TXS_PER_ROUND, senders, nonces, chainId, WARMUP_TXS + r * TXS_PER_ROUND),
    );

    const portA = await freePort();
    const portB = await freePort();
    const common = ['--genesis', genesisFile];
    progress(`network: starting node A (:${portA}) and node B (:${portB}, mining pending, 1 thread)`);
    nodes.push(await spawnNode({ port: portA, dataDir: join(root, 'a'), dev: false, args: common }));
    const a = nodes[0]!;
    nodes.push(
      await spawnNode({
        port: portB,
        dataDir: join(root, 'b'),
        dev: false,
        args: [...common, '--mine', 'pending', '--threads', '1', '--miner', miner.address, '--peers', a.url],
      }),
    );
    const b = nodes[1]!;
    await waitFor('the nodes to peer', async () => (await peerCount(a.url)) >= 1 && (await peerCount(b.url)) >= 1);
    watcher = new StreamWatcher(b.url);
    await watcher.start();
    const pids: [number | undefined, number | undefined] = [a.process.pid, b.process.pid];

    progress(`network: warm-up with ${WARMUP_TXS} transfers`);
    await runRound('warm-up', warmup, a.url, watcher, pids);
    const results: RoundResult[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const result = await runRound(`round ${round}`, rounds[round - 1]!, a.url, watcher, pids);
      results.push(result);
      if (!result.complete) {
        progress('network: a round timed out; the later rounds would wait on its nonces, so they are skipped');
        break;
      }
    }

    const rates = results.filter((r) => r.txPerSec !== null);
    const pick = (f: (r: RoundResult) => number | null) => {
      const values = results.map(f).filter((v): v is number => v !== null);
      return values.length > 0 ? round3(median(values)) : null;
    };
    emit({
      benchmark: 'network',
      unit: 'signed transfers per second, POST /v1/txs on node A → seen in a block on node B',
      nodes: {
        a: 'API entry, no mining',
        b: '--mine pending --threads 1, peer of A',
        flags: '--genesis <file> --log-level warn',
        processes: 'node bin/gridpeer.js node (dist/)',
      },
      genesis: {
        base: 'devGenesisJson (the devnet parameters)',
        initialDifficultyBits: (json['consensus'] as Record<string, unknown>)['initialDifficultyBits'],
        retargetEveryBlocks: 100_000,
        senders: SENDERS,
      },
      concurrency: CONCURRENCY,
      warmupTransfers: WARMUP_TXS,
      transfersPerRound: TXS_PER_ROUND,
      roundTimeoutMs: ROUND_TIMEOUT_MS,
      complete: results.length === ROUNDS && results.every((r) => r.complete),
      e2e: {
        txPerSec: pick((r) => r.txPerSec),
        acceptPerSec: pick((r) => r.acceptPerSec),
        latencyP50Ms: pick((r) => r.latencyMs.p50),
        latencyP90Ms: pick((r) => r.latencyMs.p90),
        latencyP99Ms: pick((r) => r.latencyMs.p99),
        latencyMaxMs: pick((r) => r.latencyMs.max),
        meanTxsPerBlock: pick((r) => r.meanTxsPerBlock),
      },
      rounds: results,
      references: {
        verifyOnly: {
          what: 'verifyTxSignature (signing hash + Ed25519) of the round’s transfers, single thread, before the round',
          txPerSec: pick((r) => r.verifyOnlyTxPerSec),
        },
      },
      ratios: {
        e2eOverVerifyOnly: medianRatio(
          rates.map((r) => r.txPerSec!),
          rates.map((r) => r.verifyOnlyTxPerSec),
        ),
      },
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanUp();
  }
}

await main();
