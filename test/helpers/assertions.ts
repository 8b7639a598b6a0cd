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
