/**
 * The market schedule the chain-level tests open: slot 0 starts 100 s after the devnet genesis, one-minute slots,
 * gates closing 10 s before, a uniform auction with λb 0.30 and λs 0.10 coin/kWh, carol as the grid account.
 */
import type { MarketOpenPayload } from '../../src/ledger/marketTx.js';
import { carol, GENESIS_MS } from './chainFixtures.js';

export const MARKET_START_MS = GENESIS_MS + 100_000;

export const TEST_MARKET_OPEN: MarketOpenPayload = Object.freeze({
  action: 'open',
  startMs: MARKET_START_MS,
  slotDurationMs: 60_000,
  gateClosureLeadMs: 10_000,
  maxSlotsAhead: 10,
  mechanism: 'uniform-auction',
  paramsJson: '{"k":0.5}',
  gridAccount: carol.address,
  gridPrices: [{ importMicroPerKwh: 300_000n, exportMicroPerKwh: 100_000n }],
  shortfallPenaltyMicroPerKwh: 50_000n,
});
