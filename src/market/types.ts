/**
 * @module market/types
 * The market's data: orders of one slot in, trades and settlements out (MISSION K1–K8). Energy is integer Wh,
 * prices are integer micro-coins per kWh (`priceMicroPerKwh`, bigint), money is integer micro-coins (bigint).
 * Every mechanism is a pure function of its input (DESIGN.md §3): the node, the simulator, the benchmark and the
 * CLI call the same code. Formulas and worked examples: `../shared/reference/market-mechanisms.md` ("the
 * reference" below).
 */

export type OrderSide = 'offer' | 'bid';

/** Trust rating points of seed 001 §3.5: 1 (new or poor record) … 4 (best). */
export type TrustRating = 1 | 2 | 3 | 4;

export interface Order {
  /** Unique within the slot. */
  readonly id: string;
  readonly participant: string;
  /** `offer` sells (a surplus), `bid` buys (a deficit). */
  readonly side: OrderSide;
  readonly energyWh: number;
  /**
   * Limit price: the least a seller accepts / the most a buyer pays. Auctions need it; pool mechanisms (SDR,
   * MMR, bill sharing, fixed price) ignore it. Absent = the grid price on that side (λs for offers, λb for bids).
   */
  readonly limitPriceMicroPerKwh?: bigint;
  /** Submission order for time priority (lower first); ties broken by `id`. */
  readonly sequence?: number;
  readonly trustRating?: TrustRating;
  /** Feeder / network node of the participant (capacity limits, network distance). */
  readonly location?: string;
}

export interface SlotInput {
  /** Start of the slot, ms since the epoch (trading windows are read from it in UTC). */
  readonly slotStartMs: number;
  /** Slot length (1 h = 3,600,000). */
  readonly slotDurationMs: number;
  readonly orders: readonly Order[];
  /** λb: what the grid charges for energy taken from it. */
  readonly gridImportPriceMicroPerKwh: bigint;
  /** λs: what the grid pays for energy fed into it (feed-in tariff). Mechanisms assume λb ≥ λs ≥ 0. */
  readonly gridExportPriceMicroPerKwh: bigint;
}

export interface Trade {
  readonly sellerId: string;
  readonly buyerId: string;
  readonly offerId: string;
  readonly bidId: string;
  readonly energyWh: number;
  readonly priceMicroPerKwh: bigint;
  /** What the buyer pays for this trade (the seller receives `amountMicro − operator share`, see `sellerAmountMicro`). */
  readonly amountMicro: bigint;
  /** What the seller receives; equals `amountMicro` except where the operator keeps a spread (pay-as-bid (c), McAfee). */
  readonly sellerAmountMicro: bigint;
}

/** One participant's outcome in the slot, grid included. */
export interface Settlement {
  readonly participant: string;
  /** Energy it took in (peers + grid) and delivered (peers + grid), Wh. */
  readonly importWh: number;
  readonly exportWh: number;
  /** Of those, how much was exchanged with peers; the rest went through the grid. */
  readonly peerImportWh: number;
  readonly peerExportWh: number;
  /** Money it pays (> 0) or receives (< 0) in total, micro-coins. */
  readonly netPaymentMicro: bigint;
  /** The same position settled with the grid alone: importWh·λb − exportWh·λs. */
  readonly gridOnlyPaymentMicro: bigint;
}

export interface ClearingResult {
  readonly mechanism: string;
  readonly trades: readonly Trade[];
  /** Sorted by participant id. */
  readonly settlements: readonly Settlement[];
  /** Uniform or pool prices where the mechanism has them (undefined otherwise). */
  readonly prices: {
    readonly clearingPriceMicroPerKwh?: bigint;
    readonly buyPriceMicroPerKwh?: bigint;
    readonly sellPriceMicroPerKwh?: bigint;
  };
  /** Community exchange with the grid (K8: what the market left unmatched). */
  readonly gridImportWh: number;
  readonly gridExportWh: number;
  readonly gridImportCostMicro: bigint;
  readonly gridExportRevenueMicro: bigint;
  /**
   * Money the market operator keeps (trade-reduction surplus, a pay-as-bid spread) plus integer rounding.
   * Budget identity, exact: Σ netPaymentMicro = gridImportCostMicro − gridExportRevenueMicro + operatorMicro.
   */
  readonly operatorMicro: bigint;
  /** Energy a capacity limit kept from trading (K11), Wh. */
  readonly curtailedWh: number;
}

/** A mechanism that clears one slot. */
export interface ClearingMechanism<P = unknown> {
  readonly name: string;
  /** One line for tables and `--help`. */
  readonly description: string;
  clear(input: SlotInput, params?: P): ClearingResult;
}

/** A mechanism settled over several slots at once (bill sharing's billing horizon, a day at one fixed price). */
export interface HorizonMechanism<P = unknown> {
  readonly name: string;
  readonly description: string;
  clearHorizon(slots: readonly SlotInput[], params?: P): ClearingResult[];
}
