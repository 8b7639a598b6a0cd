import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { bytesEqual, toHex } from '../../../src/crypto/index.js';
import {
  type Block,
  type BlockHeader,
  blockFromJSON,
  blockHash,
  blockHashHex,
  blockToJSON,
  computeTxRoot,
  decodeBlock,
  decodeHeader,
  encodeBlock,
  encodeHeader,
  HEADER_BASE_BYTES,
  HEADER_NONCE_OFFSET,
  headerFromJSON,
  headerHash,
  headerToJSON,
  MAX_BLOCK_TXS_DECODE,
  MAX_HEADER_EXTRA_BYTES,
} from '../../../src/ledger/block.js';
import { Writer } from '../../../src/ledger/codec.js';
import { merkleRoot } from '../../../src/ledger/merkle.js';
import { encodeTx, txHash } from '../../../src/ledger/tx.js';
import { assertSameValue, assertThrowsCoded } from '../../helpers/assertions.js';
import { alice, bob, carol, TestChain, transfer } from '../../helpers/ledgerFixtures.js';

let chain: TestChain;
let block: Block;

before(async () => {
  chain = await TestChain.create();
  await chain.addBlock([
    transfer(alice, bob.address, 1_000n, 0, { feeMicro: 10n }),
    transfer(bob, carol.address, 5n, 0),
  ]);
  block = chain.head.block;
});

function withExtra(header: BlockHeader, extra: Uint8Array): BlockHeader {
  return Object.freeze({ ...header, extra });
}

describe('header encoding', () => {
  it('is 145 bytes with an empty extra, laid out as documented', () => {
    const header = block.header;
    const bytes = Buffer.from(encodeHeader(header));
    assert.equal(bytes.length, HEADER_BASE_BYTES);
    assert.equal(bytes.readUInt32BE(0), header.version);
    assert.equal(bytes.readUInt32BE(4), header.height);
    assert.ok(bytesEqual(bytes.subarray(8, 40), header.prevHash));
    assert.ok(bytesEqual(bytes.subarray(40, 72), header.txRoot));
    assert.ok(bytesEqual(bytes.subarray(72, 104), header.stateRoot));
    assert.equal(bytes.readBigUInt64BE(104), BigInt(header.timestampMs));
    assert.equal(bytes.readUInt32BE(112), header.bits);
    assert.equal('gp' + bytes.subarray(116, 136).toString('hex'), header.miner);
    assert.equal(bytes.readBigUInt64BE(HEADER_NONCE_OFFSET), header.nonce);
    assert.equal(bytes.readUInt8(144), 0);
  });

  it('appends extra after a u8 length', () => {
    const bytes = encodeHeader(withExtra(block.header, new Uint8Array([1, 2, 3])));
    assert.equal(bytes.length, HEADER_BASE_BYTES + 3);
    assert.deepEqual([...bytes.subarray(144)], [3, 1, 2, 3]);
  });

  it('the block hash is SHA-256 of the encoded header', () => {
    const expected = createHash('sha256').update(encodeHeader(block.header)).digest('hex');
    assert.equal(toHex(headerHash(block.header)), expected);
    assert.equal(toHex(blockHash(block)), expected);
    assert.equal(blockHashHex(block), expected);
  });

  it('a non-frozen header is not cached: editing it changes the hash', () => {
    const header = { ...block.header };
    const first = toHex(headerHash(header));
    (header as { nonce: bigint }).nonce += 1n;
    assert.notEqual(toHex(headerHash(header)), first);
  });

  it('rejects a malformed miner with INVALID_ADDRESS', () => {
    assertThrowsCoded(() => encodeHeader({ ...block.header, miner: 'nobody' }), 'INVALID_ADDRESS', 'miner');
  });

  it('rejects a short prevHash with CODEC_BAD_VALUE', () => {
    assertThrowsCoded(() => encodeHeader({ ...block.header, prevHash: new Uint8Array(31) }), 'CODEC_BAD_VALUE');
  });
});

