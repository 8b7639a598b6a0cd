/**
 * @module contract/schedule
 * Slot timing of a market schedule (seed 000 §5 guideline 3: orders are matched per time slot once the slot's
 * gate closes). Slot `s` starts at `startMs + (s − firstSlot)·slotDurationMs`; its gate closes `gateClosureLeadMs`
 * before that; its grid prices repeat every `gridPrices.length` slots (24 hourly prices make a daily profile).
 * Plain number arithmetic: IEEE doubles give the same answer on every node, and every time a slot is cleared at
 * is a block timestamp, well inside the safe-integer range.
 */
import type { GridPrice } from '../ledger/marketTx.js';
import type { MarketConfig } from './records.js';

export function slotStartMs(config: MarketConfig, slot: number): number {
  return config.startMs + (slot - config.firstSlot) * config.slotDurationMs;
}

/** The last instant orders for `slot` are rejected at (orders need `gateClosureMs > block time`). */
export function gateClosureMs(config: MarketConfig, slot: number): number {
  return slotStartMs(config, slot) - config.gateClosureLeadMs;
}

export function gridPriceOf(config: MarketConfig, slot: number): GridPrice {
  const count = config.gridPrices.length;
  return config.gridPrices[(((slot - config.firstSlot) % count) + count) % count]!;
}

/** The first slot of the schedule whose gate closes after `timestampMs` (the next one to close). */
export function nextGateSlot(config: MarketConfig, timestampMs: number): number {
  const sinceFirstGate = timestampMs - (config.startMs - config.gateClosureLeadMs);
  if (sinceFirstGate < 0) return config.firstSlot;
  return config.firstSlot + Math.floor(sinceFirstGate / config.slotDurationMs) + 1;
}

/** Whether `slot` belongs to the schedule: from its first slot, up to its last once the market is closed. */
export function inSchedule(config: MarketConfig, slot: number): boolean {
  return slot >= config.firstSlot && (config.lastSlot === null || slot <= config.lastSlot);
}
