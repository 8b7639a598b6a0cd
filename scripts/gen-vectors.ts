/**
 * Writes test/vectors/ledger.json: the canonical encodings and hashes of fixed keys, transactions, block
 * headers, Merkle trees, state roots and compact PoW targets (DESIGN.md §4: "test vectors pin the encoding").
 * Everything is derived from fixed seeds and timestamps (Ed25519 signatures are deterministic, RFC 8032; the
 * nonce is the first one below the target), so running it twice gives the same file. test/spec/vectors.test.ts
 * checks that the code still reproduces every value.
 *
 *   npx tsx scripts/gen-vectors.ts          # rewrite the file
 *   npx tsx scripts/gen-vectors.ts --check  # exit 1 if the committed file is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PowConsensus } from '../src/consensus/pow/index.js';
import { powSearch } from '../src/consensus/pow/search.js';
import { bitsToTarget, targetForLeadingZeroBits, targetToBits, targetToBytes } from '../src/consensus/pow/target.js';
import { type KeyPair, keyPairFromPrivateKey, sha256, toHex, ZERO_HASH } from '../src/crypto/index.js';
import {
  BLOCK_VERSION,
  type Block,
  type BlockHeader,
  computeTxRoot,
  encodeBlock,
  encodeHeader,
  HEADER_NONCE_OFFSET,
  type HeaderJson,
  headerHash,
  headerToJSON,
} from '../src/ledger/block.js';
import { merkleProof, merkleRoot } from '../src/ledger/merkle.js';
import { type ChainParams, DEFAULT_CHAIN_PARAMS } from '../src/ledger/params.js';
import { type Allocation, genesisState, type LedgerState, StateOverlay } from '../src/ledger/state.js';
import {
  createReward,
  createTransfer,
  encodeTx,
  type Transaction,
  type TxKindName,
  txHashHex,
  txSigningHash,
  txToJSON,
} from '../src/ledger/tx.js';
import { applyBlock, applyTx, checkBlock } from '../src/ledger/validation.js';
import { coinsToMicro } from '../src/units/index.js';

export const VECTORS_PATH = fileURLToPath(new URL('../test/vectors/ledger.json', import.meta.url));

/** Everything about a transaction except what is derived from it (hash, sender address, signature). */
export interface TxFieldsVector {
  kind: TxKindName;
  version: number;
  chainId: number;
  senderPublicKey: string;
  nonce: number;
  feeMicro: string;
  timestampMs: number;
  to?: string;
  amountMicro?: string;
  energyWh?: number;
  payload?: Record<string, unknown>;
}

export interface KeyVector {
  name: string;
  seed: string;
  publicKey: string;
  address: string;
}

export interface TxVector {
  name: string;
  /** Name of the signing key; null for a reward (no sender, zero signature). */
  signer: string | null;
  fields: TxFieldsVector;
  signature: string;
  signingHash: string;
  hash: string;
  hex: string;
}

export type HeaderFieldsVector = Omit<HeaderJson, 'hash'>;

export interface BlockVector {
  name: string;
  header: HeaderFieldsVector;
  headerHex: string;
  hash: string;
  /** Names of the transactions in `transactions`, in block order. */
  txs: string[];
  txRoot: string;
  stateRootAfter: string;
  hex: string;
}

export interface LedgerVectors {
  description: string;
  chainParams: { chainId: number; blockRewardMicro: string };
  pow: { difficultyBits: number; bits: number };
  keys: KeyVector[];
  transactions: TxVector[];
  blocks: BlockVector[];
  merkle: {
    /** leaf i = SHA-256("leaf-" + i) */
    leaves: string[];
    roots: Array<{ count: number; root: string }>;
    proof: { count: number; index: number; root: string; steps: Array<{ sibling: string; siblingOnLeft: boolean }> };
  };
  state: {
    allocations: Array<{ address: string; balanceMicro: string }>;
    entries: Array<{ key: string; value: string }>;
    supplyMicro: string;
    root: string;
  };
  compact: {
    leadingZeroBits: Array<{ leadingZeroBits: number; target: string; bits: number }>;
    targets: Array<{ target: string; bits: number; decoded: string }>;
  };
}

