import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type ChainFile, chainToFile, parseChainFile, verifyChainFile } from '../../../src/chain/chainFile.js';
import { parseGenesisConfig } from '../../../src/chain/genesis.js';
import { type VerifyChainResult, verifyChain } from '../../../src/chain/verifyChain.js';
import type { Consensus } from '../../../src/consensus/index.js';
import { toHex } from '../../../src/crypto/index.js';
import { type Block, headerFromJSON, headerHash, headerToJSON } from '../../../src/ledger/block.js';
import {
  alice,
  bob,
  carol,
  dave,
  importAll,
  openTestChain,
  type TestChainContext,
  testConsensus,
  testGenesisJson,
  transfer,
} from '../../helpers/chainFixtures.js';

let ctx: TestChainContext;
let blocks: Block[];
let consensus: Consensus;
let nowMs: number;

before(async () => {
  ctx = await openTestChain();
  const txsAt = [
    [transfer(alice, bob.address, 1_000n, 0, { feeMicro: 1n })],
    [transfer(bob, carol.address, 2_000n, 0), transfer(alice, carol.address, 3_000n, 1, { feeMicro: 2n })],
    [transfer(carol, dave.address, 500n, 0), transfer(dave, alice.address, 400n, 0)],
    [],
    [transfer(alice, dave.address, 9n, 2)],
  ];
  const forged = await ctx.forge.extendMany(ctx.chain.genesisHash, txsAt.length, { txsAt: (i) => txsAt[i]! });
  assert.deepEqual(
    await importAll(
      ctx.chain,
      forged.map((f) => f.block),
    ),
    ['head', 'head', 'head', 'head', 'head'],
  );
  blocks = await ctx.chain.getCanonicalBlocks();
  consensus = testConsensus(ctx.config);
  nowMs = ctx.clock.nowMs();
});

/** The exported chain as a parsed JSON document (what `chain export` writes), fresh for each edit. */
function exported(): ChainFile {
  return JSON.parse(JSON.stringify(chainToFile(ctx.config, blocks))) as ChainFile;
}

function verifyFile(file: unknown, expectedHeadHash?: string): VerifyChainResult {
  const parsed = parseChainFile(file);
  return verifyChainFile(parsed, consensus, expectedHeadHash === undefined ? { nowMs } : { nowMs, expectedHeadHash });
}

function assertFailure(
  result: VerifyChainResult,
  code: string,
  blockHeight: number,
  validHeight = Math.max(-1, blockHeight - 1),
): void {
  assert.equal(result.ok, false, `expected ${code} at ${blockHeight}, but the chain verified`);
  if (result.ok) return;
  assert.equal(result.code, code, result.reason);
  assert.equal(result.blockHeight, blockHeight, result.reason);
  assert.equal(result.validHeight, validHeight);
}

/** Re-seals an edited header (another valid nonce), so only its hash changes. */
async function reseal(header: ReturnType<typeof headerToJSON>): Promise<ReturnType<typeof headerToJSON>> {
  const parsed = headerFromJSON(header);
  let nonce = parsed.nonce + 1n;
  while (!consensus.verifySeal({ ...parsed, nonce }).ok) nonce++;
  return headerToJSON({ ...parsed, nonce });
}

describe('verifyChain', () => {
  it('verifies the chain a node built and returns its head and state', () => {
    const result = verifyChain(ctx.config, consensus, blocks, { nowMs, expectedHeadHash: ctx.chain.head.hash });
    assert.equal(result.ok, true, result.ok ? '' : `${result.code}: ${result.reason}`);
    if (!result.ok) return;
    assert.equal(result.height, 5);
    assert.equal(result.headHash, ctx.chain.head.hash);
    assert.equal(toHex(result.state.root()), toHex(ctx.chain.state.root()));
  });

  it('verifies a prefix, and the genesis block alone', () => {
    const prefix = verifyChain(ctx.config, consensus, blocks.slice(0, 3), { nowMs });
    assert.equal(prefix.ok && prefix.headHash, toHex(headerHash(blocks[2]!.header)));
    const genesisOnly = verifyChain(ctx.config, consensus, blocks.slice(0, 1), { nowMs });
    assert.equal(genesisOnly.ok && genesisOnly.height, 0);
  });

  it('CHAIN_EMPTY for no blocks', () => {
    const result = verifyChain(ctx.config, consensus, [], { nowMs });
    assert.equal(result.ok ? '' : result.code, 'CHAIN_EMPTY');
  });

  it('CHAIN_HEAD_MISMATCH when the chain does not end at the expected head', () => {
    const result = verifyChain(ctx.config, consensus, blocks.slice(0, 4), {
      nowMs,
      expectedHeadHash: ctx.chain.head.hash,
    });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.code, 'CHAIN_HEAD_MISMATCH');
    assert.equal(result.blockHeight, 3);
    assert.equal(result.validHeight, 3);
  });

  it('BLOCK_TIME_TOO_NEW for blocks ahead of the verifier’s clock', () => {
    const early = blocks[2]!.header.timestampMs - ctx.config.params.maxFutureDriftMs - 1;
    const result = verifyChain(ctx.config, consensus, blocks, { nowMs: early });
    assertFailure(result, 'BLOCK_TIME_TOO_NEW', 2);
  });

  it('BLOCK_BAD_GENESIS for another network’s configuration', () => {
    const other = parseGenesisConfig({ ...testGenesisJson(), name: 'elsewhere' });
    assertFailure(verifyChain(other, consensus, blocks, { nowMs }), 'BLOCK_BAD_GENESIS', 0);
  });
});

