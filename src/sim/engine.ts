/**
 * @module sim/engine
 * The community simulator's time loop (MISSION E1, E4; issue "community simulator"): per slot, the energy models
 * give each home's load and PV, agents dispatch PV and batteries and place orders, the market clears, and the
 * result settles on a ledger. Three ledgers, one loop:
 *  - `inprocess`: the real ledger state transition with the market contract (`executeBlock`), in this process and
 *    without HTTP or proof of work: households register, the administrator approves them and opens the market,
 *    every order is a signed transaction, every slot clears at its gate closure inside a block;
 *  - `network`: the same transactions, byte for byte, sent to running nodes through their API; the nodes mine
 *    and clear (slot times are compressed so a day runs in seconds);
 *  - `none`: the market functions alone, for runs too large for a ledger (10,000 homes × a year).
 * The same scenario and seed give the same trades in every mode, and the same run hash for the same mode.
 */
import { createHash } from 'node:crypto';
import { devKeyPair } from '../chain/devAccounts.js';
import { devGenesisJson, type GenesisConfig, parseGenesisConfig } from '../chain/genesis.js';
import { createMarketContract, readSlot } from '../contract/index.js';
import { type KeyPair, keyPairFromPrivateKey, sha256, toHex } from '../crypto/index.js';
import { priceResponsiveLoadWh } from '../energy/demandResponse.js';
import { GridPeerError } from '../errors/index.js';
import { BLOCK_VERSION, type Block, computeTxRoot, headerHash } from '../ledger/block.js';
import type { MarketOpenPayload } from '../ledger/marketTx.js';
import { genesisState, type LedgerState } from '../ledger/state.js';
import {
  createMarketTx,
  createReward,
  type MarketPayloads,
  type MarketTxKind,
  type Transaction,
} from '../ledger/tx.js';
import { executeBlock } from '../ledger/validation.js';
import { costMicro } from '../market/money.js';
import { getMechanism } from '../market/registry.js';
import type { ClearingResult, Order, SlotInput } from '../market/types.js';
import { coinsToMicro } from '../units/index.js';
import { seededRandom } from '../units/random.js';
import { agentRules, type Dispatch, dispatchHome, initialSocWh } from './agents.js';
import type { Community, HomeSlot, RunResult, SlotTrade } from './types.js';

export type LedgerMode = 'inprocess' | 'network' | 'none';

export interface RunOptions {
  readonly ledger?: LedgerMode;
  /** Clears with this mechanism instead of the scenario's. */
  readonly mechanism?: string;
  /** `network`: the node that receives the transactions and mines (its peers follow). */
  readonly nodeUrl?: string;
  /** `network`: wall-clock length of a slot (the schedule is compressed), ms. */
  readonly networkSlotMs?: number;
  /** Keep every home's every slot (reports need it; a year of 10,000 homes does not fit). Default true. */
  readonly keepHomeSlots?: boolean;
  /** Keep every trade in the result (a year of 10,000 homes makes millions). Default true; the run hash covers them either way. */
  readonly keepTrades?: boolean;
  readonly onProgress?: (slotsDone: number, slots: number) => void;
  /**
   * Price-based demand response (E7) when the scenario has it: `incentives` (default) as the scenario says,
   * `no-incentives` with its incentive set to 0 (seed 004 Fig. 7's comparison), `off` not at all.
   */
  readonly demandResponse?: 'incentives' | 'no-incentives' | 'off';
}

/**
 * Applies the scenario's price-based demand response (MISSION E7; seed 004 §V, Fig. 7) to every home's load: the
 * flexible share moves from slots priced above the day's mean to cheaper ones, more with incentives. Returns the
 * community with the new loads and, per home, the load moved into (+) or out of (−) each slot.
 */
export function applyDemandResponse(
  community: Community,
  mode: RunOptions['demandResponse'] = 'incentives',
): { community: Community; shiftedWh: readonly Int32Array[] | null } {
  const spec = community.scenario.demandResponse;
  if (spec === undefined || mode === 'off') return { community, shiftedWh: null };
  const effective = mode === 'no-incentives' ? { ...spec, incentivePerKwh: 0 } : spec;
  const shiftedWh: Int32Array[] = [];
  const homes = community.homes.map((home) => {
    const responded = priceResponsiveLoadWh(home.loadWh, community.importPriceMicroPerKwh, effective, {
      startMs: community.startMs,
      slotMs: community.slotMs,
    });
    shiftedWh.push(responded.shiftedWh);
    return { ...home, loadWh: responded.loadWh };
  });
  return { community: { ...community, homes }, shiftedWh };
}

