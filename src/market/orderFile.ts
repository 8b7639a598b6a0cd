/**
 * @module market/orderFile
 * The order book file of `gridpeer market clear|compare` (documented in the README): one slot's orders and grid
 * prices as JSON, prices as decimal coin strings per kWh. Parsing is strict and names the field it rejects.
 */
import { GridPeerError } from '../errors/index.js';
import { formatMicroAsCoins, parseCoinsToMicro, parseUint } from '../units/index.js';
import type { Order, SlotInput, TrustRating } from './types.js';

export const ORDER_FILE_FORMAT = 'gridpeer-orders/1';

export interface OrderFile {
  readonly input: SlotInput;
  /** Per-mechanism parameters by mechanism name, passed through as given. */
  readonly params: Readonly<Record<string, unknown>>;
}

function bad(field: string, rule: string): GridPeerError {
  return new GridPeerError('INVALID_ARGUMENT', `${field} ${rule}`, { field });
}

function price(value: unknown, field: string): bigint {
  if (typeof value === 'number') value = String(value);
  if (typeof value !== 'string') throw bad(field, 'must be a decimal coin amount per kWh, e.g. "0.25"');
  try {
    return parseCoinsToMicro(value, field);
  } catch {
    throw bad(field, 'must be a non-negative decimal coin amount per kWh with at most 6 decimals');
  }
}

function uint(value: unknown, field: string, max = Number.MAX_SAFE_INTEGER): number {
  try {
    return parseUint(value, field, max);
  } catch {
    throw bad(field, `must be an integer in [0, ${max}]`);
  }
}

/**
 * @throws GridPeerError INVALID_ARGUMENT naming the field (`orders[2].energyWh`, `gridImportPrice`, …).
 */
export function parseOrderFile(value: unknown): OrderFile {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw bad('file', 'must be a JSON object');
  const json = value as Record<string, unknown>;
  if (json['format'] !== ORDER_FILE_FORMAT) throw bad('format', `must be "${ORDER_FILE_FORMAT}"`);
  const gridImportPriceMicroPerKwh = price(json['gridImportPrice'], 'gridImportPrice');
  const gridExportPriceMicroPerKwh = price(json['gridExportPrice'], 'gridExportPrice');
  if (gridExportPriceMicroPerKwh > gridImportPriceMicroPerKwh) {
    throw bad('gridExportPrice', 'must not exceed gridImportPrice (the mechanisms assume λb ≥ λs ≥ 0)');
  }
  let slotStartMs = 0;
  if (json['slotStart'] !== undefined) {
    slotStartMs = typeof json['slotStart'] === 'string' ? Date.parse(json['slotStart']) : Number.NaN;
    if (!Number.isFinite(slotStartMs))
      throw bad('slotStart', 'must be an ISO date-time such as "2026-05-11T12:00:00Z"');
  }
  const slotDurationMs = uint(json['slotMinutes'] ?? 60, 'slotMinutes', 24 * 60) * 60_000;
  if (slotDurationMs === 0) throw bad('slotMinutes', 'must be at least 1');
  if (!Array.isArray(json['orders'])) throw bad('orders', 'must be an array');
  const ids = new Set<string>();
  const orders: Order[] = json['orders'].map((raw, i) => {
    const at = `orders[${i}]`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw bad(at, 'must be an object');
    const o = raw as Record<string, unknown>;
    const id = o['id'] ?? `${String(o['participant'])}-${i}`;
    if (typeof id !== 'string' || id.length === 0 || id.length > 64)
      throw bad(`${at}.id`, 'must be a string of 1–64 characters');
    if (ids.has(id)) throw bad(`${at}.id`, `repeats "${id}"; order ids are unique`);
    ids.add(id);
    const participant = o['participant'];
    if (typeof participant !== 'string' || participant.length === 0 || participant.length > 64) {
      throw bad(`${at}.participant`, 'must be a string of 1–64 characters');
    }
    const side = o['side'];
    if (side !== 'offer' && side !== 'bid') throw bad(`${at}.side`, 'must be "offer" or "bid"');
    const energyWh = uint(o['energyWh'], `${at}.energyWh`, 1e12);
    const order: { -readonly [K in keyof Order]: Order[K] } = { id, participant, side, energyWh, sequence: i };
    if (o['limitPrice'] !== undefined) order.limitPriceMicroPerKwh = price(o['limitPrice'], `${at}.limitPrice`);
    if (o['sequence'] !== undefined) order.sequence = uint(o['sequence'], `${at}.sequence`);
    if (o['trustRating'] !== undefined) {
      const rating = o['trustRating'];
      if (rating !== 1 && rating !== 2 && rating !== 3 && rating !== 4)
        throw bad(`${at}.trustRating`, 'must be 1, 2, 3 or 4');
      order.trustRating = rating as TrustRating;
    }
    if (o['location'] !== undefined) {
      if (typeof o['location'] !== 'string') throw bad(`${at}.location`, 'must be a string');
      order.location = o['location'];
    }
    return order;
  });
  const params = json['params'] ?? {};
  if (params === null || typeof params !== 'object' || Array.isArray(params)) throw bad('params', 'must be an object');
  return {
    input: { slotStartMs, slotDurationMs, orders, gridImportPriceMicroPerKwh, gridExportPriceMicroPerKwh },
    params: params as Record<string, unknown>,
  };
}

/** A price as the file writes it (decimal coins per kWh). */
export function formatPrice(priceMicroPerKwh: bigint): string {
  return formatMicroAsCoins(priceMicroPerKwh);
}
