import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  bitsToTarget,
  hashMeetsTarget,
  leadingZeroBits,
  normalizeBits,
  targetForLeadingZeroBits,
  targetToBits,
  targetToBytes,
} from '../../src/consensus/pow/target.js';
import { runs, u32 } from '../helpers/arbitraries.js';

const target256 = fc.bigInt({ min: 1n, max: (1n << 256n) - 1n });

describe('compact targets (property)', () => {
  it('bits → target → bits is the identity on encoded bits (idempotent round trip)', () => {
    fc.assert(
      fc.property(target256, (target) => {
        const bits = targetToBits(target);
        assert.equal(targetToBits(bitsToTarget(bits)), bits);
        assert.equal(normalizeBits(bits), bits);
      }),
      runs(2_000),
    );
  });

  it('encoding truncates: the decoded target is at most the original and within 2^-15 of it', () => {
    fc.assert(
      fc.property(target256, (target) => {
        const decoded = bitsToTarget(targetToBits(target));
        assert.ok(decoded <= target);
        assert.ok((target - decoded) << 15n < decoded);
      }),
      runs(2_000),
    );
  });

  it('the encoded mantissa never has the sign bit set', () => {
    fc.assert(
      fc.property(target256, (target) => {
        assert.equal(targetToBits(target) & 0x00800000, 0);
      }),
      runs(1_000),
    );
  });

  it('normalizeBits is idempotent and keeps the target of any 32-bit value', () => {
    fc.assert(
      fc.property(u32, (bits) => {
        const normal = normalizeBits(bits);
        assert.equal(normalizeBits(normal), normal);
        assert.equal(bitsToTarget(normal), bitsToTarget(bits));
      }),
      runs(2_000),
    );
  });

  it('a hash meets the target for L bits exactly when it has L leading zero bits', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer({ min: 0, max: 256 }), (hash, zeros) => {
        // Clear the first `zeros` bits so both outcomes occur often.
        const shaped = hash.slice();
        for (let bit = 0; bit < zeros; bit++) shaped[bit >> 3]! &= ~(0x80 >> (bit & 7));
        for (const bits of [1, 8, 16, Math.max(1, zeros), Math.min(255, zeros + 1)]) {
          assert.equal(hashMeetsTarget(shaped, targetForLeadingZeroBits(bits)), leadingZeroBits(shaped) >= bits);
        }
      }),
      runs(1_000),
    );
  });

  it('targetToBytes is the 32-byte big-endian form of the target', () => {
    fc.assert(
      fc.property(target256, (target) => {
        assert.equal(BigInt(`0x${Buffer.from(targetToBytes(target)).toString('hex')}`), target);
      }),
      runs(1_000),
    );
  });
});