/** Coins each simulated household holds at genesis: enough escrow for any bid of a year. */
export const SIM_HOME_COINS = 1_000_000;
/** Orders per block: the chain's limit is 10,000 transactions including the reward. */
const MAX_ORDERS_PER_BLOCK = 9_000;

/** A household's key, derived from the scenario and home id: the same run signs the same transactions. */
export function simKeyPair(scenarioName: string, homeId: string, role: 'home' | 'meter' = 'home'): KeyPair {
  const seed = `gridpeer sim ${scenarioName} ${role} ${homeId}`;
  let pair = simKeys.get(seed);
  if (pair === undefined) {
    // Deriving a key pair costs a key object and an export (~0.4 ms): each is made once per process.
    pair = keyPairFromPrivateKey(sha256(Buffer.from(seed, 'utf8')));
    if (simKeys.size > 100_000) simKeys.clear();
    simKeys.set(seed, pair);
  }
  return pair;
}

const simKeys = new Map<string, KeyPair>();

/** The network administrator and the grid account of simulated markets (the dev network's `Admin` and `Grid`). */
const ADMIN = devKeyPair('Admin');
const GRID = devKeyPair('Grid');
export const simAdmin = (): KeyPair => ADMIN;
export const simGridAccount = (): KeyPair => GRID;

/**
 * The genesis of a simulated community: every home funded, the dev administrator; the chain starts a day before
 * the first slot. Nodes of a `network` run must be started with it (`gridpeer simulate --genesis-out`).
 */
export function simulationGenesis(community: Community): GenesisConfig {
  const json = devGenesisJson(
    community.homes.map((home) => ({
      address: simKeyPair(community.scenario.name, home.spec.id).address,
      balanceMicro: coinsToMicro(SIM_HOME_COINS),
    })),
    simAdmin().address,
  );
  json['name'] = `sim-${community.scenario.name}`.slice(0, 64);
  json['timestampMs'] = Math.max(0, community.startMs - 86_400_000);
  return parseGenesisConfig(json);
}

/** Mechanism parameters for the ledger and the direct clearing: the scenario's, made to fit the agents. */
function marketParams(community: Community, mechanism: string): Record<string, unknown> {
  const params: Record<string, unknown> = { ...(community.scenario.params ?? {}) };
  if (mechanism === 'fixed-price') {
    // Seed 000 rule 1: one price, 10 % below the average grid price (of the run's horizon). The agents apply the
    // trading window and the minimum surplus themselves (they know the scenario's clock; a compressed network
    // schedule does not), so the mechanism opens all day and takes any surplus.
    const prices = community.importPriceMicroPerKwh;
    const sum = prices.reduce((a, b) => a + b, 0n);
    const n = BigInt(Math.max(1, prices.length));
    params['dayPriceMicroPerKwh'] ??= ((9n * sum + 5n * n) / (10n * n)).toString();
    params['tradingWindow'] = { startHourUtc: 0, endHourUtc: 24 };
    params['minSurplusWh'] = 0;
  }
  return params;
}

/** Parameters as the market functions take them: µcoin fields (written as digit strings in JSON) as bigint. */
function bigintParams(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    out[key] = /Micro(PerKwh)?$/.test(key) && typeof value === 'string' && /^\d+$/.test(value) ? BigInt(value) : value;
  }
  return out;
}

/** The orders of one slot: home index, side, energy, limit (undefined = the grid price of its side). */
interface SlotOrder {
  readonly home: number;
  readonly side: 'offer' | 'bid';
  readonly energyWh: number;
  readonly limitMicroPerKwh: bigint | undefined;
}

/** Per home: what the market settled in a slot. */
interface SlotSettlement {
  readonly peerImportWh: number;
  readonly peerExportWh: number;
  readonly netPaymentMicro: bigint;
  readonly gridOnlyPaymentMicro: bigint;
}

interface SlotOutcome {
  readonly settlements: ReadonlyMap<number, SlotSettlement>;
  readonly trades: readonly SlotTrade[];
  readonly clearingPriceMicroPerKwh: bigint | null;
}

/** Where a slot's orders are cleared and settled. */
interface SlotLedger {
  setup(): Promise<void>;
  clear(slot: number, orders: readonly SlotOrder[]): Promise<SlotOutcome>;
  finish(): Promise<{ stateRoot: string; blocks: number }>;
}

