/**
 * @module units/random
 * Seeded randomness for everything that must replay byte for byte (DESIGN.md §6 determinism: "a scenario + seed
 * gives identical trades"): simulations, benchmarks, test schedules. Pure layers never call `Math.random`; they
 * take one of these.
 */

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): a uniform double in [0, 1) per call, the same sequence for the
 * same seed on every platform (32-bit integer arithmetic only). Not for cryptography.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
