/**
 * Block import rate in transfers per second (DESIGN.md §6 "Performance"), for blocks of 1,000 transfers.
 *
 * A "producer" chain builds and seals N blocks of 1,000 transfers from 1,000 funded senders (PoW at 4 bits, so
 * sealing is instant). Each measured import opens a fresh chain on the same genesis and imports the N blocks in
 * order, from freshly decoded copies (no hash or encoding caches carried over, as blocks arriving from the
 * network), with a MemoryChainStore or a LevelChainStore (fsync per block, the node's default) and the
 * InlineSignatureVerifier or the ParallelSignatureVerifier (one worker per core).
 *
 * Reference in the same run: verifying the same transactions' signatures single-threaded
 * (`verifyTxSignature`, which includes the signing hash), so `import / verify-only` says how much of a
 * single core's signature throughput the whole import pipeline keeps (above 1 with parallel verification).
 *
 * Run alone with `npx tsx bench/import.ts`; stdout is one JSON document.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBlock } from '../src/chain/blockBuilder.js';
import { Chain } from '../src/chain/chain.js';
import { GENESIS_FORMAT, type GenesisConfig, parseGenesisConfig } from '../src/chain/genesis.js';
import type { ChainStore, ChainWrite } from '../src/chain/store.js';
import { InlineSignatureVerifier, ParallelSignatureVerifier, type SignatureVerifier } from '../src/chain/verifier.js';
import { createConsensus } from '../src/consensus/create.js';
import { type KeyPair, keyPairFromPrivateKey, sha256 } from '../src/crypto/index.js';
import { type Block, decodeBlock, encodeBlock } from '../src/ledger/block.js';
import { createTransfer, type Transaction, verifyTxSignature } from '../src/ledger/tx.js';
import { LevelChainStore } from '../src/store/level.js';
import { MemoryChainStore } from '../src/store/memory.js';
import { emit, median, medianRatio, progress, round3, startCpuSample } from './common.js';

const SENDERS = 1_000;
const BLOCKS = 10;
const ROUNDS = 3;
const CHAIN_ID = 1337;

type StoreKind = 'memory' | 'level';
type VerifierKind = 'inline' | 'parallel';

/** Times a verifier's work and leaves the shared one open when a chain closes. */
class TimedVerifier implements SignatureVerifier {
  ms = 0;
  constructor(private readonly inner: SignatureVerifier) {}
  async firstInvalid(txs: readonly Transaction[]): Promise<number> {
    const started = performance.now();
    const result = await this.inner.firstInvalid(txs);
    this.ms += performance.now() - started;
    return result;
  }
  async close(): Promise<void> {}
}