describe('verifying a tampered chain file names the block and the rule', () => {
  it('the untouched export verifies, with the expected head', () => {
    const result = verifyFile(exported(), ctx.chain.head.hash);
    assert.equal(result.ok, true, result.ok ? '' : `${result.code}: ${result.reason}`);
  });

  it('an edited transaction amount → BLOCK_BAD_TX_ROOT at its block', () => {
    const file = exported();
    file.blocks[2]!.txs[1]!.amountMicro = '3001';
    assertFailure(verifyFile(file), 'BLOCK_BAD_TX_ROOT', 2);
  });

  it('an edited transaction (recorded tx hash updated too) is still caught by the Merkle root', () => {
    const file = exported();
    const tx = file.blocks[3]!.txs[2]!;
    tx.to = bob.address;
    tx.hash = '00'.repeat(32);
    assertFailure(verifyFile(file), 'BLOCK_BAD_TX_ROOT', 3);
  });

  it('an edited header timestamp with the recorded hash kept → BLOCK_HASH_MISMATCH at that block', () => {
    const file = exported();
    file.blocks[3]!.header.timestampMs += 1;
    assertFailure(verifyFile(file), 'BLOCK_HASH_MISMATCH', 3);
  });

  it('an edited genesis header with its hash kept → BLOCK_BAD_GENESIS at 0', () => {
    const file = exported();
    file.blocks[0]!.header.timestampMs += 1;
    assertFailure(verifyFile(file), 'BLOCK_BAD_GENESIS', 0);
  });

  it('an edited header timestamp with the recorded hash updated → BLOCK_BAD_POW at that block', () => {
    const file = exported();
    const header = file.blocks[2]!.header;
    // The smallest edit whose new hash misses the target (almost every edit does at this difficulty).
    let delta = 1;
    while (consensus.verifySeal(headerFromJSON({ ...header, timestampMs: header.timestampMs + delta })).ok) delta++;
    header.timestampMs += delta;
    const hash = toHex(headerHash(headerFromJSON(header)));
    header.hash = hash;
    file.blocks[2]!.hash = hash;
    assertFailure(verifyFile(file), 'BLOCK_BAD_POW', 2);
  });

  it('a re-sealed header (new valid nonce) with its hash updated → the next block fails BLOCK_BAD_PREV_HASH', async () => {
    const file = exported();
    const header = await reseal(file.blocks[2]!.header);
    file.blocks[2]!.header = header;
    file.blocks[2]!.hash = header.hash;
    assertFailure(verifyFile(file), 'BLOCK_BAD_PREV_HASH', 3);
  });

  it('a removed block → BLOCK_BAD_HEIGHT where the gap is', () => {
    const file = exported();
    file.blocks.splice(2, 1);
    assertFailure(verifyFile(file), 'BLOCK_BAD_HEIGHT', 2);
  });

  it('two blocks swapped → BLOCK_BAD_HEIGHT at the first swapped position', () => {
    const file = exported();
    [file.blocks[3], file.blocks[4]] = [file.blocks[4]!, file.blocks[3]!];
    assertFailure(verifyFile(file), 'BLOCK_BAD_HEIGHT', 3);
  });

  it('a block replaced by a renumbered copy of another → BLOCK_BAD_PREV_HASH', async () => {
    const file = exported();
    const copy = structuredClone(file.blocks[1]!);
    copy.header = await reseal({ ...copy.header, height: 2 });
    copy.hash = copy.header.hash;
    file.blocks[2] = copy;
    assertFailure(verifyFile(file), 'BLOCK_BAD_PREV_HASH', 2);
  });

  it('another genesis configuration → BLOCK_BAD_GENESIS at 0', () => {
    const file = exported();
    (file.genesis['alloc'] as Array<Record<string, string>>)[0]!['balanceMicro'] = '100000001';
    assertFailure(verifyFile(file), 'BLOCK_BAD_GENESIS', 0);
  });

  it('another genesis block → BLOCK_BAD_GENESIS at 0', () => {
    const file = exported();
    file.blocks[0] = exported().blocks[1]!;
    assertFailure(verifyFile(file), 'BLOCK_BAD_GENESIS', 0);
  });

  it('a head other than the expected one → CHAIN_HEAD_MISMATCH at the file’s head', () => {
    const file = exported();
    file.blocks.pop();
    const result = verifyFile(file, ctx.chain.head.hash);
    assertFailure(result, 'CHAIN_HEAD_MISMATCH', 4, 4);
    // Without an expectation the shorter chain is valid.
    assert.equal(verifyFile(file).ok, true);
  });
});
