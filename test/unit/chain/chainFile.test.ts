import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  CHAIN_FILE_FORMAT,
  type ChainFile,
  chainToFile,
  parseChainFile,
  verifyChainFile,
} from '../../../src/chain/chainFile.js';
import { genesisConfigToJSON } from '../../../src/chain/genesis.js';
import { Miner } from '../../../src/chain/miner.js';
import { toHex } from '../../../src/crypto/index.js';
import { type Block, blockHashHex, encodeBlock } from '../../../src/ledger/block.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';
import {
  alice,
  bob,
  carol,
  minerA,
  openTestChain,
  type TestChainContext,
  testConsensus,
  transfer,
} from '../../helpers/chainFixtures.js';

let ctx: TestChainContext;
let blocks: Block[];

before(async () => {
  ctx = await openTestChain();
  const miner = new Miner(ctx.chain, minerA.address);
  ctx.chain.addTransaction(transfer(alice, bob.address, 10n, 0));
  await miner.mineBlocks(1);
  ctx.chain.addTransaction(transfer(alice, bob.address, 20n, 1, { feeMicro: 1n }));
  ctx.chain.addTransaction(transfer(bob, carol.address, 30n, 0, { feeMicro: 2n }));
  await miner.mineBlocks(1);
  ctx.chain.addTransaction(transfer(carol, alice.address, 40n, 0));
  await miner.mineBlocks(2);
  blocks = await ctx.chain.getCanonicalBlocks();
  assert.equal(blocks.length, 5);
  assert.equal(blocks[2]!.txs.length, 3);
});

function exported(): ChainFile {
  return JSON.parse(JSON.stringify(chainToFile(ctx.config, blocks))) as ChainFile;
}

describe('chainToFile', () => {
  it('writes the format, the genesis configuration, the head and every block', () => {
    const file = chainToFile(ctx.config, blocks);
    assert.equal(file.format, CHAIN_FILE_FORMAT);
    assert.deepEqual(file.genesis, genesisConfigToJSON(ctx.config));
    assert.equal(file.height, 4);
    assert.equal(file.headHash, ctx.chain.head.hash);
    assert.deepEqual(
      file.blocks.map((b) => b.hash),
      blocks.map(blockHashHex),
    );
    assert.equal(file.blocks[2]!.txs[1]!.amountMicro, '30');
  });

  it('an empty chain has an empty head', () => {
    const file = chainToFile(ctx.config, []);
    assert.equal(file.height, -1);
    assert.equal(file.headHash, '');
  });
});

describe('files without recorded hashes', () => {
  it('verify by the rules alone, and an edited amount is still caught at its block', () => {
    const stripped = exported();
    for (const block of stripped.blocks) delete (block as { hash?: string }).hash;
    const parsed = parseChainFile(stripped);
    assert.deepEqual(
      parsed.recordedHashes,
      blocks.map(() => undefined),
    );
    assert.equal(verifyChainFile(parsed, testConsensus(parsed.config), { nowMs: ctx.clock.nowMs() }).ok, true);
    stripped.blocks[2]!.txs[1]!.amountMicro = '31';
    const tampered = verifyChainFile(parseChainFile(stripped), testConsensus(parsed.config), {
      nowMs: ctx.clock.nowMs(),
    });
    assert.ok(!tampered.ok);
    assert.equal(tampered.code, 'BLOCK_BAD_TX_ROOT');
    assert.equal(tampered.blockHeight, 2);
  });

  it('a recorded hash that is not a string is INVALID_CHAIN_FILE naming it', () => {
    const file = exported() as unknown as { blocks: Array<Record<string, unknown>> };
    file.blocks[1]!['hash'] = 42;
    assertThrowsCoded(() => parseChainFile(file), 'INVALID_CHAIN_FILE', 'blocks[1].hash');
  });
});

