import assert from 'node:assert/strict';
import { type ErrorCode, GridPeerError } from '../../src/errors/index.js';

/** Asserts `fn` throws a GridPeerError with `code` (and `details.field` when given); returns the error. */
export function assertThrowsCoded(fn: () => unknown, code: ErrorCode, field?: string): GridPeerError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof GridPeerError, `expected a GridPeerError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (field !== undefined) assert.equal(caught.details['field'], field, caught.message);
  return caught;
}

/** Any validation outcome: a ValidationResult, applyTx's result, applyBlock's result. */
export type Outcome = { readonly ok: boolean; readonly code?: string; readonly reason?: string };

/** Asserts a validation result is a failure with `code`. */
export function assertRejects(result: Outcome, code: string): void {
  assert.equal(result.ok, false, `expected ${code}, but the check passed`);
  assert.equal(result.code, code, result.reason);
}

/** Asserts a validation result passed, showing the failure's code and reason otherwise. */
export function assertValid(result: Outcome): void {
  assert.equal(result.ok, true, result.ok ? '' : `${result.code}: ${result.reason}`);
}

/**
 * A structural copy where every byte array (Buffer or Uint8Array) becomes a plain Uint8Array, so values built
 * from hashes (Buffers from node:crypto) compare equal to decoded ones (Uint8Arrays) with deepStrictEqual.
 */
export function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = plain(inner);
    return out;
  }
  return value;
}

/** deepStrictEqual after {@link plain}: same fields, same bytes, same bigint/number types. */
export function assertSameValue(actual: unknown, expected: unknown, message?: string): void {
  assert.deepStrictEqual(plain(actual), plain(expected), message);
}
