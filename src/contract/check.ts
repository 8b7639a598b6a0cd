/**
 * @module contract/check
 * Context-free rules of market payloads (`StateContract.checkTx`): ranges, lengths and shapes that give the same
 * answer on every node at any time, so the mempool can turn a malformed transaction away before it reaches a
 * block. Payloads may come from JSON (the API), so nothing is trusted to have its declared type.
 */
import { isAddress } from '../crypto/index.js';
import { invalid, VALID, type ValidationResult } from '../errors/result.js';
import {
  MAX_GRID_PRICES,
  MAX_LOCATION_BYTES,
  MAX_MECHANISM_BYTES,
  MAX_PARAMS_JSON_BYTES,
  MAX_REASON_BYTES,
  type MarketOpenPayload,
  PARTICIPANT_ROLE_CODES,
} from '../ledger/marketTx.js';
import type { MarketTransaction } from '../ledger/tx.js';
import { getMechanism } from '../market/registry.js';
import type { ClearingMechanism } from '../market/types.js';
import { MAX_MONEY_MICRO } from '../units/index.js';

const MAX_U32 = 0xffffffff;
/** Shorter slots would clear faster than blocks are made; a second is the floor of any useful schedule. */
export const MIN_SLOT_DURATION_MS = 1000;

const BAD = 'MARKET_BAD_PAYLOAD';

function isU32(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_U32;
}

function isSafeUint(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isU64(value: unknown): value is bigint {
  return typeof value === 'bigint' && value >= 0n && value <= MAX_MONEY_MICRO;
}

function isBytes(value: unknown, length: number): value is Uint8Array {
  return value instanceof Uint8Array && value.length === length;
}

function isText(value: unknown, maxBytes: number): value is string {
  return typeof value === 'string' && Buffer.byteLength(value, 'utf8') <= maxBytes;
}

function badField(kind: string, field: string, rule: string): ValidationResult {
  return invalid(BAD, `${kind} payload.${field} ${rule}`);
}

/** Parameter names that carry µcoin (DESIGN.md §4: the unit is in the name), which the mechanisms take as bigint. */
const MONEY_PARAM = /Micro(PerKwh)?$/;

/**
 * JSON has no bigint, so a money parameter (`dayPriceMicroPerKwh`, `espFeeMicroPerKwh`, …) written as an integer
 * or a string of digits is read as a bigint; anything else is left for the mechanism to judge.
 */
function moneyParamsAsBigint(key: string, value: unknown): unknown {
  if (!MONEY_PARAM.test(key)) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d{1,20}$/.test(value)) return BigInt(value);
  return value;
}

/** The mechanism's parameters as a JSON object, or a failure naming the rule (context-free). */
export function parseParamsJson(paramsJson: string): { ok: true; params: object } | { ok: false; reason: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(paramsJson, moneyParamsAsBigint);
  } catch {
    return { ok: false, reason: 'market payload.paramsJson must be valid JSON' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, reason: 'market payload.paramsJson must be a JSON object' };
  }
  return { ok: true, params: parsed };
}

/** The registry's mechanism of that name, or undefined. */
export function findMechanism(name: string): ClearingMechanism | undefined {
  try {
    return getMechanism(name);
  } catch {
    return undefined;
  }
}

function checkMarketOpen(p: MarketOpenPayload): ValidationResult {
  if (!isSafeUint(p.startMs)) return badField('market', 'startMs', 'must be a non-negative safe integer (ms)');
  if (!isU32(p.slotDurationMs) || p.slotDurationMs < MIN_SLOT_DURATION_MS) {
    return invalid(
      'MARKET_BAD_SCHEDULE',
      `market payload.slotDurationMs must be an integer from ${MIN_SLOT_DURATION_MS} to ${MAX_U32} ms`,
    );
  }
  if (!isU32(p.gateClosureLeadMs)) return badField('market', 'gateClosureLeadMs', 'must be a u32 (ms)');
  if (!isU32(p.maxSlotsAhead)) return badField('market', 'maxSlotsAhead', 'must be a u32');
  if (!isText(p.mechanism, MAX_MECHANISM_BYTES)) {
    return badField('market', 'mechanism', `must be a string of at most ${MAX_MECHANISM_BYTES} UTF-8 bytes`);
  }
  if (!isText(p.paramsJson, MAX_PARAMS_JSON_BYTES)) {
    return badField('market', 'paramsJson', `must be a string of at most ${MAX_PARAMS_JSON_BYTES} UTF-8 bytes`);
  }
  if (!isAddress(p.gridAccount)) return badField('market', 'gridAccount', 'must be a gp… address');
  if (!Array.isArray(p.gridPrices) || p.gridPrices.length < 1 || p.gridPrices.length > MAX_GRID_PRICES) {
    return invalid('MARKET_BAD_GRID_PRICES', `market payload.gridPrices must hold 1 to ${MAX_GRID_PRICES} price pairs`);
  }
  for (let i = 0; i < p.gridPrices.length; i++) {
    const price = p.gridPrices[i]!;
    if (!isU64(price.importMicroPerKwh) || !isU64(price.exportMicroPerKwh)) {
      return invalid('MARKET_BAD_GRID_PRICES', `market payload.gridPrices[${i}] prices must be u64 µcoin per kWh`);
    }
    // Reference §0: the mechanisms' formulas need λb ≥ λs, and a lock at λb covers any grid fallback.
    if (price.importMicroPerKwh < price.exportMicroPerKwh) {
      return invalid(
        'MARKET_BAD_GRID_PRICES',
        `market payload.gridPrices[${i}].importMicroPerKwh must be at least its exportMicroPerKwh (λb ≥ λs)`,
      );
    }
  }
  if (!isU64(p.shortfallPenaltyMicroPerKwh)) {
    return badField('market', 'shortfallPenaltyMicroPerKwh', 'must be a u64 (µcoin per kWh)');
  }
  const mechanism = findMechanism(p.mechanism);
  if (mechanism === undefined) {
    return invalid('MARKET_BAD_MECHANISM', `market payload.mechanism "${p.mechanism}" is not in the market registry`);
  }
  const params = parseParamsJson(p.paramsJson);
  if (!params.ok) return invalid('MARKET_BAD_PARAMS', params.reason);
  // Clearing an empty slot with the parameters catches most bad parameters before any order depends on them;
  // those found only with orders make that slot fall back to grid-only (contract/clearing).
  const first = p.gridPrices[0]!;
  try {
    mechanism.clear(
      {
        slotStartMs: p.startMs,
        slotDurationMs: p.slotDurationMs,
        orders: [],
        gridImportPriceMicroPerKwh: first.importMicroPerKwh,
        gridExportPriceMicroPerKwh: first.exportMicroPerKwh,
      },
      params.params,
    );
  } catch {
    return invalid('MARKET_BAD_PARAMS', `market payload.paramsJson is not accepted by mechanism "${p.mechanism}"`);
  }
  return VALID;
}