/** `none`: the mechanism alone. */
class DirectLedger implements SlotLedger {
  private readonly params: Record<string, unknown>;

  constructor(
    private readonly community: Community,
    private readonly mechanism: string,
    private readonly ids: readonly string[],
  ) {
    this.params = bigintParams(marketParams(community, mechanism));
    const index = new Map(ids.map((id, i) => [id, i]));
    this.indexOf = (id) => index.get(id) ?? -1;
  }

  async setup(): Promise<void> {}

  async clear(slot: number, orders: readonly SlotOrder[]): Promise<SlotOutcome> {
    const { community } = this;
    const input: SlotInput = {
      slotStartMs: community.startMs + slot * community.slotMs,
      slotDurationMs: community.slotMs,
      orders: orders.map((o, i): Order => {
        const order = {
          id: `${slot}-${i}`,
          participant: this.ids[o.home]!,
          side: o.side,
          energyWh: o.energyWh,
          sequence: i,
        };
        return o.limitMicroPerKwh === undefined ? order : { ...order, limitPriceMicroPerKwh: o.limitMicroPerKwh };
      }),
      gridImportPriceMicroPerKwh: community.importPriceMicroPerKwh[slot]!,
      gridExportPriceMicroPerKwh: community.exportPriceMicroPerKwh[slot]!,
    };
    return outcomeOf(slot, getMechanism(this.mechanism).clear(input, this.params), this.indexOf);
  }

  private readonly indexOf: (id: string) => number;

  async finish(): Promise<{ stateRoot: string; blocks: number }> {
    return { stateRoot: '', blocks: 0 };
  }
}

function outcomeOf(slot: number, result: ClearingResult, indexOf: (participant: string) => number): SlotOutcome {
  const settlements = new Map<number, SlotSettlement>();
  for (const s of result.settlements) settlements.set(indexOf(s.participant), s);
  return {
    settlements,
    trades: result.trades.map((t) => ({
      slot,
      seller: t.sellerId,
      buyer: t.buyerId,
      energyWh: t.energyWh,
      priceMicroPerKwh: t.priceMicroPerKwh,
      amountMicro: t.amountMicro,
    })),
    clearingPriceMicroPerKwh: result.prices.clearingPriceMicroPerKwh ?? result.prices.buyPriceMicroPerKwh ?? null,
  };
}

/** The transactions both ledger modes send, built identically so their hashes (order ids) agree. */
class TxFactory {
  private readonly nonces = new Map<string, number>();

  constructor(private readonly chainId: number) {}

  /** Starts `address` at `nonce` (a network account that sent transactions before). */
  setNonce(address: string, nonce: number): void {
    this.nonces.set(address, nonce);
  }

  /**
   * The offers and bids of a slot, signed by their homes and dated half a slot plus a second before the slot starts
   * (the scenario's clock, in both ledger modes: the same bytes, so the same order ids).
   */
  orders(community: Community, slot: number, orders: readonly SlotOrder[], keys: readonly KeyPair[]): Transaction[] {
    const timestampMs = community.startMs + slot * community.slotMs - Math.floor(community.slotMs / 2) - 1000;
    return orders.map((o) =>
      this.make(
        o.side,
        {
          slot,
          energyWh: o.energyWh,
          ...(o.limitMicroPerKwh === undefined ? {} : { limitPriceMicroPerKwh: o.limitMicroPerKwh }),
        },
        keys[o.home]!,
        timestampMs,
      ),
    );
  }

  make<K extends MarketTxKind>(kind: K, payload: MarketPayloads[K], signer: KeyPair, timestampMs: number): Transaction {
    const nonce = this.nonces.get(signer.address) ?? 0;
    this.nonces.set(signer.address, nonce + 1);
    return createMarketTx(kind, payload, { chainId: this.chainId, nonce, timestampMs }, signer);
  }
}

