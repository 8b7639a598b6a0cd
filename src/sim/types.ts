/**
 * @module sim/types
 * The community simulator's data (MISSION E1, E2, E4–E7): a scenario as written in `scenarios/*.json`, the
 * community it resolves to (per-home energy profiles per slot, prices per slot), and the result of a run that the
 * reports turn into tables and charts. Energy is integer Wh per slot; money is integer µcoin (bigint) as on the
 * ledger; prices are µcoin per kWh. A scenario and its seed fix a run byte for byte.
 */
import type {
  BatterySpec,
  DemandResponseSpec,
  LoadShapeSpec,
  PvModelSpec,
  RowSeriesSpec,
  TariffSpec,
} from '../energy/types.js';

/** Where a home's hourly or half-hourly energy comes from (the model inputs are the energy layer's types). */
export type ProfileSource =
  /** A column of a CSV file shipped in `data/` (path relative to the repository's `data/` folder). */
  | ({ readonly kind: 'csv'; readonly file: string; readonly column: string } & RowSeriesSpec)
  /** PV from its rated power and the sun's position (clear sky × a cloud factor). */
  | PvModelSpec
  /** A synthetic daily load shape scaled to a daily energy, with seeded noise. */
  | LoadShapeSpec
  /** Explicit values, one per slot, in kWh (for small hand-made cases and tests). */
  | { readonly kind: 'values'; readonly kwhPerSlot: readonly number[] };

export type { BatterySpec, DemandResponseSpec, TariffSpec };

export type AgentStrategy =
  /** Seed 000 §4.2 and §5: own demand first, then the battery, then sell a surplus ≥ `minSurplusKw` in the window. */
  | 'rule-based'
  /** Offers and bids at the grid prices (pool mechanisms). */
  | 'price-taker'
  /** Zero-intelligence constrained (Gode–Sunder): a random limit price between the grid prices, seeded. */
  | 'zi-c';

export interface HomeSpec {
  readonly id: string;
  readonly role: 'prosumer' | 'consumer';
  readonly load: ProfileSource;
  readonly pv?: ProfileSource;
  readonly battery?: BatterySpec;
  /** Feeder / network node (capacity limits, network distance). */
  readonly location?: string;
  /** Default: the scenario's agent strategy. */
  readonly strategy?: AgentStrategy;
  /** Investment data for seed 000 eq. 3 (PV and battery capital costs, lifetime, rate); optional. */
  readonly investment?: {
    readonly pvCostPerKw?: number;
    readonly batteryCostPerKwh?: number;
    readonly batteryPowerCostPerKw?: number;
  };
}

export interface Scenario {
  readonly format: 'gridpeer-scenario/1';
  readonly name: string;
  readonly description: string;
  /** The paper (and table/figure) it reproduces, shown in the report. */
  readonly reference?: string;
  /** Currency the prices are written in (`Rs`, `USD`, …): 1 unit = 1 coin = 1,000,000 µcoin on the ledger. */
  readonly currency: string;
  /** ISO time of the first slot (UTC). */
  readonly start: string;
  readonly slotMinutes: number;
  /** Number of slots simulated. */
  readonly slots: number;
  readonly seed: number;
  readonly mechanism: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly strategy: AgentStrategy;
  readonly tariff: TariffSpec;
  /** Added to the import price per kWh (E2 carbon price), in currency units per kWh. */
  readonly carbonPricePerKwh?: number;
  /** Price-based demand response with incentives (E7): the share of flexible load and its price elasticity. */
  readonly demandResponse?: {
    readonly flexibleShare: number;
    readonly elasticity: number;
    readonly incentivePerKwh?: number;
  };
  /** Seed 000 §4.2: trading window [fromHour, toHour) and minimum surplus for rule-based agents. */
  readonly tradingWindow?: { readonly fromHour: number; readonly toHour: number };
  readonly minSurplusKw?: number;
  /** Seed 000 eq. 3: annual interest rate r and lifetime y (years) of the storage investment. */
  readonly economics?: { readonly interestRate: number; readonly lifetimeYears: number };
  /** Published figures to set the run beside in the summary (e.g. seed 000 Table 7), free-form rows. */
  readonly published?: Readonly<Record<string, unknown>>;
  readonly homes: readonly HomeSpec[];
}

/** A scenario resolved to numbers: what the engine runs. */
export interface Community {
  readonly scenario: Scenario;
  readonly slotMs: number;
  readonly startMs: number;
  /** Per slot: λb and λs in µcoin per kWh (carbon price included). */
  readonly importPriceMicroPerKwh: readonly bigint[];
  readonly exportPriceMicroPerKwh: readonly bigint[];
  readonly homes: readonly ResolvedHome[];
}

export interface ResolvedHome {
  readonly spec: HomeSpec;
  /** Demand per slot, Wh (integers). */
  readonly loadWh: Int32Array;
  /** PV generation per slot, Wh (integers; zeros without PV). */
  readonly pvWh: Int32Array;
}

/** What happened to one home in one slot (the energy balance of issue 6: load = own PV + battery + peers + grid). */
export interface HomeSlot {
  readonly loadWh: number;
  readonly pvWh: number;
  /** PV used directly for the home's own load. */
  readonly selfUseWh: number;
  /** Energy into the battery (from PV) and out of it (to the load), at the terminals. */
  readonly chargeWh: number;
  readonly dischargeWh: number;
  /** State of charge after the slot, Wh. */
  readonly socWh: number;
  readonly peerImportWh: number;
  readonly peerExportWh: number;
  readonly gridImportWh: number;
  readonly gridExportWh: number;
  /** Load shifted or shed by demand response in this slot (E7), Wh. */
  readonly demandResponseWh: number;
  /** Net payment in the slot, µcoin (> 0 pays). */
  readonly paymentMicro: bigint;
  /** The same home without P2P trading (grid only, same PV and battery use), µcoin. */
  readonly gridOnlyPaymentMicro: bigint;
}

export interface SlotTrade {
  readonly slot: number;
  readonly seller: string;
  readonly buyer: string;
  readonly energyWh: number;
  readonly priceMicroPerKwh: bigint;
  readonly amountMicro: bigint;
}

export interface RunResult {
  readonly scenario: Scenario;
  readonly mechanism: string;
  readonly ledger: 'inprocess' | 'network' | 'none';
  readonly slotMs: number;
  readonly startMs: number;
  readonly importPriceMicroPerKwh: readonly bigint[];
  readonly exportPriceMicroPerKwh: readonly bigint[];
  /** Home ids in scenario order; `homeSlots[h][s]` is home h in slot s. */
  readonly homeIds: readonly string[];
  readonly homeSlots: readonly (readonly HomeSlot[])[];
  readonly trades: readonly SlotTrade[];
  /** Clearing price per slot where the mechanism has one (null otherwise). */
  readonly clearingPriceMicroPerKwh: readonly (bigint | null)[];
  /** SHA-256 over the trades and the final ledger state root, hex: two runs of one scenario give the same. */
  readonly runHash: string;
  /** The final state root of the ledger the run settled on, hex. */
  readonly stateRoot: string;
  readonly blocks: number;
  readonly elapsedMs: number;
}