/** Wraps a store so the time spent in its atomic `write` (LevelDB batch + fsync) is measured. */
function timeWrites(store: ChainStore, sink: { ms: number }): ChainStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'write') {
        return async (write: ChainWrite) => {
          const started = performance.now();
          await target.write(write);
          sink.ms += performance.now() - started;
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function benchGenesis(senders: readonly KeyPair[], timestampMs: number): GenesisConfig {
  return parseGenesisConfig({
    format: GENESIS_FORMAT,
    name: 'bench-import',
    chainId: CHAIN_ID,
    timestampMs,
    blockRewardMicro: '1000000',
    consensus: {
      engine: 'pow',
      initialDifficultyBits: 4,
      minDifficultyBits: 4,
      targetBlockIntervalMs: 1_000,
      // No retarget within the run: the difficulty stays at 4 bits.
      retargetEveryBlocks: 100_000,
      maxAdjustFactor: 4,
    },
    alloc: senders.map((keys) => ({ address: keys.address, balanceMicro: '1000000000' })),
  });
}

function openChain(genesis: GenesisConfig, store: ChainStore, verifier: SignatureVerifier): Promise<Chain> {
  return Chain.open({
    store,
    genesis,
    createConsensus: (section) => createConsensus(section, { pow: { workers: 0 } }),
    verifier,
  });
}

/** Builds, seals and imports `BLOCKS` blocks of one transfer per sender on a producer chain. */
async function produceBlocks(genesis: GenesisConfig, senders: readonly KeyPair[], miner: KeyPair) {
  const producer = await openChain(genesis, new MemoryChainStore(), new InlineSignatureVerifier());
  const encoded: Uint8Array[] = [];
  try {
    for (let b = 0; b < BLOCKS; b++) {
      const parent = producer.head;
      const timestampMs = genesis.timestampMs + (b + 1) * 1_000;
      const txs = senders.map((keys, i) =>
        createTransfer(
          {
            chainId: CHAIN_ID,
            to: senders[(i + 1 + b) % senders.length]!.address,
            amountMicro: BigInt(1_000 + i),
            energyWh: 250 + b,
            feeMicro: 100n,
            nonce: b,
            timestampMs,
          },
          keys,
        ),
      );
      const built = buildBlock({
        parent: parent.header,
        state: producer.state,
        txs,
        miner: miner.address,
        timestampMs,
        bits: producer.consensus.nextBits({
          parent: parent.header,
          ancestor: (height) => producer.getCanonicalEntry(height)?.header,
        }),
        params: producer.params,
      });
      const header = await producer.consensus.seal(built.block.header);
      if (!header) throw new Error('sealing was aborted');
      const block: Block = { header, txs: built.block.txs };
      // The producer's own import doubles as the JIT warm-up of the whole import path.
      const result = await producer.importBlock(block);
      if (result.status !== 'head') throw new Error(`producer rejected block ${b + 1}: ${result.failure?.code}`);
      encoded.push(encodeBlock(block));
    }
  } finally {
    await producer.close();
  }
  return encoded;
}

interface ImportRun {
  ms: number;
  signatureMs: number;
  storeWriteMs: number;
  /** Cores other processes kept busy during the import. */
  otherCores: number | null;
}

async function importOnce(
  genesis: GenesisConfig,
  encoded: readonly Uint8Array[],
  storeKind: StoreKind,
  verifier: SignatureVerifier,
): Promise<ImportRun> {
  const blocks = encoded.map(decodeBlock);
  const directory = storeKind === 'level' ? mkdtempSync(join(tmpdir(), 'gridpeer-bench-')) : undefined;
  const writes = { ms: 0 };
  const inner = directory ? await LevelChainStore.open(directory) : new MemoryChainStore();
  const timed = new TimedVerifier(verifier);
  const chain = await openChain(genesis, timeWrites(inner, writes), timed);
  writes.ms = 0;
  try {
    const endSample = startCpuSample();
    const started = performance.now();
    for (const block of blocks) {
      const result = await chain.importBlock(block);
      if (result.status !== 'head') throw new Error(`import rejected block ${block.header.height}`);
    }
    const ms = performance.now() - started;
    return { ms, signatureMs: timed.ms, storeWriteMs: writes.ms, otherCores: endSample().otherCores };
  } finally {
    await chain.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  }
}

/** Single-threaded signature verification of the same transactions, on fresh copies. */
function verifyOnlyMs(encoded: readonly Uint8Array[]): number {
  const blocks = encoded.map(decodeBlock);
  const started = performance.now();
  for (const block of blocks) {
    for (const tx of block.txs) {
      if (tx.kind !== 'reward' && !verifyTxSignature(tx)) throw new Error('a transfer does not verify');
    }
  }
  return performance.now() - started;
}

async function main(): Promise<void> {
  const cores = availableParallelism();
  const senders = Array.from({ length: SENDERS }, (_, i) =>
    keyPairFromPrivateKey(sha256(Buffer.from(`bench import sender ${i}`))),
  );
  const miner = keyPairFromPrivateKey(sha256(Buffer.from('bench import miner')));
  // An hour back, so every block timestamp is in the past of the importing node's clock.
  const genesis = benchGenesis(senders, Date.now() - 3_600_000);
  progress(`import: producing ${BLOCKS} blocks of ${SENDERS} transfers`);
  const encoded = await produceBlocks(genesis, senders, miner);
  const transfers = BLOCKS * SENDERS;
  const blockBytes = Math.round(encoded.reduce((sum, bytes) => sum + bytes.length, 0) / encoded.length);

  const parallel = new ParallelSignatureVerifier(cores);
  const inline = new InlineSignatureVerifier();
  const configs: Array<{ store: StoreKind; verifier: VerifierKind }> = [
    { store: 'memory', verifier: 'inline' },
    { store: 'memory', verifier: 'parallel' },
    { store: 'level', verifier: 'inline' },
    { store: 'level', verifier: 'parallel' },
  ];
  const runs = new Map<string, ImportRun[]>(configs.map((c) => [`${c.store}/${c.verifier}`, []]));
  const verifyOnly: number[] = [];
  try {
    // Starts the workers and fills their key caches, as in a node that has been running.
    await importOnce(genesis, encoded.slice(0, 2), 'memory', parallel);
    // Rounds interleave the reference and every configuration so that a slow phase hits all of them.
    for (let round = 1; round <= ROUNDS; round++) {
      verifyOnly.push(verifyOnlyMs(encoded));
      const line = [`verify-only ${Math.round((transfers * 1000) / verifyOnly.at(-1)!)} tx/s`];
      for (const config of configs) {
        const run = await importOnce(genesis, encoded, config.store, config.verifier === 'inline' ? inline : parallel);
        runs.get(`${config.store}/${config.verifier}`)!.push(run);
        line.push(`${config.store}/${config.verifier} ${Math.round((transfers * 1000) / run.ms)} tx/s`);
      }
      progress(`import: round ${round}: ${line.join(', ')}`);
    }
  } finally {
    await parallel.close();
  }

  const verifyOnlyRate = (transfers * 1000) / median(verifyOnly);
  const results: Record<string, unknown> = {};
  const ratios: Record<string, number | null> = {};
  for (const [name, list] of runs) {
    const ms = median(list.map((r) => r.ms));
    const signatureMs = median(list.map((r) => r.signatureMs));
    const storeWriteMs = median(list.map((r) => r.storeWriteMs));
    const rate = (transfers * 1000) / ms;
    results[name] = {
      txPerSec: round3(rate),
      blocksPerSec: round3((BLOCKS * 1000) / ms),
      msPerBlock: round3(ms / BLOCKS),
      rounds: list.map((r) => round3((transfers * 1000) / r.ms)),
      breakdown: {
        signatureShare: round3(signatureMs / ms),
        storeWriteShare: round3(storeWriteMs / ms),
        otherShare: round3((ms - signatureMs - storeWriteMs) / ms),
        /** Transfers per second of the signature phase alone (verifier call, packing included). */
        signaturePhaseTxPerSec: round3((transfers * 1000) / signatureMs),
      },
      /** Cores other processes kept busy in each round: above ~0.2 the parallel figures were starved. */
      otherProcessesBusyCoresRounds: list.map((r) => (r.otherCores === null ? null : round3(r.otherCores))),
    };
    // Per round: each import against the verify-only pass of the same round.
    ratios[`${name.replace('/', '_')}_overVerifyOnly`] = medianRatio(
      verifyOnly,
      list.map((r) => r.ms),
    );
  }
  // Rates are inverse times: parallel/inline rate = inline ms / parallel ms, round by round.
  const msOf = (name: string) => runs.get(name)!.map((r) => r.ms);
  ratios['memory_parallelOverInline'] = medianRatio(msOf('memory/inline'), msOf('memory/parallel'));
  ratios['level_parallelOverInline'] = medianRatio(msOf('level/inline'), msOf('level/parallel'));
  emit({
    benchmark: 'import',
    unit: 'transfers imported per second (blocks of 1,000 transfers + reward)',
    blocks: BLOCKS,
    txsPerBlock: SENDERS,
    averageBlockBytes: blockBytes,
    verifierWorkers: cores,
    levelSync: true,
    imports: results,
    references: {
      verifyOnly: {
        what: 'verifyTxSignature (signing hash + Ed25519) of the same transfers, single thread, fresh copies',
        txPerSec: round3(verifyOnlyRate),
        rounds: verifyOnly.map((ms) => round3((transfers * 1000) / ms)),
      },
    },
    ratios,
  });
}

await main();
