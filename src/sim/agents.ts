/**
 * @module sim/agents
 * What each household does in a slot before the market clears (MISSION E4): it covers its own load from its PV,
 * then uses its battery, then offers what is left over or bids for what is missing.
 *  - `rule-based` (seed 000 §4.2 and §5): own demand first, then the battery; only inside the trading window
 *    (09:00–17:00) and with at least 0.5 kW of surplus (0.5 kWh per hour) does a prosumer offer; a buyer bids
 *    only inside the window too. Outside the market, homes exchange with the grid at grid prices.
 *  - `price-taker` (pool mechanisms): every slot, sells its surplus with the export price as limit and buys its
 *    deficit with the import price as limit — it accepts whatever the pool pays.
 *  - `zi-c` (Gode & Sunder's zero-intelligence constrained traders): every slot, a limit drawn uniformly between
 *    the grid prices: a seller never below λs, a buyer never above λb, so no trade loses money.
 * The battery in every strategy charges only from its own PV surplus and discharges only to its own load (seed 000
 * §4.2 assumption 4); it never trades directly.
 */
import { chargeBattery, dischargeBattery, initialSocWh } from '../energy/battery.js';
import type { AgentStrategy, BatterySpec, Scenario } from './types.js';

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;
/** Seed 000 §4.2 assumption 3: "a minimum of 0.5 kW of excess PV power". */
export const DEFAULT_MIN_SURPLUS_KW = 0.5;
/** Seed 000 §4.2 assumption 5: trading from 09:00 to 17:00. */
export const DEFAULT_TRADING_WINDOW = Object.freeze({ fromHour: 9, toHour: 17 });

/** A home's dispatch before the market: energy in Wh for one slot. */
export interface Dispatch {
  readonly selfUseWh: number;
  readonly chargeWh: number;
  readonly dischargeWh: number;
  readonly socWh: number;
  /** What it offers to the market (0 when none). */
  readonly offerWh: number;
  /** What it bids for (0 when none). */
  readonly bidWh: number;
  /** Surplus and deficit it settles with the grid outside the market (no order, or not allowed to trade). */
  readonly offMarketExportWh: number;
  readonly offMarketImportWh: number;
  /** Limit prices of its order, µcoin/kWh (undefined = the grid price of its side). */
  readonly limitMicroPerKwh: bigint | undefined;
}

export interface AgentContext {
  readonly slotStartMs: number;
  readonly slotMs: number;
  readonly importMicroPerKwh: bigint;
  readonly exportMicroPerKwh: bigint;
  readonly random: () => number;
}

export interface AgentRules {
  readonly strategy: AgentStrategy;
  readonly minSurplusWh: number;
  readonly window: { readonly fromHour: number; readonly toHour: number };
}

/** The rules of `scenario` for a slot of `slotMs` (seed 000's defaults where the scenario is silent). */
export function agentRules(scenario: Scenario, strategy: AgentStrategy, slotMs: number): AgentRules {
  const minSurplusKw = scenario.minSurplusKw ?? DEFAULT_MIN_SURPLUS_KW;
  return {
    strategy,
    minSurplusWh: strategy === 'rule-based' ? Math.round((minSurplusKw * 1000 * slotMs) / MS_PER_HOUR) : 0,
    window: scenario.tradingWindow ?? DEFAULT_TRADING_WINDOW,
  };
}

function inWindow(slotStartMs: number, window: AgentRules['window']): boolean {
  const hour = Math.floor((((slotStartMs % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY) / MS_PER_HOUR);
  const { fromHour, toHour } = window;
  return fromHour <= toHour ? fromHour <= hour && hour < toHour : hour >= fromHour || hour < toHour;
}

/** A random integer price in [lo, hi] µcoin/kWh (ZI-C), from one draw. */
function drawPrice(lo: bigint, hi: bigint, random: () => number): bigint {
  if (hi <= lo) return lo;
  const span = Number(hi - lo);
  return lo + BigInt(Math.min(span, Math.floor(random() * (span + 1))));
}

/**
 * One home, one slot: PV to its own load first, the surplus into the battery, the battery to the deficit, and what
 * is left becomes an order (or, outside the market, grid exchange).
 */
export function dispatchHome(
  loadWh: number,
  pvWh: number,
  battery: BatterySpec | undefined,
  socWh: number,
  rules: AgentRules,
  context: AgentContext,
): Dispatch {
  const slotHours = context.slotMs / MS_PER_HOUR;
  const selfUseWh = Math.min(loadWh, pvWh);
  let surplusWh = pvWh - selfUseWh;
  let deficitWh = loadWh - selfUseWh;
  let chargeWh = 0;
  let dischargeWh = 0;
  let soc = socWh;
  if (battery !== undefined) {
    if (surplusWh > 0) {
      const charged = chargeBattery(battery, soc, surplusWh, slotHours);
      chargeWh = charged.acceptedWh;
      soc = charged.socWh;
      surplusWh -= chargeWh;
    }
    if (deficitWh > 0) {
      const discharged = dischargeBattery(battery, soc, deficitWh, slotHours);
      dischargeWh = discharged.deliveredWh;
      soc = discharged.socWh;
      deficitWh -= dischargeWh;
    }
  }
  // One object per home and slot, built whole (a year of 10,000 homes makes 87.6 million of them).
  const trades = rules.strategy !== 'rule-based' || inWindow(context.slotStartMs, rules.window);
  if (!trades) {
    return {
      selfUseWh,
      chargeWh,
      dischargeWh,
      socWh: soc,
      offerWh: 0,
      bidWh: 0,
      offMarketExportWh: surplusWh,
      offMarketImportWh: deficitWh,
      limitMicroPerKwh: undefined,
    };
  }
  // Seed 000 §4.2 assumption 3: a surplus below the minimum goes to the grid, not to the market.
  const offerWh = surplusWh >= Math.max(1, rules.minSurplusWh) ? surplusWh : 0;
  let limitMicroPerKwh: bigint | undefined;
  if (rules.strategy === 'price-taker') {
    limitMicroPerKwh = offerWh > 0 ? context.exportMicroPerKwh : context.importMicroPerKwh;
  } else if (rules.strategy === 'zi-c') {
    limitMicroPerKwh = drawPrice(context.exportMicroPerKwh, context.importMicroPerKwh, context.random);
  }
  return {
    selfUseWh,
    chargeWh,
    dischargeWh,
    socWh: soc,
    offerWh,
    bidWh: deficitWh,
    offMarketExportWh: surplusWh - offerWh,
    offMarketImportWh: 0,
    limitMicroPerKwh,
  };
}

export { initialSocWh };