const GENESIS_TIMESTAMP_MS = 1_700_000_000_000;
const BLOCK_INTERVAL_MS = 10_000;
const POW_DIFFICULTY_BITS = 8;
const PARAMS: ChainParams = DEFAULT_CHAIN_PARAMS;

const hex64 = (value: bigint) => value.toString(16).padStart(64, '0');

function fixedKey(byte: number): KeyPair {
  return keyPairFromPrivateKey(new Uint8Array(32).fill(byte));
}

function txFields(tx: Transaction): TxFieldsVector {
  const { hash: _hash, from: _from, signature: _signature, ...fields } = txToJSON(tx);
  return fields;
}

function txVector(name: string, signer: string | null, tx: Transaction): TxVector {
  return {
    name,
    signer,
    fields: txFields(tx),
    signature: toHex(tx.signature),
    signingHash: toHex(txSigningHash(tx)),
    hash: txHashHex(tx),
    hex: toHex(encodeTx(tx)),
  };
}

/** Seals with the first nonce (high word 0) below the target: deterministic, unlike a multi-worker search. */
function sealFirstNonce(header: BlockHeader): BlockHeader {
  const bytes = encodeHeader({ ...header, nonce: 0n });
  const low = powSearch(bytes, HEADER_NONCE_OFFSET, 0, 0, 2 ** 32 - 1, targetToBytes(bitsToTarget(header.bits)));
  if (low < 0) throw new Error('gen-vectors: no nonce found');
  return Object.freeze({ ...header, nonce: BigInt(low) });
}

function headerFields(header: BlockHeader): HeaderFieldsVector {
  const { hash: _hash, ...fields } = headerToJSON(header);
  return fields;
}

/** Builds the block on `parent` the way a miner does: transactions, reward of block reward + fees, state root. */
function buildBlock(
  parent: BlockHeader,
  state: LedgerState,
  txs: Transaction[],
  miner: KeyPair,
): { block: Block; state: LedgerState } {
  const timestampMs = parent.timestampMs + BLOCK_INTERVAL_MS;
  const overlay = new StateOverlay(state);
  let feesMicro = 0n;
  for (const tx of txs) {
    const result = applyTx(overlay, tx, { height: 1, timestampMs }, PARAMS);
    if (!result.ok) throw new Error(`gen-vectors: ${result.code} ${result.reason}`);
    feesMicro += result.feeMicro;
  }
  const reward = createReward({
    chainId: PARAMS.chainId,
    height: parent.height + 1,
    to: miner.address,
    amountMicro: PARAMS.blockRewardMicro + feesMicro,
    timestampMs,
  });
  const minerAccount = overlay.account(miner.address);
  overlay.setAccount(miner.address, {
    balanceMicro: minerAccount.balanceMicro + reward.amountMicro,
    nonce: minerAccount.nonce,
  });
  overlay.setSupplyMicro(overlay.supplyMicro() + PARAMS.blockRewardMicro);
  const next = state.apply(overlay.changes());
  const allTxs = [reward, ...txs];
  const header = sealFirstNonce({
    version: BLOCK_VERSION,
    height: parent.height + 1,
    prevHash: headerHash(parent),
    txRoot: computeTxRoot(allTxs),
    stateRoot: next.root(),
    timestampMs,
    bits: parent.bits,
    miner: miner.address,
    extra: new Uint8Array(0),
    nonce: 0n,
  });
  return { block: Object.freeze({ header, txs: Object.freeze(allTxs) }), state: next };
}