/** Registration, approval and the market schedule, as the administrator and the households send them. */
function setupTxs(
  community: Community,
  keys: readonly KeyPair[],
  factory: TxFactory,
  schedule: { startMs: number; slotDurationMs: number; gateClosureLeadMs: number },
  mechanism: string,
  timestampMs: number,
): { register: Transaction[]; approveAndOpen: Transaction[] } {
  const admin = simAdmin();
  const register = community.homes.map((home, i) =>
    factory.make(
      'register',
      {
        role: home.spec.role,
        meterPublicKey: simKeyPair(community.scenario.name, home.spec.id, 'meter').publicKey,
        pvW: Math.round(Math.max(...home.pvWh) * (3_600_000 / community.slotMs)),
        batteryWh: Math.round((home.spec.battery?.capacityKwh ?? 0) * 1000),
        location: (home.spec.location ?? '').slice(0, 64),
      },
      keys[i]!,
      timestampMs,
    ),
  );
  const approve = community.homes.map((_, i) =>
    factory.make('approve', { participant: keys[i]!.address }, admin, timestampMs),
  );
  // Grid prices: one pair per slot when they fit the schedule, else the first day's, repeating.
  const slots = community.importPriceMicroPerKwh.length;
  const perDay = Math.max(1, Math.round(86_400_000 / community.slotMs));
  const count = slots <= 240 ? slots : Math.min(perDay, 240);
  const open: MarketOpenPayload = {
    action: 'open',
    startMs: schedule.startMs,
    slotDurationMs: schedule.slotDurationMs,
    gateClosureLeadMs: schedule.gateClosureLeadMs,
    maxSlotsAhead: 4,
    mechanism,
    paramsJson: JSON.stringify(marketParams(community, mechanism)),
    gridAccount: simGridAccount().address,
    gridPrices: Array.from({ length: count }, (_, s) => ({
      importMicroPerKwh: community.importPriceMicroPerKwh[s]!,
      exportMicroPerKwh: community.exportPriceMicroPerKwh[s]!,
    })),
    shortfallPenaltyMicroPerKwh: 0n,
  };
  return { register, approveAndOpen: [...approve, factory.make('market', open, admin, timestampMs)] };
}

/** `inprocess`: the ledger's state transition with the market contract, one block at a time, no proof of work. */
class InProcessLedger implements SlotLedger {
  private readonly contract = createMarketContract();
  private readonly genesis: GenesisConfig;
  private state: LedgerState;
  private height = 0;
  private prevHash: Uint8Array;
  private readonly factory: TxFactory;
  private readonly leadMs: number;

  constructor(
    private readonly community: Community,
    private readonly mechanism: string,
    private readonly keys: readonly KeyPair[],
  ) {
    this.genesis = simulationGenesis(community);
    this.state = genesisState(this.genesis.alloc, this.genesis.marketAdmin);
    this.prevHash = new Uint8Array(32);
    this.factory = new TxFactory(this.genesis.params.chainId);
    this.leadMs = Math.floor(community.slotMs / 2);
  }

  private block(txs: readonly Transaction[], timestampMs: number): void {
    const height = ++this.height;
    const miner = simAdmin().address;
    const reward = createReward({
      chainId: this.genesis.params.chainId,
      height,
      to: miner,
      amountMicro: this.genesis.params.blockRewardMicro,
      timestampMs,
    });
    const all = [reward, ...txs];
    const header = {
      version: BLOCK_VERSION,
      height,
      prevHash: this.prevHash,
      txRoot: computeTxRoot(all),
      // The state root of each block is left out: computing it costs a pass over the whole state, and nothing
      // here needs it until the end (the run hash commits to the final state root).
      stateRoot: new Uint8Array(32),
      timestampMs,
      bits: 0,
      miner,
      nonce: 0n,
      extra: new Uint8Array(0),
    };
    const block: Block = { header, txs: all };
    const executed = executeBlock(this.state, block, this.genesis.params, this.contract);
    if (!executed.ok) {
      throw new GridPeerError(
        'BLOCK_INVALID',
        `simulated block ${height} does not apply: ${executed.code} ${executed.reason}`,
        {
          code: executed.code,
          txIndex: executed.txIndex,
        },
      );
    }
    this.state = executed.state;
    this.prevHash = headerHash(header);
  }

  private gateMs(slot: number): number {
    return this.community.startMs + slot * this.community.slotMs - this.leadMs;
  }

  async setup(): Promise<void> {
    const t0 = this.community.startMs - 2 * this.community.slotMs;
    const txs = setupTxs(
      this.community,
      this.keys,
      this.factory,
      { startMs: this.community.startMs, slotDurationMs: this.community.slotMs, gateClosureLeadMs: this.leadMs },
      this.mechanism,
      t0,
    );
    for (let i = 0; i < txs.register.length; i += MAX_ORDERS_PER_BLOCK) {
      this.block(txs.register.slice(i, i + MAX_ORDERS_PER_BLOCK), t0 + i);
    }
    for (let i = 0; i < txs.approveAndOpen.length; i += MAX_ORDERS_PER_BLOCK) {
      this.block(txs.approveAndOpen.slice(i, i + MAX_ORDERS_PER_BLOCK), t0 + 1000 + i);
    }
  }

