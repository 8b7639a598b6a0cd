import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reader, Writer } from '../../../src/ledger/codec.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';

describe('Writer', () => {
  it('writes integers big-endian', () => {
    const bytes = new Writer().u8(0x01).u16(0x0203).u32(0x04050607).u64(0x08090a0b0c0d0e0fn).finish();
    assert.deepEqual([...bytes], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  });

  it('u64n writes a safe integer as 8 bytes', () => {
    const bytes = new Writer().u64n(Number.MAX_SAFE_INTEGER).finish();
    assert.equal(Buffer.from(bytes).readBigUInt64BE(0), BigInt(Number.MAX_SAFE_INTEGER));
  });

  it('grows past its initial capacity without losing bytes', () => {
    const w = new Writer(1);
    for (let i = 0; i < 1000; i++) w.u8(i & 0xff);
    const bytes = w.finish();
    assert.equal(bytes.length, 1000);
    assert.ok(bytes.every((b, i) => b === (i & 0xff)));
  });

  it('finish returns a copy that later writes do not change', () => {
    const w = new Writer(64).u8(1);
    const first = w.finish();
    w.u8(2);
    assert.deepEqual([...first], [1]);
    assert.deepEqual([...w.finish()], [1, 2]);
  });

  it('fixed rejects a wrong length with CODEC_BAD_VALUE', () => {
    assertThrowsCoded(() => new Writer().fixed(new Uint8Array(31), 32), 'CODEC_BAD_VALUE');
  });

  it('bytes8 prefixes a u8 length and rejects more than 255 bytes with CODEC_OUT_OF_RANGE', () => {
    assert.deepEqual([...new Writer().bytes8(new Uint8Array([9, 9])).finish()], [2, 9, 9]);
    assert.equal(new Writer().bytes8(new Uint8Array(255)).finish().length, 256);
    assertThrowsCoded(() => new Writer().bytes8(new Uint8Array(256)), 'CODEC_OUT_OF_RANGE');
  });

  it('bytes32 prefixes a u32 length', () => {
    assert.deepEqual([...new Writer().bytes32(new Uint8Array([7])).finish()], [0, 0, 0, 1, 7]);
  });
});

describe('Reader', () => {
  const encoded = new Writer()
    .u8(0xfe)
    .u16(0xbeef)
    .u32(0xdeadbeef)
    .u64(2n ** 64n - 1n)
    .u64n(12345)
    .fixed(new Uint8Array([1, 2, 3]), 3)
    .bytes8(new Uint8Array([4, 5]))
    .bytes32(new Uint8Array([6]))
    .finish();

  it('reads back every type the Writer writes', () => {
    const r = new Reader(encoded);
    assert.equal(r.u8('a'), 0xfe);
    assert.equal(r.u16('b'), 0xbeef);
    assert.equal(r.u32('c'), 0xdeadbeef);
    assert.equal(r.u64('d'), 2n ** 64n - 1n);
    assert.equal(r.u64n('e'), 12345);
    assert.deepEqual([...r.fixed(3, 'f')], [1, 2, 3]);
    assert.deepEqual([...r.bytes8('g')], [4, 5]);
    assert.deepEqual([...r.bytes32('h', 10)], [6]);
    assert.equal(r.remaining, 0);
    assert.doesNotThrow(() => r.end());
  });

  it('tracks position and remaining', () => {
    const r = new Reader(new Uint8Array(10));
    r.u32('x');
    assert.equal(r.position, 4);
    assert.equal(r.remaining, 6);
  });

  it('reads only the bytes of a subarray view, not its backing buffer', () => {
    const backing = new Uint8Array([0xaa, 0x00, 0x01, 0xbb]);
    const r = new Reader(backing.subarray(1, 3));
    assert.equal(r.u16('x'), 1);
    assertThrowsCoded(() => r.u8('y'), 'CODEC_TRUNCATED', 'y');
  });

  it('fixed returns a copy independent of the input', () => {
    const input = new Uint8Array([1, 2]);
    const out = new Reader(input).fixed(2, 'x');
    input[0] = 9;
    assert.equal(out[0], 1);
  });

  it('every truncation of an encoding fails with CODEC_TRUNCATED naming the field being read', () => {
    const fields = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    for (let cut = 0; cut < encoded.length; cut++) {
      const r = new Reader(encoded.subarray(0, cut), 'sample');
      const error = assertThrowsCoded(() => {
        r.u8('a');
        r.u16('b');
        r.u32('c');
        r.u64('d');
        r.u64n('e');
        r.fixed(3, 'f');
        r.bytes8('g');
        r.bytes32('h', 10);
      }, 'CODEC_TRUNCATED');
      assert.ok(fields.includes(String(error.details['field'])), `cut ${cut}`);
      assert.match(error.message, /^sample: truncated/);
    }
  });

  it('end rejects trailing bytes with CODEC_TRAILING_BYTES and their count', () => {
    const r = new Reader(new Uint8Array(5));
    r.u16('x');
    const error = assertThrowsCoded(() => r.end(), 'CODEC_TRAILING_BYTES');
    assert.equal(error.details['trailing'], 3);
  });

  it('u64n rejects values above 2^53-1 with CODEC_OUT_OF_RANGE', () => {
    const bytes = new Writer().u64(BigInt(Number.MAX_SAFE_INTEGER) + 1n).finish();
    assertThrowsCoded(() => new Reader(bytes).u64n('timestampMs'), 'CODEC_OUT_OF_RANGE', 'timestampMs');
  });

  it('bytes8 and bytes32 reject declared lengths above the maximum with CODEC_OUT_OF_RANGE', () => {
    const short = new Writer().bytes8(new Uint8Array(10)).finish();
    assertThrowsCoded(() => new Reader(short).bytes8('extra', 9), 'CODEC_OUT_OF_RANGE', 'extra');
    const long = new Writer().u32(0xffffffff).finish();
    assertThrowsCoded(() => new Reader(long).bytes32('payload', 2048), 'CODEC_OUT_OF_RANGE', 'payload');
  });

  it('a declared length longer than the remaining bytes is CODEC_TRUNCATED', () => {
    const bytes = new Writer().u32(5).raw(new Uint8Array(4)).finish();
    assertThrowsCoded(() => new Reader(bytes).bytes32('payload', 100), 'CODEC_TRUNCATED', 'payload');
  });
});
