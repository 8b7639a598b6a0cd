/**
 * @module market/mechanisms/gridFallback
 * K8 grid fallback: whatever a mechanism leaves unmatched is settled with the grid at tariff — unserved demand is
 * bought at λb, unsold surplus is sold at λs (reference §4 rule 6, §5.1 "Imbalance"; seed 004 §V: "the central
 * grid put rejected bids into its account at a set price set by the government"). Every mechanism settles its
 * leftovers this way: the pools (SDR, MMR, bill sharing, dual level) through the coordinator's one connection,
 * bilateral mechanisms (fixed price, auctions) per participant with {@link GridFallback}.
 *
 * {@link gridOnly} is the baseline every comparison needs: no market, every participant alone with the grid.
 */
import { costMicro } from '../money.js';
import type { Flow } from '../result.js';
import { buildResult, FlowBook } from '../result.js';
import type { ClearingMechanism, ClearingResult, SlotInput } from '../types.js';
import { assertValidSlotInput, poolBook } from './pool.js';

/**
 * Accumulates leftovers settled with the grid, each on the participant's own meter (so each amount is rounded
 * once, and the grid columns of the result are the sums of what the participants paid and received: the
 * operator keeps nothing). Spread {@link GridFallback.totals} into `buildResult`.
 */
export class GridFallback {
  private importWh = 0;
  private exportWh = 0;
  private importCostMicro = 0n;
  private exportRevenueMicro = 0n;

  constructor(private readonly input: SlotInput) {}

  /** The participant buys `energyWh` of unserved demand from the grid at λb. */
  buy(flow: Flow, energyWh: number): void {
    if (energyWh <= 0) return;
    const amount = costMicro(energyWh, this.input.gridImportPriceMicroPerKwh);
    flow.importWh += energyWh;
    flow.netPaymentMicro += amount;
    this.importWh += energyWh;
    this.importCostMicro += amount;
  }

  /** The participant sells `energyWh` of unsold surplus to the grid at λs. */
  sell(flow: Flow, energyWh: number): void {
    if (energyWh <= 0) return;
    const amount = costMicro(energyWh, this.input.gridExportPriceMicroPerKwh);
    flow.exportWh += energyWh;
    flow.netPaymentMicro -= amount;
    this.exportWh += energyWh;
    this.exportRevenueMicro += amount;
  }

  totals(): {
    gridImportWh: number;
    gridExportWh: number;
    gridImportCostMicro: bigint;
    gridExportRevenueMicro: bigint;
  } {
    return {
      gridImportWh: this.importWh,
      gridExportWh: this.exportWh,
      gridImportCostMicro: this.importCostMicro,
      gridExportRevenueMicro: this.exportRevenueMicro,
    };
  }
}

/**
 * No market: each participant's net position (reference §0) goes to the grid, deficit at λb and surplus at λs.
 * Every settlement equals its own `gridOnlyPaymentMicro`, and the operator keeps nothing.
 *
 * @throws GridPeerError MARKET_INVALID_INPUT for an invalid slot.
 */
export function clearGridOnly(input: SlotInput): ClearingResult {
  assertValidSlotInput(input, { importPriceAtLeastExportPrice: false });
  const book = poolBook(input);
  const flows = new FlowBook();
  const grid = new GridFallback(input);
  for (const seller of book.sellers) grid.sell(flows.get(seller.participant), seller.energyWh);
  for (const buyer of book.buyers) grid.buy(flows.get(buyer.participant), buyer.energyWh);
  return buildResult({ mechanism: gridOnly.name, input, trades: [], flows, ...grid.totals() });
}

export const gridOnly: ClearingMechanism = {
  name: 'grid-only',
  description:
    'No market: every participant buys its deficit at the grid price and sells its surplus at the feed-in tariff',
  clear: (input) => clearGridOnly(input),
};
