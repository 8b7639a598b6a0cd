/**
 * @module market/result
 * Builds a {@link ClearingResult} from what a mechanism decided, so every mechanism reports the same way:
 * settlements sorted by participant, grid-only comparison, and the operator's share as the exact residual of the
 * budget identity `Σ net payments = grid import cost − grid export revenue + operator`. A budget-balanced
 * mechanism leaves only rounding there (at most a micro-coin per participant); the property tests hold every
 * mechanism to its own bound.
 */
import { costMicro, costMicroNumber } from './money.js';
import { StringIndex } from './stringIndex.js';
import type { ClearingResult, Settlement, SlotInput, Trade } from './types.js';

/** What a mechanism decided for one participant. */
export interface Flow {
  importWh: number;
  exportWh: number;
  peerImportWh: number;
  peerExportWh: number;
  netPaymentMicro: bigint;
}

export function emptyFlow(): Flow {
  return { importWh: 0, exportWh: 0, peerImportWh: 0, peerExportWh: 0, netPaymentMicro: 0n };
}

/**
 * Flows as columns: one typed array per quantity, indexed by participant in first-seen order. What the auctions'
 * recorder fills for up to a million participants: no object per participant, so nothing for the garbage
 * collector to copy while a large slot clears. A net payment is `netMicro[p]` (kept a safe integer by its writer)
 * plus `netBigMicro.get(p)` for what did not fit.
 */
export class FlowColumns {
  readonly participants: StringIndex;
  importWh: Float64Array;
  exportWh: Float64Array;
  peerImportWh: Float64Array;
  peerExportWh: Float64Array;
  netMicro: Float64Array;
  readonly netBigMicro = new Map<number, bigint>();

  /** @param expected how many participants there will probably be (sizes everything once). */
  constructor(expected = 0) {
    this.participants = new StringIndex(expected);
    const capacity = Math.max(8, expected);
    this.importWh = new Float64Array(capacity);
    this.exportWh = new Float64Array(capacity);
    this.peerImportWh = new Float64Array(capacity);
    this.peerExportWh = new Float64Array(capacity);
    this.netMicro = new Float64Array(capacity);
  }

  get size(): number {
    return this.participants.size;
  }

  /** The participant's index (created with zero flows on first use). */
  intern(participant: string): number {
    const index = this.participants.intern(participant);
    if (index === this.importWh.length) this.grow();
    return index;
  }

  /** Adds `amountMicro` to participant `p`'s net payment (on the bigint side). */
  addBig(p: number, amountMicro: bigint): void {
    if (amountMicro !== 0n) this.netBigMicro.set(p, (this.netBigMicro.get(p) ?? 0n) + amountMicro);
  }

  netPaymentMicro(p: number): bigint {
    const big = this.netBigMicro.get(p);
    const net = this.netMicro[p]!;
    if (big === undefined) return net === 0 ? 0n : BigInt(net);
    return net === 0 ? big : big + BigInt(net);
  }

  private grow(): void {
    const capacity = this.importWh.length * 2;
    const grown = (column: Float64Array) => {
      const next = new Float64Array(capacity);
      next.set(column);
      return next;
    };
    this.importWh = grown(this.importWh);
    this.exportWh = grown(this.exportWh);
    this.peerImportWh = grown(this.peerImportWh);
    this.peerExportWh = grown(this.peerExportWh);
    this.netMicro = grown(this.netMicro);
  }

  /**
   * Participant indices in ascending UTF-16 code-unit order of the ids (the order `<` gives strings). The default
   * sort compares strings natively (a JavaScript comparator made a result of 1 M participants several times
   * slower); when participants were interned in that order already, nothing is looked up.
   */
  sortedIndices(): Int32Array {
    const names = this.participants.keys;
    const order = new Int32Array(names.length);
    let inOrder = true;
    for (let i = 1; i < names.length && inOrder; i++) if (!(names[i - 1]! < names[i]!)) inOrder = false;
    if (inOrder) {
      for (let i = 0; i < order.length; i++) order[i] = i;
      return order;
    }
    const sorted = names.slice().sort();
    for (let i = 0; i < sorted.length; i++) order[i] = this.participants.find(sorted[i]!);
    return order;
  }
}

/**
 * Flows keyed by participant, created on first use: the mutable objects the pool mechanisms and filters write.
 * {@link toColumns} hands them to {@link buildResult}.
 */
export class FlowBook {
  private readonly index = new StringIndex();
  private readonly flows: Flow[] = [];

  get(participant: string): Flow {
    const index = this.index.intern(participant);
    if (index === this.flows.length) this.flows.push(emptyFlow());
    return this.flows[index]!;
  }

  get size(): number {
    return this.flows.length;
  }