describe('parseChainFile', () => {
  it('reads back the same blocks, hashes and configuration through JSON text', () => {
    const parsed = parseChainFile(exported());
    assert.equal(toHex(parsed.config.configHash), toHex(ctx.config.configHash));
    assert.deepEqual(parsed.config.params, ctx.config.params);
    assert.equal(parsed.blocks.length, blocks.length);
    for (let i = 0; i < blocks.length; i++) {
      assert.deepEqual(encodeBlock(parsed.blocks[i]!), encodeBlock(blocks[i]!), `block ${i}`);
    }
    assert.deepEqual(parsed.recordedHashes, blocks.map(blockHashHex));
    const result = verifyChainFile(parsed, testConsensus(parsed.config), {
      nowMs: ctx.clock.nowMs(),
      expectedHeadHash: ctx.chain.head.hash,
    });
    assert.equal(result.ok, true, result.ok ? '' : `${result.code}: ${result.reason}`);
  });

  it('rejects a document that is not an object, or of another format', () => {
    assertThrowsCoded(() => parseChainFile([]), 'INVALID_CHAIN_FILE', '');
    assertThrowsCoded(() => parseChainFile(null), 'INVALID_CHAIN_FILE', '');
    assertThrowsCoded(
      () => parseChainFile({ ...exported(), format: 'gridpeer-chain/0' }),
      'INVALID_CHAIN_FILE',
      'format',
    );
  });

  const malformed: Array<[string, (file: ChainFile) => void, string]> = [
    ['blocks that is not an array', (f) => Object.assign(f, { blocks: {} }), 'blocks'],
    [
      'a transaction amount that is not a number',
      (f) => (f.blocks[2]!.txs[1]!.amountMicro = '3x'),
      'blocks[2].txs[1].amountMicro',
    ],
    ['a negative fee', (f) => (f.blocks[2]!.txs[2]!.feeMicro = '-1'), 'blocks[2].txs[2].feeMicro'],
    ['a short signature', (f) => (f.blocks[1]!.txs[1]!.signature = 'abcd'), 'blocks[1].txs[1].signature'],
    ['a bad recipient', (f) => (f.blocks[3]!.txs[1]!.to = 'gp1234'), 'blocks[3].txs[1].to'],
    ['a missing nonce', (f) => Reflect.deleteProperty(f.blocks[1]!.txs[1]!, 'nonce'), 'blocks[1].txs[1].nonce'],
    [
      'an unknown transaction kind',
      (f) => Object.assign(f.blocks[2]!.txs[1]!, { kind: 'gift' }),
      'blocks[2].txs[1].kind',
    ],
    ['txs that is not an array', (f) => Object.assign(f.blocks[4]!, { txs: 'none' }), 'blocks[4].txs'],
    [
      'a header nonce that is not a decimal string',
      (f) => Object.assign(f.blocks[1]!.header, { nonce: 12 }),
      'blocks[1].header.nonce',
    ],
    ['a short prevHash', (f) => (f.blocks[3]!.header.prevHash = '00'), 'blocks[3].header.prevHash'],
    ['a negative header timestamp', (f) => (f.blocks[2]!.header.timestampMs = -1), 'blocks[2].header.timestampMs'],
    ['a bad miner address', (f) => (f.blocks[2]!.header.miner = 'nobody'), 'blocks[2].header.miner'],
    ['a missing header', (f) => Reflect.deleteProperty(f.blocks[3]!, 'header'), 'blocks[3].header'],
    [
      'a bad genesis allocation',
      (f) => ((f.genesis['alloc'] as Array<Record<string, string>>)[0]!['address'] = 'gp'),
      'genesis.alloc[0].address',
    ],
    ['a genesis of another format', (f) => (f.genesis['format'] = 'x'), 'genesis.format'],
  ];
  for (const [what, edit, field] of malformed) {
    it(`${what} → INVALID_CHAIN_FILE at ${field}`, () => {
      const file = exported();
      edit(file);
      const error = assertThrowsCoded(() => parseChainFile(file), 'INVALID_CHAIN_FILE', field);
      assert.ok(error.message.startsWith(field), error.message);
    });
  }
});
