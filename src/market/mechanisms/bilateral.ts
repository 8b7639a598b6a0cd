/**
 * @module market/mechanisms/bilateral
 * Day-ahead open P2P trading with bilateral preferences (MISSION K5). Seed `002_8bd9666f651e42a3.txt` §3:
 * "For determining the bilateral trading preferences of households participating in a fully Peer-to-Peer (P2P)
 * local energy market, this paper proposes two novel approaches. The participants' demand for surplus power is
 * the foundation for the first strategy, while the network distance is the foundation for the second. … A
 * decentralized completely P2P energy exchanging market is created to produce the outcomes in a day-ahead
 * setting." The seed gives neither a matching algorithm nor a price formula; what follows is our reading [R]:
 *  - `preference: 'demand'` (default): sellers in merit order (ask ascending, then sequence, id) each serve, among
 *    the buyers whose bid covers their ask, the one with the largest remaining demand first (ties: higher bid,
 *    then sequence, id), until their surplus or the compatible demand runs out.
 *  - `preference: 'distance'`: buyers in merit order (bid descending, then sequence, id) each buy from the nearest
 *    sellers first by `params.distance` over the orders' `location` (ties: the location whose cheapest seller
 *    was cheaper at the start), and within one location the cheapest ask first, while ask ≤ bid.
 *  - Decentralized pricing: each pair agrees on its own price, the midpoint of the buyer's bid and the seller's
 *    ask, clamped to [λs, λb]. The seed states no formula; the midpoint is the k = 0.5 pair price of reference
 *    §5.2 (a) (Liaquat 2023 eq. 20) and the clamp is §5.1 step 6. Since bids below λs and asks above λb do not
 *    trade (auctionBook.ts), the clamped midpoint stays within both limits.
 *  - Whatever is left settles with the grid at λb / λs (K8).
 */
import type { ClearingMechanism, ClearingResult, SlotInput } from '../types.js';
import {
  clampPrice,
  invalidInput,
  kPrice,
  readBook,
  readParams,
  sortMeritOrder,
  TradeRecorder,
} from './auctionBook.js';

export const BILATERAL = 'bilateral';

export type BilateralPreference = 'demand' | 'distance';

/** Network distance between two locations (≥ 0; +∞ = least preferred, still allowed to trade). */
export type DistanceFunction = (from: string | undefined, to: string | undefined) => number;

/** Distances by location: `table[from][to]` (or `table[to][from]`, distances are symmetric when only one is given). */
export type DistanceTable = Readonly<Record<string, Readonly<Record<string, number>>>>;

export interface BilateralParams {
  /** Default `'demand'`. */
  readonly preference?: BilateralPreference;
  /** For `'distance'`: a function or a table; default {@link locationDistance}. */
  readonly distance?: DistanceFunction | DistanceTable;
}

/**
 * The default network distance: 0 between equal locations (two orders without one included); |a − b| when both
 * are numbers (a feeder position such as "3" and "7" → 4); +∞ otherwise (least preferred, still reachable).
 */
export function locationDistance(from: string | undefined, to: string | undefined): number {
  if (from === to) return 0;
  if (from === undefined || to === undefined || from.trim() === '' || to.trim() === '') {
    return Number.POSITIVE_INFINITY;
  }
  const a = Number(from);
  const b = Number(to);
  return Number.isFinite(a) && Number.isFinite(b) ? Math.abs(a - b) : Number.POSITIVE_INFINITY;
}

/** A {@link DistanceFunction} reading `table[from][to]`, else `table[to][from]`, else 0 for equal locations, else +∞. */
export function distanceFromTable(table: DistanceTable): DistanceFunction {
  const lookup = (a: string, b: string): number | undefined => {
    const row = Object.hasOwn(table, a) ? table[a] : undefined;
    return row !== undefined && Object.hasOwn(row, b) ? row[b] : undefined;
  };
  return (from, to) => {
    if (from !== undefined && to !== undefined) {
      const d = lookup(from, to) ?? lookup(to, from);
      if (d !== undefined) return d;
    }
    return from === to ? 0 : Number.POSITIVE_INFINITY;
  };
}

/** The decentralized pair price: (bid + ask)/2 rounded half away from zero, clamped to [λs, λb]. */
export function midpointPrice(
  bidMicroPerKwh: bigint,
  askMicroPerKwh: bigint,
  exportPrice: bigint,
  importPrice: bigint,
): bigint {
  return clampPrice(kPrice(askMicroPerKwh, bidMicroPerKwh, 0.5), exportPrice, importPrice);
}

/** A binary heap of order indices under a strict "comes first" relation. */
class IndexHeap {
  private readonly heap: number[] = [];
  private readonly before: (a: number, b: number) => boolean;

  constructor(before: (a: number, b: number) => boolean) {
    this.before = before;
  }

  get size(): number {
    return this.heap.length;
  }

  peek(): number {
    return this.heap[0]!;
  }

  push(value: number): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(value, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = value;
  }

  pop(): void {
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDownTop();
    }
  }

  /** Restores the heap after the top's key moved back (its remaining demand fell). */
  siftDownTop(): void {
    const heap = this.heap;
    const size = heap.length;
    const value = heap[0]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && this.before(heap[child + 1]!, heap[child]!)) child++;
      if (!this.before(heap[child]!, value)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = value;
  }
}