  toColumns(): FlowColumns {
    const columns = new FlowColumns(this.flows.length);
    const names = this.index.keys;
    for (let i = 0; i < names.length; i++) {
      const p = columns.intern(names[i]!);
      const flow = this.flows[i]!;
      columns.importWh[p] = flow.importWh;
      columns.exportWh[p] = flow.exportWh;
      columns.peerImportWh[p] = flow.peerImportWh;
      columns.peerExportWh[p] = flow.peerExportWh;
      columns.addBig(p, flow.netPaymentMicro);
    }
    return columns;
  }
}

export interface BuildResultParameters {
  readonly mechanism: string;
  readonly input: SlotInput;
  readonly trades: readonly Trade[];
  readonly flows: FlowBook | FlowColumns;
  readonly gridImportWh: number;
  readonly gridExportWh: number;
  /** Default: gridImportWh·λb and gridExportWh·λs. */
  readonly gridImportCostMicro?: bigint;
  readonly gridExportRevenueMicro?: bigint;
  readonly prices?: ClearingResult['prices'];
  readonly curtailedWh?: number;
  /**
   * True when `flows` already holds every participant with an order (the auctions' recorder interns them all up
   * front), so buildResult skips its own pass over the orders.
   */
  readonly flowsCoverOrders?: boolean;
}

export function buildResult(p: BuildResultParameters): ClearingResult {
  const { input } = p;
  const columns = p.flows instanceof FlowBook ? p.flows.toColumns() : p.flows;
  // Every participant with an order appears, even one that neither traded nor used the grid.
  if (p.flowsCoverOrders !== true) for (const order of input.orders) columns.intern(order.participant);
  const order = columns.sortedIndices();
  const names = columns.participants.keys;
  const { importWh, exportWh, peerImportWh, peerExportWh } = columns;
  const importPrice = input.gridImportPriceMicroPerKwh;
  const exportPrice = input.gridExportPriceMicroPerKwh;
  const importPriceNumber = Number(importPrice);
  const exportPriceNumber = Number(exportPrice);
  const settlements: Settlement[] = new Array(order.length);
  let netSum = 0n;
  let netSumNumber = 0;
  const anyBig = columns.netBigMicro.size > 0;
  for (let i = 0; i < order.length; i++) {
    const q = order[i]!;
    const net = columns.netMicro[q]!;
    const imported = importWh[q]!;
    const exported = exportWh[q]!;
    // On the number path (both costs safe integers, and so their difference): one bigint, not three.
    const gridOnly = costMicroNumber(imported, importPriceNumber) - costMicroNumber(exported, exportPriceNumber);
    let netPaymentMicro: bigint;
    let gridOnlyPaymentMicro: bigint;
    if (anyBig && columns.netBigMicro.has(q)) {
      netPaymentMicro = columns.netPaymentMicro(q);
      netSum += netPaymentMicro;
    } else {
      netPaymentMicro = net === 0 ? 0n : BigInt(net);
      // Summed as a number while that stays exact, as one bigint addition per participant otherwise.
      if (Number.isSafeInteger(netSumNumber + net)) netSumNumber += net;
      else netSum += netPaymentMicro;
    }
    if (!Number.isSafeInteger(gridOnly)) {
      gridOnlyPaymentMicro = costMicro(imported, importPrice) - costMicro(exported, exportPrice);
    } else if (gridOnly === net && !(anyBig && columns.netBigMicro.has(q))) {
      // A participant that only dealt with the grid: one bigint for both (fewer objects for the collector).
      gridOnlyPaymentMicro = netPaymentMicro;
    } else {
      gridOnlyPaymentMicro = BigInt(gridOnly);
    }
    settlements[i] = {
      participant: names[q]!,
      importWh: imported,
      exportWh: exported,
      peerImportWh: peerImportWh[q]!,
      peerExportWh: peerExportWh[q]!,
      netPaymentMicro,
      gridOnlyPaymentMicro,
    };
  }
  netSum += BigInt(netSumNumber);
  const gridImportCostMicro = p.gridImportCostMicro ?? costMicro(p.gridImportWh, input.gridImportPriceMicroPerKwh);
  const gridExportRevenueMicro =
    p.gridExportRevenueMicro ?? costMicro(p.gridExportWh, input.gridExportPriceMicroPerKwh);
  return {
    mechanism: p.mechanism,
    trades: p.trades,
    settlements,
    prices: p.prices ?? {},
    gridImportWh: p.gridImportWh,
    gridExportWh: p.gridExportWh,
    gridImportCostMicro,
    gridExportRevenueMicro,
    operatorMicro: netSum - gridImportCostMicro + gridExportRevenueMicro,
    curtailedWh: p.curtailedWh ?? 0,
  };
}

/** Net position per participant: offers minus bids, Wh (> 0 sells). Orders of one participant are netted. */
export function netPositions(input: SlotInput): Map<string, number> {
  const net = new Map<string, number>();
  for (const order of input.orders) {
    net.set(
      order.participant,
      (net.get(order.participant) ?? 0) + (order.side === 'offer' ? order.energyWh : -order.energyWh),
    );
  }
  return net;
}
