/**
 * @module units
 * Quantities are integers with the unit in the name (DESIGN.md §4): energy in watt-hours (`energyWh`, a safe
 * integer `number`), money in micro-units of the native coin (`amountMicro`, a `bigint`), time in
 * milliseconds since the Unix epoch (`timestampMs`). Floating point never reaches ledger state.
 */
import { GridPeerError } from '../errors/index.js';

/** Micro-units per coin: 1 coin = 1,000,000 micro. */
export const MICRO_PER_COIN = 1_000_000n;

/**
 * Largest amount the ledger represents: the u64 range of the canonical encoding. Every balance, amount and fee
 * must stay within [0, MAX_MONEY_MICRO] (bitcoin `amount.h` MoneyRange).
 */
export const MAX_MONEY_MICRO = 2n ** 64n - 1n;

/** Largest energy quantity in one field: u64 range limited to JS safe integers. */
export const MAX_ENERGY_WH = Number.MAX_SAFE_INTEGER;

export function inMoneyRange(amountMicro: bigint): boolean {
  return amountMicro >= 0n && amountMicro <= MAX_MONEY_MICRO;
}

/** Whole coins to micro-units. */
export function coinsToMicro(coins: bigint | number): bigint {
  const whole = typeof coins === 'bigint' ? coins : BigInt(coins);
  return whole * MICRO_PER_COIN;
}

/**
 * Parses a decimal coin amount ("1.5", "0.000001", "12") into micro-units, exactly (no float rounding).
 * @throws GridPeerError INVALID_AMOUNT when the text is not a non-negative decimal with at most 6 fraction digits.
 */
export function parseCoinsToMicro(text: string, field = 'amount'): bigint {
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(text.trim());
  if (!match) {
    throw new GridPeerError(
      'INVALID_AMOUNT',
      `${field} must be a non-negative decimal coin amount with at most 6 decimals`,
      {
        field,
        value: text,
      },
    );
  }
  const whole = BigInt(match[1] ?? '0');
  const fraction = BigInt((match[2] ?? '').padEnd(6, '0'));
  const micro = whole * MICRO_PER_COIN + fraction;
  if (!inMoneyRange(micro)) {
    throw new GridPeerError('INVALID_AMOUNT', `${field} exceeds the largest representable amount`, {
      field,
      value: text,
    });
  }
  return micro;
}

/** Formats micro-units as a decimal coin string with trailing zeros removed ("1.5", "0.000001", "3"). */
export function formatMicroAsCoins(amountMicro: bigint): string {
  const negative = amountMicro < 0n;
  const abs = negative ? -amountMicro : amountMicro;
  const whole = abs / MICRO_PER_COIN;
  const fraction = (abs % MICRO_PER_COIN).toString().padStart(6, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/**
 * Parses a decimal string of micro-units (the JSON view of a bigint amount).
 * @throws GridPeerError INVALID_AMOUNT naming `field` when it is not a non-negative integer in money range.
 */
export function parseMicro(value: unknown, field: string): bigint {
  let micro: bigint;
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) micro = BigInt(value);
  else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) micro = BigInt(value);
  else if (typeof value === 'bigint') micro = value;
  else {
    throw new GridPeerError(
      'INVALID_AMOUNT',
      `${field} must be a non-negative integer of micro-coins (decimal string)`,
      {
        field,
        value: String(value),
      },
    );
  }
  if (!inMoneyRange(micro)) {
    throw new GridPeerError('INVALID_AMOUNT', `${field} is outside [0, 2^64-1] micro-coins`, {
      field,
      value: String(value),
    });
  }
  return micro;
}

/**
 * Checks a non-negative safe-integer quantity (Wh, ms, counts) taken from input.
 * @throws GridPeerError INVALID_ARGUMENT naming `field`.
 */
export function parseUint(value: unknown, field: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > max) {
    throw new GridPeerError('INVALID_ARGUMENT', `${field} must be an integer in [0, ${max}]`, {
      field,
      value: String(value),
    });
  }
  return n;
}
