/**
 * @module consensus/pow/target
 * PoW targets (MISSION L2). A block hash, read as a 256-bit big-endian integer, must be below the target.
 * Seed 000 §2.2 expresses difficulty as leading zero bits ("a value whose hash begins with a specific number of
 * zero bits"; its code required four hex zeros = 16 bits): `targetForLeadingZeroBits(L) = 2^(256−L)`, and
 * `hash < 2^(256−L)` exactly when the first L bits of the hash are zero. Retargeting then scales the target
 * continuously, so headers store it in Bitcoin's compact form (`bits`: 1 exponent byte, 3 mantissa bytes).
 */

const TWO_256 = 1n << 256n;

export function targetForLeadingZeroBits(leadingZeroBits: number): bigint {
  return 1n << BigInt(256 - leadingZeroBits);
}

/** Decodes compact `bits` to a target (Bitcoin `arith_uint256::SetCompact`, sign bit unused here). */
export function bitsToTarget(bits: number): bigint {
  const exponent = bits >>> 24;
  const mantissa = BigInt(bits & 0x007fffff);
  if (exponent <= 3) return mantissa >> BigInt(8 * (3 - exponent));
  return mantissa << BigInt(8 * (exponent - 3));
}

/** Encodes a target in compact form, truncating to 3 significant bytes (Bitcoin `GetCompact`). */
export function targetToBits(target: bigint): number {
  if (target <= 0n) return 0;
  let size = 0;
  for (let t = target; t > 0n; t >>= 8n) size++;
  let mantissa = size <= 3 ? Number(target << BigInt(8 * (3 - size))) : Number(target >> BigInt(8 * (size - 3)));
  // The 0x00800000 bit is the sign in Bitcoin's format: shift to keep the mantissa positive.
  if (mantissa & 0x00800000) {
    mantissa >>>= 8;
    size++;
  }
  return ((size << 24) | mantissa) >>> 0;
}

/** The canonical compact form of `bits` (what `targetToBits(bitsToTarget(bits))` yields). */
export function normalizeBits(bits: number): number {
  return targetToBits(bitsToTarget(bits));
}

/** Expected number of hashes to find a block at `target`: 2^256 / (target + 1) (Bitcoin `GetBlockProof`). */
export function workForTarget(target: bigint): bigint {
  if (target <= 0n) return 0n;
  return TWO_256 / (target + 1n);
}

/** Target as 32 big-endian bytes, for byte-wise comparison with a hash. */
export function targetToBytes(target: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let t = target >= TWO_256 ? TWO_256 - 1n : target;
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(t & 0xffn);
    t >>= 8n;
  }
  return out;
}

/** True when `hash` (big-endian) is strictly below `target`. */
export function hashMeetsTarget(hash: Uint8Array, target: bigint): boolean {
  return Buffer.compare(hash, targetToBytes(target)) < 0;
}

/** Leading zero bits of a hash: the seed's way to state the difficulty a hash reached. */
export function leadingZeroBits(hash: Uint8Array): number {
  let bits = 0;
  for (const byte of hash) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}
