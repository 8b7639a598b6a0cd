/**
 * The reference's common test data set (market-mechanisms.md §0): λb = 0.30, λs = 0.10 coin/kWh, one-hour slot,
 * three sellers and three buyers, case A (shortage, S = 6 kWh, D = 8 kWh) and case B (surplus, S = 10, D = 8).
 * Quantities in Wh, prices in µcoin/kWh; limit prices as listed (the pool mechanisms ignore them).
 */
import type { Order, SlotInput } from '../../src/market/types.js';

export const LAMBDA_BUY = 300_000n;
export const LAMBDA_SELL = 100_000n;
/** 2026-05-11 12:00 UTC: inside the 09:00–17:00 trading window of seed 000. */
export const NOON_MS = Date.UTC(2026, 4, 11, 12);
export const HOUR_MS = 3_600_000;

export function order(
  participant: string,
  side: Order['side'],
  energyWh: number,
  extra: Partial<Omit<Order, 'participant' | 'side' | 'energyWh'>> = {},
): Order {
  return { id: participant, participant, side, energyWh, ...extra };
}

export function slot(orders: readonly Order[], overrides: Partial<Omit<SlotInput, 'orders'>> = {}): SlotInput {
  return {
    slotStartMs: NOON_MS,
    slotDurationMs: HOUR_MS,
    gridImportPriceMicroPerKwh: LAMBDA_BUY,
    gridExportPriceMicroPerKwh: LAMBDA_SELL,
    ...overrides,
    orders,
  };
}

function caseOrders(s1: number, s2: number, s3: number): Order[] {
  return [
    order('S1', 'offer', s1, { limitPriceMicroPerKwh: 120_000n }),
    order('S2', 'offer', s2, { limitPriceMicroPerKwh: 150_000n }),
    order('S3', 'offer', s3, { limitPriceMicroPerKwh: 250_000n }),
    order('B1', 'bid', 3000, { limitPriceMicroPerKwh: 280_000n }),
    order('B2', 'bid', 2000, { limitPriceMicroPerKwh: 220_000n }),
    order('B3', 'bid', 3000, { limitPriceMicroPerKwh: 140_000n }),
  ];
}

/** Case A (shortage): S1 2, S2 3, S3 1 kWh; B1 3, B2 2, B3 3 kWh. SDR = 0.75. */
export const CASE_A: SlotInput = slot(caseOrders(2000, 3000, 1000));
/** Case B (surplus): S1 5, S2 3, S3 2 kWh; the same buyers. SDR = 1.25. */
export const CASE_B: SlotInput = slot(caseOrders(5000, 3000, 2000), { slotStartMs: NOON_MS + HOUR_MS });

/** Net payment per participant, µcoin (> 0 pays). */
export function payments(result: { settlements: readonly { participant: string; netPaymentMicro: bigint }[] }) {
  return Object.fromEntries(result.settlements.map((s) => [s.participant, s.netPaymentMicro]));
}