  async clear(slot: number, orders: readonly SlotOrder[]): Promise<SlotOutcome> {
    const gate = this.gateMs(slot);
    const orderTime = gate - 1000;
    const txs = this.factory.orders(this.community, slot, orders, this.keys);
    for (let i = 0; i < txs.length; i += MAX_ORDERS_PER_BLOCK) {
      this.block(txs.slice(i, i + MAX_ORDERS_PER_BLOCK), orderTime + i / MAX_ORDERS_PER_BLOCK);
    }
    // The first block at the gate closure clears the slot (seed 000 §5 guideline 3).
    this.block([], gate);
    return slotOutcomeFromState(this.state, slot, this.keys);
  }

  async finish(): Promise<{ stateRoot: string; blocks: number }> {
    return { stateRoot: toHex(this.state.root()), blocks: this.height };
  }
}

/** A cleared slot as the contract recorded it, by home index. */
function slotOutcomeFromState(state: LedgerState, slot: number, keys: readonly KeyPair[]): SlotOutcome {
  const view = readSlot(state, slot);
  if (view === undefined || view.status !== 'cleared') {
    throw new GridPeerError('STORE_CORRUPT', `slot ${slot} did not clear at its gate closure`, { slot });
  }
  const index = new Map(keys.map((k, i) => [k.address, i]));
  const settlements = new Map<number, SlotSettlement>();
  for (const s of view.settlements) settlements.set(index.get(s.participant)!, s);
  return {
    settlements,
    trades: [...view.trades]
      .sort((a, b) => a.index - b.index)
      .map((t) => ({
        slot,
        seller: t.seller,
        buyer: t.buyer,
        energyWh: t.energyWh,
        priceMicroPerKwh: t.priceMicroPerKwh,
        amountMicro: t.amountMicro,
      })),
    clearingPriceMicroPerKwh: view.result?.clearingPriceMicroPerKwh ?? view.result?.buyPriceMicroPerKwh ?? null,
  };
}

/** SHA-256 over the trades (fed slot by slot), each home's payments and the final state root: one value per run. */
class RunHash {
  private readonly hash = createHash('sha256');

  trades(trades: readonly SlotTrade[]): void {
    for (const t of trades) {
      this.hash.update(`${t.slot},${t.seller},${t.buyer},${t.energyWh},${t.priceMicroPerKwh},${t.amountMicro}\n`);
    }
  }

  finish(totals: readonly bigint[], stateRoot: string): string {
    this.hash.update(`payments ${totals.join(',')}\nstate ${stateRoot}\n`);
    return this.hash.digest('hex');
  }
}

/**
 * Runs a resolved community through the market and a ledger.
 * @throws GridPeerError naming the problem (an unknown mechanism, a node that refuses a transaction, …).
 */
