/**
 * Validation returns a result, it does not throw (DESIGN.md §6; bitcoin `consensus/validation.h`).
 * A rejection carries the rule's code (e.g. `TX_BAD_SIGNATURE`), a sentence naming the rule and the
 * offending value, and where it happened (block height/hash, transaction index) when known.
 */
export type ValidationFailure = {
  readonly ok: false;
  /** Stable CONSTANT_CASE name of the broken rule. */
  readonly code: string;
  /** Human-readable: which field, which rule, which value. */
  readonly reason: string;
  readonly blockHeight?: number;
  readonly blockHash?: string;
  readonly txIndex?: number;
  readonly txHash?: string;
};

export type ValidationResult = { readonly ok: true } | ValidationFailure;

export const VALID: ValidationResult = Object.freeze({ ok: true });

export function invalid(code: string, reason: string): ValidationFailure {
  return { ok: false, code, reason };
}

/** Adds location information to a failure (keeps fields that are already set). */
export function locate(
  failure: ValidationFailure,
  where: { blockHeight?: number; blockHash?: string; txIndex?: number; txHash?: string },
): ValidationFailure {
  return { ...where, ...failure };
}