export function checkMarketTx(tx: MarketTransaction): ValidationResult {
  switch (tx.kind) {
    case 'register': {
      const p = tx.payload;
      if (typeof p.role !== 'string' || !Object.hasOwn(PARTICIPANT_ROLE_CODES, p.role)) {
        return badField('register', 'role', 'must be "prosumer" or "consumer"');
      }
      if (!isBytes(p.meterPublicKey, 32)) return badField('register', 'meterPublicKey', 'must be 32 bytes');
      if (!isU32(p.pvW)) return badField('register', 'pvW', 'must be a u32 (W)');
      if (!isU32(p.batteryWh)) return badField('register', 'batteryWh', 'must be a u32 (Wh)');
      if (!isText(p.location, MAX_LOCATION_BYTES)) {
        return badField('register', 'location', `must be a string of at most ${MAX_LOCATION_BYTES} UTF-8 bytes`);
      }
      return VALID;
    }
    case 'approve':
      return isAddress(tx.payload.participant) ? VALID : badField('approve', 'participant', 'must be a gp… address');
    case 'reject':
      if (!isAddress(tx.payload.participant)) return badField('reject', 'participant', 'must be a gp… address');
      if (!isText(tx.payload.reason, MAX_REASON_BYTES)) {
        return badField('reject', 'reason', `must be a string of at most ${MAX_REASON_BYTES} UTF-8 bytes`);
      }
      return VALID;
    case 'admin':
      return isAddress(tx.payload.newAdmin) ? VALID : badField('admin', 'newAdmin', 'must be a gp… address');
    case 'market':
      if (tx.payload.action === 'close') return VALID;
      if (tx.payload.action !== 'open') return badField('market', 'action', 'must be "open" or "close"');
      return checkMarketOpen(tx.payload);
    case 'offer':
    case 'bid': {
      const p = tx.payload;
      if (!isU32(p.slot)) return badField(tx.kind, 'slot', 'must be a u32 slot number');
      if (!isU32(p.energyWh) || p.energyWh < 1) return badField(tx.kind, 'energyWh', 'must be from 1 to 2^32−1 Wh');
      if (p.limitPriceMicroPerKwh !== undefined && !isU64(p.limitPriceMicroPerKwh)) {
        return badField(tx.kind, 'limitPriceMicroPerKwh', 'must be a u64 (µcoin per kWh) when present');
      }
      return VALID;
    }
    case 'cancel':
      return isBytes(tx.payload.orderTxHash, 32)
        ? VALID
        : badField('cancel', 'orderTxHash', 'must be a 32-byte transaction hash');
    case 'meter': {
      const p = tx.payload;
      if (!isAddress(p.participant)) return badField('meter', 'participant', 'must be a gp… address');
      if (!isU32(p.slot)) return badField('meter', 'slot', 'must be a u32 slot number');
      if (!isU32(p.deliveredWh)) return badField('meter', 'deliveredWh', 'must be a u32 (Wh)');
      if (!isU32(p.consumedWh)) return badField('meter', 'consumedWh', 'must be a u32 (Wh)');
      return VALID;
    }
    case 'rate': {
      const p = tx.payload;
      if (!isAddress(p.counterparty)) return badField('rate', 'counterparty', 'must be a gp… address');
      if (!isU32(p.slot)) return badField('rate', 'slot', 'must be a u32 slot number');
      if (typeof p.stars !== 'number' || !Number.isInteger(p.stars) || p.stars < 1 || p.stars > 5) {
        return invalid('RATE_BAD_STARS', 'rate payload.stars must be an integer from 1 to 5');
      }
      return VALID;
    }
    default: {
      const unknownKind: never = tx;
      return invalid(BAD, `unknown market transaction kind ${String((unknownKind as { kind: unknown }).kind)}`);
    }
  }
}