describe('decodeHeader', () => {
  it('round-trips a header', () => {
    const decoded = decodeHeader(encodeHeader(block.header));
    assertSameValue(decoded, block.header);
    assert.ok(Object.isFrozen(decoded));
  });

  it('round-trips a header with the longest extra', () => {
    const header = withExtra(block.header, new Uint8Array(MAX_HEADER_EXTRA_BYTES).fill(7));
    assertSameValue(decodeHeader(encodeHeader(header)), header);
  });

  it('rejects an extra longer than the limit with CODEC_OUT_OF_RANGE', () => {
    const header = withExtra(block.header, new Uint8Array(MAX_HEADER_EXTRA_BYTES + 1));
    assertThrowsCoded(() => decodeHeader(encodeHeader(header)), 'CODEC_OUT_OF_RANGE', 'header.extra');
  });

  it('every truncation fails with CODEC_TRUNCATED', () => {
    const bytes = encodeHeader(block.header);
    for (let cut = 0; cut < bytes.length; cut++)
      assertThrowsCoded(() => decodeHeader(bytes.subarray(0, cut)), 'CODEC_TRUNCATED');
  });

  it('trailing bytes fail with CODEC_TRAILING_BYTES', () => {
    const bytes = new Writer().raw(encodeHeader(block.header)).u8(0).finish();
    assertThrowsCoded(() => decodeHeader(bytes), 'CODEC_TRAILING_BYTES');
  });

  it('a timestamp above 2^53-1 fails with CODEC_OUT_OF_RANGE', () => {
    const bytes = encodeHeader(block.header).slice();
    bytes[104] = 0xff;
    assertThrowsCoded(() => decodeHeader(bytes), 'CODEC_OUT_OF_RANGE', 'header.timestampMs');
  });
});

describe('block encoding', () => {
  it('is the header, a u32 tx count, then each tx with a u32 length', () => {
    const bytes = Buffer.from(encodeBlock(block));
    const headerBytes = encodeHeader(block.header);
    assert.ok(bytesEqual(bytes.subarray(0, headerBytes.length), headerBytes));
    let at = headerBytes.length;
    assert.equal(bytes.readUInt32BE(at), block.txs.length);
    at += 4;
    for (const tx of block.txs) {
      const txBytes = encodeTx(tx);
      assert.equal(bytes.readUInt32BE(at), txBytes.length);
      assert.ok(bytesEqual(bytes.subarray(at + 4, at + 4 + txBytes.length), txBytes));
      at += 4 + txBytes.length;
    }
    assert.equal(at, bytes.length);
  });

  it('round-trips a block', () => {
    const decoded = decodeBlock(encodeBlock(block));
    assertSameValue(decoded, block);
    assert.equal(blockHashHex(decoded), blockHashHex(block));
    assert.ok(Object.isFrozen(decoded) && Object.isFrozen(decoded.txs));
  });

  it('round-trips the genesis block (no transactions)', () => {
    const genesis = chain.links[0]!.block;
    assert.equal(genesis.txs.length, 0);
    assertSameValue(decodeBlock(encodeBlock(genesis)), genesis);
  });

  it('every truncation fails with CODEC_TRUNCATED', () => {
    const bytes = encodeBlock(block);
    for (let cut = 0; cut < bytes.length; cut++)
      assertThrowsCoded(() => decodeBlock(bytes.subarray(0, cut)), 'CODEC_TRUNCATED');
  });

  it('trailing bytes fail with CODEC_TRAILING_BYTES', () => {
    const bytes = new Writer().raw(encodeBlock(block)).u8(0).finish();
    assertThrowsCoded(() => decodeBlock(bytes), 'CODEC_TRAILING_BYTES');
  });

  it(`a tx count above ${MAX_BLOCK_TXS_DECODE} fails with CODEC_OUT_OF_RANGE before reading transactions`, () => {
    const bytes = new Writer()
      .raw(encodeHeader(block.header))
      .u32(MAX_BLOCK_TXS_DECODE + 1)
      .finish();
    assertThrowsCoded(() => decodeBlock(bytes), 'CODEC_OUT_OF_RANGE', 'txCount');
  });

  it('a transaction length above the tx limit fails with CODEC_OUT_OF_RANGE', () => {
    const bytes = new Writer().raw(encodeHeader(block.header)).u32(1).u32(5000).finish();
    assertThrowsCoded(() => decodeBlock(bytes), 'CODEC_OUT_OF_RANGE', 'txs[0]');
  });

  it('a malformed transaction inside a block fails with the transaction’s codec error', () => {
    const txBytes = encodeTx(block.txs[1]!).slice();
    txBytes[5] = 99;
    const bytes = new Writer().raw(encodeHeader(block.header)).u32(1).bytes32(txBytes).finish();
    assertThrowsCoded(() => decodeBlock(bytes), 'CODEC_BAD_VALUE', 'kind');
  });
});