export async function runCommunity(original: Community, options: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const { community, shiftedWh } = applyDemandResponse(original, options.demandResponse);
  const { scenario } = community;
  const mechanism = options.mechanism ?? scenario.mechanism;
  getMechanism(mechanism);
  const mode = options.ledger ?? 'inprocess';
  const keepHomeSlots = options.keepHomeSlots ?? true;
  const keepTrades = options.keepTrades ?? true;
  const runHash = new RunHash();
  const slots = community.importPriceMicroPerKwh.length;
  const homes = community.homes;
  // Keys only for a ledger (deriving 10,000 key pairs costs seconds a market-only run does not need).
  const keys = mode === 'none' ? [] : homes.map((home) => simKeyPair(scenario.name, home.spec.id));
  const ids = mode === 'none' ? homes.map((home) => home.spec.id) : keys.map((k) => k.address);
  let ledger: SlotLedger;
  if (mode === 'none') ledger = new DirectLedger(community, mechanism, ids);
  else if (mode === 'inprocess') ledger = new InProcessLedger(community, mechanism, keys);
  else {
    const { NetworkLedger } = await import('./networkLedger.js');
    ledger = new NetworkLedger(community, mechanism, keys, options.nodeUrl, options.networkSlotMs);
  }
  await ledger.setup();

  const random = seededRandom(scenario.seed ^ 0x5a17c0de);
  const rules = homes.map((home) => agentRules(scenario, home.spec.strategy ?? scenario.strategy, community.slotMs));
  const soc = homes.map((home) => (home.spec.battery ? initialSocWh(home.spec.battery) : 0));
  const homeSlots: HomeSlot[][] = homes.map(() => []);
  const totals = homes.map(() => 0n);
  const trades: SlotTrade[] = [];
  const clearingPrices: (bigint | null)[] = [];
  const dispatched: Dispatch[] = new Array(homes.length);
  for (let slot = 0; slot < slots; slot++) {
    const importPrice = community.importPriceMicroPerKwh[slot]!;
    const exportPrice = community.exportPriceMicroPerKwh[slot]!;
    const context = {
      slotStartMs: community.startMs + slot * community.slotMs,
      slotMs: community.slotMs,
      importMicroPerKwh: importPrice,
      exportMicroPerKwh: exportPrice,
      random,
    };
    const orders: SlotOrder[] = [];
    for (let h = 0; h < homes.length; h++) {
      const home = homes[h]!;
      const d = dispatchHome(home.loadWh[slot]!, home.pvWh[slot]!, home.spec.battery, soc[h]!, rules[h]!, context);
      dispatched[h] = d;
      soc[h] = d.socWh;
      const limit = d.limitMicroPerKwh;
      if (d.offerWh > 0) orders.push({ home: h, side: 'offer', energyWh: d.offerWh, limitMicroPerKwh: limit });
      if (d.bidWh > 0) orders.push({ home: h, side: 'bid', energyWh: d.bidWh, limitMicroPerKwh: limit });
    }
    const outcome = await ledger.clear(slot, orders);
    runHash.trades(outcome.trades);
    if (keepTrades) for (const trade of outcome.trades) trades.push(trade);
    clearingPrices.push(outcome.clearingPriceMicroPerKwh);
    for (let h = 0; h < homes.length; h++) {
      const d = dispatched[h]!;
      const settled = outcome.settlements.get(h);
      const peerImportWh = settled?.peerImportWh ?? 0;
      const peerExportWh = settled?.peerExportWh ?? 0;
      // Outside the market the home pays the grid as usual (seed 000 eq. 1); inside, the settlement says.
      let paymentMicro = settled?.netPaymentMicro ?? 0n;
      if (d.offMarketImportWh > 0) paymentMicro += costMicro(d.offMarketImportWh, importPrice);
      if (d.offMarketExportWh > 0) paymentMicro -= costMicro(d.offMarketExportWh, exportPrice);
      if (paymentMicro !== 0n) totals[h]! += paymentMicro;
      if (!keepHomeSlots) continue;
      homeSlots[h]!.push({
        loadWh: homes[h]!.loadWh[slot]!,
        pvWh: homes[h]!.pvWh[slot]!,
        selfUseWh: d.selfUseWh,
        chargeWh: d.chargeWh,
        dischargeWh: d.dischargeWh,
        socWh: d.socWh,
        peerImportWh,
        peerExportWh,
        gridImportWh: d.bidWh - peerImportWh + d.offMarketImportWh,
        gridExportWh: d.offerWh - peerExportWh + d.offMarketExportWh,
        demandResponseWh: shiftedWh?.[h]?.[slot] ?? 0,
        paymentMicro,
        gridOnlyPaymentMicro:
          costMicro(d.bidWh + d.offMarketImportWh, importPrice) -
          costMicro(d.offerWh + d.offMarketExportWh, exportPrice),
      });
    }
    options.onProgress?.(slot + 1, slots);
  }
  const { stateRoot, blocks } = await ledger.finish();
  // Trades on the ledger name addresses; the reports name homes.
  const homeOf = new Map(keys.map((k, i) => [k.address, homes[i]!.spec.id]));
  const idOf = (address: string) => homeOf.get(address) ?? address;
  return {
    scenario,
    mechanism,
    ledger: mode,
    slotMs: community.slotMs,
    startMs: community.startMs,
    importPriceMicroPerKwh: community.importPriceMicroPerKwh,
    exportPriceMicroPerKwh: community.exportPriceMicroPerKwh,
    homeIds: homes.map((home) => home.spec.id),
    homeSlots,
    trades: mode === 'none' ? trades : trades.map((t) => ({ ...t, seller: idOf(t.seller), buyer: idOf(t.buyer) })),
    clearingPriceMicroPerKwh: clearingPrices,
    runHash: runHash.finish(totals, stateRoot),
    stateRoot,
    blocks,
    elapsedMs: Math.round(performance.now() - started),
  };
}

export {
  MAX_ORDERS_PER_BLOCK,
  marketParams,
  type SlotLedger,
  type SlotOrder,
  type SlotOutcome,
  setupTxs,
  slotOutcomeFromState,
  TxFactory,
};
