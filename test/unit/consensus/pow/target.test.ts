import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  bitsToTarget,
  hashMeetsTarget,
  leadingZeroBits,
  normalizeBits,
  targetForLeadingZeroBits,
  targetToBits,
  targetToBytes,
  workForTarget,
} from '../../../../src/consensus/pow/target.js';
import { fromHex } from '../../../../src/crypto/index.js';

const hashOf = (i: number) => new Uint8Array(createHash('sha256').update(`sample-${i}`).digest());

/** A 256-bit hash with exactly `zeros` leading zero bits followed by `fill` (0 or 1) bits. */
function hashWithLeadingZeros(zeros: number, fill: 0 | 1): Uint8Array {
  const rest = (1n << BigInt(256 - zeros)) - 1n;
  const value = (1n << BigInt(255 - zeros)) | (fill === 1 ? rest >> 1n : 0n);
  return targetToBytes(value);
}

describe('targetForLeadingZeroBits', () => {
  it('is 2^(256 - L)', () => {
    for (const bits of [1, 8, 16, 20, 32, 64, 255])
      assert.equal(targetForLeadingZeroBits(bits), 1n << BigInt(256 - bits));
  });

  it('16 bits (seed 000: four hex zeros) accepts exactly the hashes that start with "0000"', () => {
    const target = targetForLeadingZeroBits(16);
    assert.equal(hashMeetsTarget(fromHex(`0000${'f'.repeat(60)}`), target), true);
    assert.equal(hashMeetsTarget(fromHex(`0000${'0'.repeat(60)}`), target), true);
    assert.equal(hashMeetsTarget(fromHex(`0001${'0'.repeat(60)}`), target), false);
    assert.equal(hashMeetsTarget(fromHex(`000f${'f'.repeat(60)}`), target), false);
    assert.equal(hashMeetsTarget(fromHex(`f000${'0'.repeat(60)}`), target), false);
  });

  it('a hash meets the target for L bits exactly when it has at least L leading zero bits', () => {
    for (const bits of [1, 2, 4, 7, 8, 9, 12]) {
      const target = targetForLeadingZeroBits(bits);
      for (let i = 0; i < 600; i++) {
        const hash = hashOf(i);
        assert.equal(hashMeetsTarget(hash, target), leadingZeroBits(hash) >= bits, `L=${bits} i=${i}`);
      }
    }
  });

  it('the boundary hashes: L zeros then all ones meets L; one zero fewer does not', () => {
    for (const bits of [1, 16, 24, 100, 200]) {
      const target = targetForLeadingZeroBits(bits);
      assert.equal(hashMeetsTarget(hashWithLeadingZeros(bits, 1), target), true, `L=${bits}`);
      assert.equal(hashMeetsTarget(hashWithLeadingZeros(bits - 1, 0), target), false, `L=${bits}`);
    }
  });
});

describe('hashMeetsTarget', () => {
  it('is strict: a hash equal to the target does not meet it', () => {
    const target = targetForLeadingZeroBits(16);
    assert.equal(hashMeetsTarget(targetToBytes(target), target), false);
    assert.equal(hashMeetsTarget(targetToBytes(target - 1n), target), true);
  });

  it('a zero target admits no hash', () => {
    assert.equal(hashMeetsTarget(new Uint8Array(32), 0n), false);
  });
});

describe('leadingZeroBits', () => {
  it('counts across bytes', () => {
    assert.equal(leadingZeroBits(new Uint8Array(32)), 256);
    assert.equal(leadingZeroBits(fromHex(`80${'00'.repeat(31)}`)), 0);
    assert.equal(leadingZeroBits(fromHex(`01${'00'.repeat(31)}`)), 7);
    assert.equal(leadingZeroBits(fromHex(`0001${'ff'.repeat(30)}`)), 15);
    assert.equal(leadingZeroBits(fromHex(`000000${'10'.repeat(29)}`)), 27);
  });

  it('matches the length of the binary expansion', () => {
    for (let i = 0; i < 200; i++) {
      const hash = hashOf(i);
      const value = BigInt(`0x${Buffer.from(hash).toString('hex')}`);
      assert.equal(leadingZeroBits(hash), 256 - value.toString(2).length);
    }
  });
});