function readDistance(value: unknown): DistanceFunction {
  if (value === undefined) return locationDistance;
  if (typeof value === 'function') return value as DistanceFunction;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return distanceFromTable(value as DistanceTable);
  }
  throw invalidInput('distance', 'must be a function or a table of distances by location');
}

/**
 * Clears one day-ahead slot by bilateral matching with preferences (seed 002 §3, MISSION K5); see the module
 * comment for the rules. `Trade.priceMicroPerKwh` is the pair's midpoint price.
 * @throws GridPeerError MARKET_INVALID_INPUT for an invalid slot, an unknown preference, or a distance that is
 *   negative or not a number.
 */
export function clearBilateral(input: SlotInput, params?: BilateralParams): ClearingResult {
  const record = readParams(params);
  const preference = record['preference'] ?? 'demand';
  if (preference !== 'demand' && preference !== 'distance') {
    throw invalidInput('preference', 'must be "demand" or "distance"', { value: String(preference) });
  }
  const distance = readDistance(record['distance']);
  const book = readBook(input);
  sortMeritOrder(book);
  const recorder = new TradeRecorder(book);
  const { price, energyWh, orders, bids, asks } = book;
  const lambdaS = input.gridExportPriceMicroPerKwh;
  const lambdaB = input.gridImportPriceMicroPerKwh;
  const left = Float64Array.from(energyWh);
  const pairPrice = (bid: number, ask: number) =>
    midpointPrice(BigInt(price[bid]!), BigInt(price[ask]!), lambdaS, lambdaB);

  if (preference === 'demand') {
    // Merit rank of each bid (its position in `bids`) breaks ties of equal demand: higher bid, sequence, id.
    const rank = new Float64Array(orders.length);
    bids.forEach((order, position) => {
      rank[order] = position;
    });
    const buyers = new IndexHeap((a, b) => left[a]! > left[b]! || (left[a] === left[b] && rank[a]! < rank[b]!));
    for (const bid of bids) buyers.push(bid);
    for (const ask of asks) {
      while (left[ask]! > 0 && buyers.size > 0) {
        const bid = buyers.peek();
        // Asks only rise from here on, so a buyer whose bid is below this ask can trade with no later seller.
        if (price[bid]! < price[ask]!) {
          buyers.pop();
          continue;
        }
        const q = Math.min(left[ask]!, left[bid]!);
        recorder.trade(bid, ask, q, pairPrice(bid, ask));
        left[ask]! -= q;
        left[bid]! -= q;
        if (left[bid] === 0) buyers.pop();
        else buyers.siftDownTop();
      }
    }
    return recorder.finish(BILATERAL);
  }

  // 'distance': sellers grouped by location, each group in merit order (asks are sorted already).
  interface Group {
    readonly location: string | undefined;
    readonly sellers: number[];
    /** The first seller with energy left. */
    front: number;
  }
  const groupByLocation = new Map<string | undefined, Group>();
  const groups: Group[] = [];
  for (const ask of asks) {
    const location = orders[ask]!.location;
    let group = groupByLocation.get(location);
    if (group === undefined) {
      group = { location, sellers: [], front: 0 };
      groupByLocation.set(location, group);
      groups.push(group);
    }
    group.sellers.push(ask);
  }
  // Groups nearest first from each buyer location; `groups` is ordered by each group's cheapest seller, and the
  // sort is stable, so that order breaks ties of distance.
  const nearestFirst = new Map<string | undefined, Group[]>();
  const groupsFrom = (location: string | undefined): Group[] => {
    let list = nearestFirst.get(location);
    if (list === undefined) {
      const withDistance = groups.map((group) => {
        const d = distance(location, group.location);
        if (typeof d !== 'number' || Number.isNaN(d) || d < 0) {
          throw invalidInput('distance', 'must return a non-negative number (or +∞)', {
            from: String(location),
            to: String(group.location),
            value: String(d),
          });
        }
        return { group, d };
      });
      withDistance.sort((a, b) => (a.d < b.d ? -1 : a.d > b.d ? 1 : 0));
      list = withDistance.map(({ group }) => group);
      nearestFirst.set(location, list);
    }
    return list;
  };
  for (const bid of bids) {
    for (const group of groupsFrom(orders[bid]!.location)) {
      const sellers = group.sellers;
      while (left[bid]! > 0 && group.front < sellers.length) {
        const ask = sellers[group.front]!;
        // The group's cheapest remaining seller asks more than this bid: so does every other seller in it.
        if (price[ask]! > price[bid]!) break;
        const q = Math.min(left[ask]!, left[bid]!);
        recorder.trade(bid, ask, q, pairPrice(bid, ask));
        left[ask]! -= q;
        left[bid]! -= q;
        if (left[ask] === 0) group.front++;
      }
      if (left[bid] === 0) break;
    }
  }
  return recorder.finish(BILATERAL);
}

export const bilateral: ClearingMechanism<BilateralParams> = {
  name: BILATERAL,
  description: 'Day-ahead bilateral matching by demand or network distance, each pair at its bid/ask midpoint',
  clear: clearBilateral,
};
