import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { powSearch } from '../../../../src/consensus/pow/search.js';
import { hashMeetsTarget, targetForLeadingZeroBits, targetToBytes } from '../../../../src/consensus/pow/target.js';
import { type BlockHeader, encodeHeader, HEADER_NONCE_OFFSET } from '../../../../src/ledger/block.js';
import { TestChain } from '../../../helpers/ledgerFixtures.js';

const LOW_SPACE = 2 ** 32;

/** First nonce `high·2^32 + low` (low from startLow) whose node:crypto SHA-256 is below the target, or -1. */
function bruteForce(header: Uint8Array, high: number, startLow: number, count: number, target: bigint): number {
  const buf = Buffer.from(header);
  for (let low = startLow; low < startLow + count; low++) {
    buf.writeUInt32BE(high, HEADER_NONCE_OFFSET);
    buf.writeUInt32BE(low, HEADER_NONCE_OFFSET + 4);
    if (hashMeetsTarget(createHash('sha256').update(buf).digest(), target)) return low;
  }
  return -1;
}

let base: BlockHeader;

function headerBytes(timestampOffsetMs: number, extraLength = 0): Uint8Array {
  const extra = new Uint8Array(extraLength).map((_, i) => (i * 37 + 11) & 0xff);
  return encodeHeader({ ...base, timestampMs: base.timestampMs + timestampOffsetMs, extra, nonce: 0n });
}

before(async () => {
  const chain = await TestChain.create();
  base = (await chain.addBlock()).block.header;
});

describe('powSearch', () => {
  it('finds the first nonce below the target, as a brute-force node:crypto loop does', () => {
    const target = targetForLeadingZeroBits(8);
    for (let i = 0; i < 12; i++) {
      const header = headerBytes(i);
      const expected = bruteForce(header, 0, 0, 1 << 14, target);
      assert.ok(expected >= 0);
      assert.equal(
        powSearch(header, HEADER_NONCE_OFFSET, 0, 0, 1 << 14, targetToBytes(target)),
        expected,
        `header ${i}`,
      );
    }
  });

  it('starts at startLow: resuming after a find gives the next one', () => {
    const target = targetForLeadingZeroBits(6);
    const header = headerBytes(100);
    const targetBytes = targetToBytes(target);
    let low = 0;
    for (let k = 0; k < 5; k++) {
      const found = powSearch(header, HEADER_NONCE_OFFSET, 0, low, 1 << 14, targetBytes);
      assert.equal(found, bruteForce(header, 0, low, 1 << 14, target));
      low = found + 1;
    }
  });

  it('puts nonceHigh in the high word of the nonce', () => {
    const target = targetForLeadingZeroBits(8);
    const header = headerBytes(7);
    for (const high of [1, 0x7fffffff, 0x80000000, 0xffffffff]) {
      assert.equal(
        powSearch(header, HEADER_NONCE_OFFSET, high, 0, 1 << 14, targetToBytes(target)),
        bruteForce(header, high, 0, 1 << 14, target),
        `high 0x${high.toString(16)}`,
      );
    }
  });

  it('handles low words at and above 2^31 (signed 32-bit wrap)', () => {
    const target = targetForLeadingZeroBits(5);
    const header = headerBytes(3);
    for (const start of [2 ** 31 - 50, LOW_SPACE - 2000]) {
      const found = powSearch(header, HEADER_NONCE_OFFSET, 0, start, 2000, targetToBytes(target));
      assert.equal(found, bruteForce(header, 0, start, 2000, target), `start ${start}`);
      assert.ok(found >= start);
    }
  });

  it('returns -1 when no nonce in the range meets the target', () => {
    assert.equal(powSearch(headerBytes(0), HEADER_NONCE_OFFSET, 0, 0, 5000, new Uint8Array(32)), -1);
  });

  it('returns -1 for an empty range', () => {
    assert.equal(powSearch(headerBytes(0), HEADER_NONCE_OFFSET, 0, 0, 0, targetToBytes(1n << 255n)), -1);
  });

  it('an all-ones target accepts the first nonce of the range', () => {
    assert.equal(powSearch(headerBytes(0), HEADER_NONCE_OFFSET, 0, 42, 10, new Uint8Array(32).fill(0xff)), 42);
  });

  it('does not modify the header it is given', () => {
    const header = headerBytes(9);
    const copy = header.slice();
    powSearch(header, HEADER_NONCE_OFFSET, 5, 0, 1000, targetToBytes(targetForLeadingZeroBits(8)));
    assert.deepEqual(header, copy);
  });

  // 145 + extra bytes: ≤ 183 bytes fit three SHA-256 blocks with the nonce in the last (fast path); longer
  // headers continue past the nonce block (generic path).
  for (const extraLength of [38, 39, 40, 60, 103, 128]) {
    it(`finds the first nonce for a ${145 + extraLength}-byte header`, () => {
      const target = targetForLeadingZeroBits(8);
      for (let i = 0; i < 3; i++) {
        const header = headerBytes(i, extraLength);
        assert.equal(header.length, 145 + extraLength);
        const expected = bruteForce(header, 2, 0, 1 << 14, target);
        assert.ok(expected >= 0);
        assert.equal(powSearch(header, HEADER_NONCE_OFFSET, 2, 0, 1 << 14, targetToBytes(target)), expected);
      }
    });
  }

  it('matches the brute force for targets that are not powers of two', () => {
    const header = headerBytes(55);
    for (const target of [0x00ab_cdefn << 224n, (0x0123n << 240n) | ((1n << 200n) - 1n), 0x3fffffn << 226n]) {
      const expected = bruteForce(header, 0, 0, 1 << 16, target);
      assert.ok(expected >= 0);
      assert.equal(powSearch(header, HEADER_NONCE_OFFSET, 0, 0, 1 << 16, targetToBytes(target)), expected);
    }
  });
});