describe('compact bits', () => {
  it('round-trips every power-of-two target exactly', () => {
    for (let bits = 0; bits <= 255; bits++) {
      const target = targetForLeadingZeroBits(bits);
      assert.equal(bitsToTarget(targetToBits(target)), target, `L=${bits}`);
    }
  });

  it('decodes as mantissa × 256^(exponent − 3) (Bitcoin SetCompact)', () => {
    assert.equal(bitsToTarget(0x1d00ffff), 0xffffn << BigInt(8 * (0x1d - 3)));
    assert.equal(bitsToTarget(0x03123456), 0x123456n);
    assert.equal(bitsToTarget(0x04123456), 0x12345600n);
  });

  it('small exponents shift the mantissa right', () => {
    assert.equal(bitsToTarget(0x02123400), 0x1234n);
    assert.equal(bitsToTarget(0x01120000), 0x12n);
    assert.equal(bitsToTarget(0x00123456), 0n);
  });

  it('ignores the sign bit of the mantissa', () => {
    assert.equal(bitsToTarget(0x04923456), bitsToTarget(0x04123456));
  });

  it('encodes Bitcoin’s genesis target as 0x1d00ffff', () => {
    assert.equal(targetToBits(0xffffn << BigInt(8 * (0x1d - 3))), 0x1d00ffff);
  });

  it('truncates to three significant bytes, never rounding up', () => {
    const target = 0x123456789n;
    const bits = targetToBits(target);
    const back = bitsToTarget(bits);
    assert.equal(back, 0x123450000n);
    assert.ok(back <= target);
    // 0xffffff needs the sign-bit shift, which drops its last byte.
    assert.equal(bitsToTarget(targetToBits(0xffffffn)), 0xffff00n);
  });

  it('moves a mantissa with the sign bit set up one byte', () => {
    for (const target of [0x80n, 0x8000n, 0x800000n, 0x80n << 200n, 0xabcdn << 100n]) {
      const bits = targetToBits(target);
      assert.equal(bits & 0x00800000, 0, `target 0x${target.toString(16)}`);
      assert.equal(bitsToTarget(bits), target);
    }
  });

  it('encodes zero and negative targets as 0', () => {
    assert.equal(targetToBits(0n), 0);
    assert.equal(targetToBits(-5n), 0);
  });

  it('normalizeBits keeps canonical bits and rewrites non-canonical ones', () => {
    const canonical = targetToBits(targetForLeadingZeroBits(20));
    assert.equal(normalizeBits(canonical), canonical);
    assert.equal(normalizeBits(0x04001234), 0x03123400);
    assert.equal(bitsToTarget(normalizeBits(0x04001234)), bitsToTarget(0x04001234));
  });

  it('produces unsigned 32-bit values', () => {
    const bits = targetToBits((1n << 256n) - 1n);
    assert.ok(bits > 0 && bits <= 0xffffffff);
  });
});

describe('workForTarget', () => {
  it('is 2^256 / (target + 1): 2^L − 1 for L leading zero bits', () => {
    for (const bits of [1, 8, 16, 32])
      assert.equal(workForTarget(targetForLeadingZeroBits(bits)), (1n << BigInt(bits)) - 1n);
  });

  it('grows as the target shrinks', () => {
    assert.ok(workForTarget(targetForLeadingZeroBits(17)) > workForTarget(targetForLeadingZeroBits(16)));
  });

  it('is 0 for a non-positive target', () => {
    assert.equal(workForTarget(0n), 0n);
    assert.equal(workForTarget(-1n), 0n);
  });
});

describe('targetToBytes', () => {
  it('is 32 big-endian bytes', () => {
    const bytes = targetToBytes(0x0102n);
    assert.equal(bytes.length, 32);
    assert.equal(bytes[30], 1);
    assert.equal(bytes[31], 2);
    assert.ok(bytes.subarray(0, 30).every((b) => b === 0));
  });

  it('caps targets of 2^256 and above at all ones', () => {
    assert.ok(targetToBytes(1n << 256n).every((b) => b === 0xff));
    assert.ok(targetToBytes(1n << 300n).every((b) => b === 0xff));
  });
});
