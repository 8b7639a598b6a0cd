/**
 * @module errors
 * One coded error type for the whole project (DESIGN.md §6). Every failure that leaves a module carries a
 * stable CONSTANT_CASE `code` and structured `details`; only `api/` maps codes to HTTP statuses
 * (see {@link httpStatusFor}).
 */

/** Every error code the project can raise, with the HTTP status the API answers it with. */
export const ERROR_CODES = {
  // input decoding and encoding
  CODEC_TRUNCATED: 400,
  CODEC_TRAILING_BYTES: 400,
  CODEC_BAD_VALUE: 400,
  CODEC_OUT_OF_RANGE: 400,
  INVALID_ARGUMENT: 400,
  INVALID_HEX: 400,
  INVALID_ADDRESS: 400,
  INVALID_AMOUNT: 400,
  INVALID_KEY: 400,
  INVALID_CONFIG: 400,
  INVALID_CHAIN_FILE: 400,
  // ledger rules (validation codes used as thrown errors at the API edge)
  TX_INVALID: 422,
  BLOCK_INVALID: 422,
  // mempool policy
  MEMPOOL_DUPLICATE: 409,
  MEMPOOL_FULL: 503,
  MEMPOOL_FEE_TOO_LOW: 422,
  MEMPOOL_NONCE_GAP: 422,
  // chain and storage
  CHAIN_NOT_INITIALIZED: 409,
  CHAIN_ALREADY_INITIALIZED: 409,
  CHAIN_GENESIS_MISMATCH: 409,
  BLOCK_NOT_FOUND: 404,
  TX_NOT_FOUND: 404,
  STORE_CORRUPT: 500,
  STORE_CLOSED: 503,
  // mining
  MINING_ABORTED: 409,
  MINING_NONCE_SPACE_EXHAUSTED: 500,
  WORKER_FAILED: 500,
  // files
  FILE_NOT_FOUND: 404,
  FILE_EXISTS: 409,
  // HTTP edge and network
  INVALID_JSON: 400,
  BODY_TOO_LARGE: 413,
  NOT_FOUND: 404,
  UNAUTHORIZED: 401,
  ADMIN_DISABLED: 403,
  DEV_ONLY: 403,
  PEER_REJECTED: 409,
  PEER_UNREACHABLE: 502,
  NODE_START_FAILED: 500,
  // market
  MARKET_INVALID_INPUT: 400,
  MARKET_LP_FAILED: 500,
  // market contract: a transaction the market's state rules refuse (src/contract/); the API answers with the rule
  TX_KIND_UNSUPPORTED: 422,
  MARKET_DISABLED: 403,
  MARKET_BAD_PAYLOAD: 400,
  MARKET_BAD_MECHANISM: 400,
  MARKET_BAD_PARAMS: 400,
  MARKET_BAD_GRID_PRICES: 400,
  MARKET_BAD_SCHEDULE: 422,
  MARKET_ALREADY_OPEN: 409,
  MARKET_NOT_OPEN: 409,
  MARKET_STILL_CLEARING: 409,
  MARKET_CLOSED: 409,
  MARKET_GATE_CLOSED: 409,
  MARKET_SLOT_TOO_FAR: 422,
  MARKET_INSUFFICIENT_BALANCE: 422,
  NOT_ADMIN: 403,
  PARTICIPANT_EXISTS: 409,
  PARTICIPANT_UNKNOWN: 404,
  PARTICIPANT_NOT_PENDING: 409,
  PARTICIPANT_NOT_APPROVED: 403,
  ORDER_UNKNOWN: 404,
  ORDER_NOT_YOURS: 403,
  ORDER_NOT_OPEN: 409,
  METER_KEY_IN_USE: 409,
  METER_UNKNOWN: 403,
  METER_NOT_PARTICIPANTS: 403,
  METER_DUPLICATE: 409,
  SLOT_NOT_CLEARED: 409,
  RATE_BAD_STARS: 400,
  RATE_SELF: 422,
  RATE_NO_TRADE: 422,
  RATE_DUPLICATE: 409,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Structured details attached to an error; values must be JSON-representable (bigint is shown as a string). */
export type ErrorDetails = Readonly<Record<string, unknown>>;

/**
 * The project's only error class. Throw it with a code from {@link ERROR_CODES} and the fields that explain
 * the failure (which field, which rule, which value).
 *
 * @example
 * throw new GridPeerError('INVALID_AMOUNT', 'amountMicro must be positive', { field: 'amountMicro', value: '-5' });
 */
export class GridPeerError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name = 'GridPeerError';
  readonly code: C;
  readonly details: ErrorDetails;

  constructor(code: C, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = details;
  }

  /** A JSON-safe view: `{code, message, details}` with bigints as decimal strings. */
  toJSON(): { code: C; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: jsonSafe(this.details) as Record<string, unknown> };
  }
}

/** HTTP status for an error code; 500 for anything that is not a {@link GridPeerError}. */
export function httpStatusFor(error: unknown): number {
  return error instanceof GridPeerError ? ERROR_CODES[error.code as ErrorCode] : 500;
}

export function isGridPeerError(error: unknown, code?: ErrorCode): error is GridPeerError {
  return error instanceof GridPeerError && (code === undefined || error.code === code);
}

/** Converts bigints (and nested ones) to decimal strings and byte arrays to hex, for JSON output. */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonSafe(v);
    return out;
  }
  return value;
}