function blockVector(name: string, block: Block, txNames: string[], stateAfter: LedgerState): BlockVector {
  return {
    name,
    header: headerFields(block.header),
    headerHex: toHex(encodeHeader(block.header)),
    hash: toHex(headerHash(block.header)),
    txs: txNames,
    txRoot: toHex(block.header.txRoot),
    stateRootAfter: toHex(stateAfter.root()),
    hex: toHex(encodeBlock(block)),
  };
}

export function buildVectors(): LedgerVectors {
  const named: Array<[string, number]> = [
    ['alice', 1],
    ['bob', 2],
    ['carol', 3],
    ['miner', 9],
  ];
  const keys = new Map(named.map(([name, byte]) => [name, fixedKey(byte)]));
  const key = (name: string) => keys.get(name)!;

  const allocations: Allocation[] = [
    { address: key('alice').address, balanceMicro: coinsToMicro(100) },
    { address: key('bob').address, balanceMicro: coinsToMicro(50) },
    { address: key('carol').address, balanceMicro: 1_234_567n },
  ];
  const genesis = genesisState(allocations);

  const transferBasic = createTransfer(
    {
      chainId: PARAMS.chainId,
      to: key('bob').address,
      amountMicro: 2_500_000n,
      nonce: 0,
      timestampMs: GENESIS_TIMESTAMP_MS + 1_000,
    },
    key('alice'),
  );
  const transferEnergy = createTransfer(
    {
      chainId: PARAMS.chainId,
      to: key('carol').address,
      amountMicro: 330_000n,
      nonce: 0,
      feeMicro: 1_000n,
      energyWh: 1_500,
      timestampMs: GENESIS_TIMESTAMP_MS + 2_000,
    },
    key('bob'),
  );
  const transferFollowUp = createTransfer(
    {
      chainId: PARAMS.chainId,
      to: key('carol').address,
      amountMicro: 1n,
      nonce: 1,
      feeMicro: 7n,
      timestampMs: GENESIS_TIMESTAMP_MS + 3_000,
    },
    key('alice'),
  );
  const transferExtreme = createTransfer(
    {
      chainId: 0xffffffff,
      to: key('alice').address,
      amountMicro: 2n ** 64n - 1n,
      nonce: Number.MAX_SAFE_INTEGER,
      feeMicro: 2n ** 64n - 1n,
      energyWh: Number.MAX_SAFE_INTEGER,
      timestampMs: Number.MAX_SAFE_INTEGER,
    },
    key('carol'),
  );

  const genesisHeader = sealFirstNonce({
    version: BLOCK_VERSION,
    height: 0,
    prevHash: ZERO_HASH,
    txRoot: merkleRoot([]),
    stateRoot: genesis.root(),
    timestampMs: GENESIS_TIMESTAMP_MS,
    bits: targetToBits(targetForLeadingZeroBits(POW_DIFFICULTY_BITS)),
    miner: key('miner').address,
    extra: new Uint8Array(0),
    nonce: 0n,
  });
  const genesisBlock: Block = Object.freeze({ header: genesisHeader, txs: Object.freeze([]) });
  const block1 = buildBlock(genesisHeader, genesis, [transferBasic, transferEnergy, transferFollowUp], key('miner'));
  const reward1 = block1.block.txs[0]!;

  // The vectors must describe a valid chain; stop here rather than pin an invalid one.
  const consensus = new PowConsensus(
    {
      initialDifficultyBits: POW_DIFFICULTY_BITS,
      minDifficultyBits: 1,
      targetBlockIntervalMs: BLOCK_INTERVAL_MS,
      retargetEveryBlocks: 10,
      maxAdjustFactor: 4,
    },
    { workers: 0 },
  );
  for (const block of [genesisBlock, block1.block]) {
    const checks = [checkBlock(block, PARAMS), consensus.verifySeal(block.header)];
    for (const check of checks) if (!check.ok) throw new Error(`gen-vectors: ${check.code} ${check.reason}`);
  }
  const applied = applyBlock(genesis, block1.block, PARAMS);
  if (!applied.ok) throw new Error(`gen-vectors: ${applied.code} ${applied.reason}`);

  const leaves = Array.from({ length: 9 }, (_, i) => sha256(Buffer.from(`leaf-${i}`, 'ascii')));
  const proofIndex = 5;
  const proofCount = 7;

  const compactTargets = [
    0xffffn << BigInt(8 * (0x1d - 3)),
    0x123456789abcdefn,
    0x80n,
    0x7fffffn,
    0x800000n,
    (1n << 256n) - 1n,
  ];

  return {
    description:
      'GridPeer canonical encoding vectors, generated by scripts/gen-vectors.ts from fixed seeds and timestamps. ' +
      'Hex is lowercase; amounts are decimal strings of micro-coins; bits are compact targets.',
    chainParams: { chainId: PARAMS.chainId, blockRewardMicro: PARAMS.blockRewardMicro.toString() },
    pow: { difficultyBits: POW_DIFFICULTY_BITS, bits: genesisHeader.bits },
    keys: named.map(([name]) => ({
      name,
      seed: toHex(key(name).privateKey),
      publicKey: toHex(key(name).publicKey),
      address: key(name).address,
    })),
    transactions: [
      txVector('transfer-basic', 'alice', transferBasic),
      txVector('transfer-energy-fee', 'bob', transferEnergy),
      txVector('transfer-follow-up', 'alice', transferFollowUp),
      txVector('transfer-extreme-values', 'carol', transferExtreme),
      txVector('reward-block-1', null, reward1),
    ],
    blocks: [
      blockVector('genesis', genesisBlock, [], genesis),
      blockVector(
        'block-1',
        block1.block,
        ['reward-block-1', 'transfer-basic', 'transfer-energy-fee', 'transfer-follow-up'],
        block1.state,
      ),
    ],
    merkle: {
      leaves: leaves.map(toHex),
      roots: Array.from({ length: 10 }, (_, count) => ({ count, root: toHex(merkleRoot(leaves.slice(0, count))) })),
      proof: {
        count: proofCount,
        index: proofIndex,
        root: toHex(merkleRoot(leaves.slice(0, proofCount))),
        steps: merkleProof(leaves.slice(0, proofCount), proofIndex).map((step) => ({
          sibling: toHex(step.sibling),
          siblingOnLeft: step.siblingOnLeft,
        })),
      },
    },
    state: {
      allocations: allocations.map((a) => ({ address: a.address, balanceMicro: a.balanceMicro.toString() })),
      entries: [...genesis.sortedEntries()].map(([entryKey, value]) => ({ key: entryKey, value: toHex(value) })),
      supplyMicro: genesis.supplyMicro().toString(),
      root: toHex(genesis.root()),
    },
    compact: {
      leadingZeroBits: [1, 6, 8, 16, 20, 24, 32, 64].map((bits) => ({
        leadingZeroBits: bits,
        target: hex64(targetForLeadingZeroBits(bits)),
        bits: targetToBits(targetForLeadingZeroBits(bits)),
      })),
      targets: compactTargets.map((target) => ({
        target: hex64(target),
        bits: targetToBits(target),
        decoded: hex64(bitsToTarget(targetToBits(target))),
      })),
    },
  };
}

/** The exact file text: two-space JSON and a final newline. */
export function renderVectors(vectors: LedgerVectors): string {
  return `${JSON.stringify(vectors, null, 2)}\n`;
}

function main(): void {
  const text = renderVectors(buildVectors());
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(VECTORS_PATH, 'utf8');
    } catch {
      // A missing file is out of date too.
    }
    if (current !== text) {
      console.error(`${VECTORS_PATH} is out of date; run: npx tsx scripts/gen-vectors.ts`);
      process.exit(1);
    }
    console.log(`${VECTORS_PATH} is up to date`);
    return;
  }
  writeFileSync(VECTORS_PATH, text);
  console.log(`wrote ${VECTORS_PATH}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