describe('computeTxRoot', () => {
  it('is the Merkle root of the transaction ids in order', () => {
    assert.ok(bytesEqual(computeTxRoot(block.txs), merkleRoot(block.txs.map(txHash))));
    assert.ok(bytesEqual(computeTxRoot(block.txs), block.header.txRoot));
  });

  it('depends on the order of the transactions', () => {
    assert.ok(!bytesEqual(computeTxRoot([...block.txs].reverse()), block.header.txRoot));
  });
});

describe('JSON views', () => {
  it('headerToJSON renders hex, decimal nonce and the hash', () => {
    const json = headerToJSON(block.header);
    assert.equal(json.hash, blockHashHex(block));
    assert.equal(json.prevHash, toHex(block.header.prevHash));
    assert.equal(json.nonce, block.header.nonce.toString());
    assert.equal(json.extra, '');
  });

  it('header JSON round-trips through JSON text', () => {
    const back = headerFromJSON(JSON.parse(JSON.stringify(headerToJSON(block.header))));
    assertSameValue(back, block.header);
    assert.ok(bytesEqual(encodeHeader(back), encodeHeader(block.header)));
  });

  it('header JSON round-trips a non-empty extra and a u64 nonce', () => {
    const header = Object.freeze({ ...block.header, extra: new Uint8Array([0xaa, 0xbb]), nonce: 2n ** 64n - 1n });
    assertSameValue(headerFromJSON(JSON.parse(JSON.stringify(headerToJSON(header)))), header);
  });

  it('a missing extra defaults to empty', () => {
    const { extra: _, ...json } = headerToJSON(block.header);
    assert.equal(headerFromJSON(json).extra.length, 0);
  });

  it('block JSON round-trips through JSON text', () => {
    const back = blockFromJSON(JSON.parse(JSON.stringify(blockToJSON(block))));
    assertSameValue(back, block);
    assert.ok(bytesEqual(encodeBlock(back), encodeBlock(block)));
  });

  const badHeaderFields: Array<[string, unknown, string, string]> = [
    ['nonce', 5, 'INVALID_ARGUMENT', 'header.nonce'],
    ['nonce', '-1', 'INVALID_ARGUMENT', 'header.nonce'],
    ['nonce', '18446744073709551616', 'INVALID_ARGUMENT', 'header.nonce'],
    ['miner', 'gp00', 'INVALID_ADDRESS', 'header.miner'],
    ['extra', 'zz', 'INVALID_HEX', 'header.extra'],
    ['extra', '00'.repeat(MAX_HEADER_EXTRA_BYTES + 1), 'INVALID_ARGUMENT', 'header.extra'],
    ['version', -1, 'INVALID_ARGUMENT', 'header.version'],
    ['height', 2 ** 32, 'INVALID_ARGUMENT', 'header.height'],
    ['prevHash', '00', 'INVALID_HEX', 'header.prevHash'],
    ['txRoot', undefined, 'INVALID_HEX', 'header.txRoot'],
    ['stateRoot', 'xy'.repeat(32), 'INVALID_HEX', 'header.stateRoot'],
    ['timestampMs', 1.5, 'INVALID_ARGUMENT', 'header.timestampMs'],
    ['bits', 2 ** 32, 'INVALID_ARGUMENT', 'header.bits'],
  ];
  for (const [name, value, code, field] of badHeaderFields) {
    it(`header ${name} = ${JSON.stringify(value)?.slice(0, 24)} is ${code} naming ${field}`, () => {
      const json = { ...headerToJSON(block.header), [name]: value };
      assertThrowsCoded(() => headerFromJSON(json), code as 'INVALID_ARGUMENT', field);
    });
  }

  it('a non-object header is INVALID_ARGUMENT naming "header"', () => {
    assertThrowsCoded(() => headerFromJSON([]), 'INVALID_ARGUMENT', 'header');
  });

  it('a block without a txs array is INVALID_ARGUMENT naming "txs"', () => {
    assertThrowsCoded(() => blockFromJSON({ header: headerToJSON(block.header), txs: {} }), 'INVALID_ARGUMENT', 'txs');
    assertThrowsCoded(() => blockFromJSON(null), 'INVALID_ARGUMENT', 'block');
  });

  it('a bad transaction inside block JSON names the transaction field', () => {
    const json = blockToJSON(block);
    json.txs[1] = { ...json.txs[1]!, amountMicro: 'lots' };
    assertThrowsCoded(() => blockFromJSON(json), 'INVALID_AMOUNT', 'amountMicro');
  });
});
