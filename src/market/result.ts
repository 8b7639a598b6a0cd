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
 * Flows keyed by participant, created on first use. Each participant is interned once: it gets an index into
 * plain arrays, and the Map is only consulted by {@link get} and {@link intern} (a mechanism that keeps the index,
 * such as the auctions' recorder, never looks a participant up again).
 */
export class FlowBook {
  private readonly index: StringIndex;
  private readonly names: string[];
  private readonly flows: Flow[] = [];

  /** @param expected how many participants there will probably be (sizes the index once). */
  constructor(expected = 0) {
    this.index = new StringIndex(expected);
    this.names = this.index.keys;
  }

  /** The participant's index (created with an empty flow on first use). */
  intern(participant: string): number {
    const index = this.index.intern(participant);
    if (index === this.flows.length) this.flows.push(emptyFlow());
    return index;
  }

  get(participant: string): Flow {
    return this.flows[this.intern(participant)]!;
  }

  /** The flow of the participant with index `index` (from {@link intern}). */
  at(index: number): Flow {
    return this.flows[index]!;
  }

  get size(): number {
    return this.names.length;
  }

  entries(): Array<[string, Flow]> {
    return this.names.map((name, i) => [name, this.flows[i]!]);
  }

  /** Every flow, in the order participants first appeared. */
  values(): readonly Flow[] {
    return this.flows;
  }

  /**
   * Participant ids in ascending UTF-16 code-unit order (the order `<` gives strings). The default sort compares
   * strings natively; a JavaScript comparator made building a result of 1 M participants several times slower.
   */
  sortedParticipants(): string[] {
    return this.names.slice().sort();
  }

  /**
   * The flows in {@link sortedParticipants} order, with their participants. When participants were interned in
   * that order already, no lookup is needed; otherwise one Map lookup per participant after the sort.
   */
  sorted(): { readonly participants: readonly string[]; readonly flows: readonly Flow[] } {
    const names = this.names;
    let inOrder = true;
    for (let i = 1; i < names.length && inOrder; i++) if (!(names[i - 1]! < names[i]!)) inOrder = false;
    if (inOrder) return { participants: names, flows: this.flows };
    const participants = names.slice().sort();
    const flows: Flow[] = new Array(participants.length);
    for (let i = 0; i < participants.length; i++) flows[i] = this.flows[this.index.find(participants[i]!)]!;
    return { participants, flows };
  }
}

export interface BuildResultParameters {
  readonly mechanism: string;
  readonly input: SlotInput;
  readonly trades: readonly Trade[];
  readonly flows: FlowBook;
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
  // Every participant with an order appears, even one that neither traded nor used the grid.
  if (p.flowsCoverOrders !== true) for (const order of input.orders) p.flows.intern(order.participant);
  const { participants, flows } = p.flows.sorted();
  const importPrice = input.gridImportPriceMicroPerKwh;
  const exportPrice = input.gridExportPriceMicroPerKwh;
  const importPriceNumber = Number(importPrice);
  const exportPriceNumber = Number(exportPrice);
  const settlements: Settlement[] = new Array(participants.length);
  let netSum = 0n;
  for (let i = 0; i < participants.length; i++) {
    const flow = flows[i]!;
    netSum += flow.netPaymentMicro;
    // On the number path (both costs safe integers, and so their difference): one bigint, not three.
    const gridOnly =
      costMicroNumber(flow.importWh, importPriceNumber) - costMicroNumber(flow.exportWh, exportPriceNumber);
    settlements[i] = {
      participant: participants[i]!,
      importWh: flow.importWh,
      exportWh: flow.exportWh,
      peerImportWh: flow.peerImportWh,
      peerExportWh: flow.peerExportWh,
      netPaymentMicro: flow.netPaymentMicro,
      gridOnlyPaymentMicro: Number.isSafeInteger(gridOnly)
        ? BigInt(gridOnly)
        : costMicro(flow.importWh, importPrice) - costMicro(flow.exportWh, exportPrice),
    };
  }
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
