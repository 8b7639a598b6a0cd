/**
 * @module market/mechanisms/auctionBook
 * What the double auctions (uniform, pay-as-bid, McAfee, continuous) and bilateral matching share
 * (reference §5, `../shared/reference/market-mechanisms.md`): the checks on a slot's input, limit prices resolved
 * and read once into typed arrays, the merit-order sort, the greedy merit-order sweep (§5.1 steps 1–2), and a
 * recorder that books trades, sends what is left to the grid and hands everything to {@link buildResult}.
 *
 * Numbers inside, bigint at the boundaries: a price in micro-coins per kWh is checked to be a safe integer
 * (|p| ≤ 2^53 − 1), so it is exact as a double and comparing doubles compares the prices. Prices leave as bigint,
 * and money is only ever computed in bigint ({@link costMicro}).
 *
 * Who may trade. An order without `limitPriceMicroPerKwh` bids λb or asks λs (its side's grid price). The
 * reference clamps every price to [λs, λb] (§5.1 step 6: "Otherwise a participant could do better with the
 * grid"). A bid below λs or an ask above λb could then only trade outside its own limit, so such orders are kept
 * out of the book and settle with the grid (§5.1 "Imbalance"). Every remaining bid is ≥ λs and every remaining
 * ask ≤ λb, which is what makes a clamped price stay inside both parties' limits.
 */
import { GridPeerError } from '../../errors/index.js';
import { costMicro, costMicroNumber, divRound } from '../money.js';
import { buildResult, FlowColumns } from '../result.js';
import type { ClearingResult, Order, SlotInput, Trade } from '../types.js';
import { assertValidSlotInput } from './pool.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_BIG = BigInt(MAX_SAFE);
/** Trade sizes (Wh) whose amounts the recorder caches as bigints, and the book size from which it does. */
const AMOUNT_CACHE_SIZE = 8192;

/** The coded error of this family: `field` names what was rejected, as `assertValidSlotInput` does. */
export function invalidInput(field: string, rule: string, details: Record<string, unknown> = {}): GridPeerError {
  return new GridPeerError('MARKET_INVALID_INPUT', `${field} ${rule}`, { field, ...details });
}

/** A slot's orders read into arrays indexed like `input.orders`. */
export interface AuctionBook {
  readonly input: SlotInput;
  readonly orders: readonly Order[];
  /** Resolved limit price per order, micro-coins per kWh (absent limit = λb for a bid, λs for an offer). */
  readonly price: Float64Array;
  /** `sequence` per order; absent = +∞, so orders without one come after every order with one. */
  readonly sequence: Float64Array;
  readonly energyWh: Float64Array;
  /** 1 for a bid, 0 for an offer (read once, so the hot loops never touch the order objects). */
  readonly isBid: Uint8Array;
  /** Orders that may trade (energy > 0, bid ≥ λs, ask ≤ λb): input order until {@link sortMeritOrder}. */
  readonly bids: Int32Array;
  readonly asks: Int32Array;
  /** λb and λs as exact numbers. */
  readonly importPrice: number;
  readonly exportPrice: number;
}

function safePrice(value: unknown, field: string): number {
  if (typeof value !== 'bigint' || value > MAX_SAFE_BIG || value < -MAX_SAFE_BIG) {
    throw invalidInput(field, 'must be a bigint of at most 2^53 − 1 micro-coins per kWh', {
      value: typeof value === 'bigint' ? value.toString() : String(value),
    });
  }
  return Number(value);
}

/**
 * Checks the slot (`assertValidSlotInput` of the pool mechanisms, plus the auctions' own fields) and reads it into
 * an {@link AuctionBook}.
 * @throws GridPeerError MARKET_INVALID_INPUT naming the field: everything `assertValidSlotInput` rejects (repeated
 *   ids, bad energies or sides, λb < λs, negative grid prices, …), a grid or limit price that is not a bigint of
 *   magnitude ≤ 2^53 − 1, or a `sequence` that is not a finite number.
 */
export function readBook(input: SlotInput): AuctionBook {
  assertValidSlotInput(input);
  const importPrice = safePrice(input.gridImportPriceMicroPerKwh, 'gridImportPriceMicroPerKwh');
  const exportPrice = safePrice(input.gridExportPriceMicroPerKwh, 'gridExportPriceMicroPerKwh');
  const orders = input.orders;
  const n = orders.length;
  const price = new Float64Array(n);
  const sequence = new Float64Array(n);
  const energyWh = new Float64Array(n);
  const isBid = new Uint8Array(n);
  const bids = new Int32Array(n);
  const asks = new Int32Array(n);
  let bidCount = 0;
  let askCount = 0;
  for (let i = 0; i < n; i++) {
    const order = orders[i]!;
    const energy = order.energyWh;
    energyWh[i] = energy;
    const seq = order.sequence;
    if (seq === undefined) sequence[i] = Number.POSITIVE_INFINITY;
    else if (typeof seq === 'number' && Number.isFinite(seq)) sequence[i] = seq;
    else throw invalidInput(`orders[${i}].sequence`, 'must be a finite number', { value: String(seq) });
    const limit = order.limitPriceMicroPerKwh;
    if (order.side === 'bid') {
      isBid[i] = 1;
      const p = limit === undefined ? importPrice : safePrice(limit, `orders[${i}].limitPriceMicroPerKwh`);
      price[i] = p;
      if (energy > 0 && p >= exportPrice) bids[bidCount++] = i;
    } else {
      const p = limit === undefined ? exportPrice : safePrice(limit, `orders[${i}].limitPriceMicroPerKwh`);
      price[i] = p;
      if (energy > 0 && p <= importPrice) asks[askCount++] = i;
    }
  }
  return {
    input,
    orders,
    price,
    sequence,
    energyWh,
    isBid,
    bids: bids.subarray(0, bidCount),
    asks: asks.subarray(0, askCount),
    importPrice,
    exportPrice,
  };
}

/** Time priority (reference §5.1 step 1: "Break ties by submission time, then by id"): sequence, then id. */
export function compareArrival(book: AuctionBook, a: number, b: number): number {
  const sa = book.sequence[a]!;
  const sb = book.sequence[b]!;
  if (sa !== sb) return sa < sb ? -1 : 1;
  const ia = book.orders[a]!.id;
  const ib = book.orders[b]!.id;
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

/** Smallest and largest `key[item]` over `items`, or null when a key is not a safe integer (or there are none). */
function integerKeyRange(items: Int32Array, key: Float64Array): { min: number; max: number } | null {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < items.length; j++) {
    const k = key[items[j]!]!;
    if (!Number.isSafeInteger(k)) return null;
    if (k < min) min = k;
    if (k > max) max = k;
  }
  return items.length === 0 ? null : { min, max };
}

/**
 * Sorts `items` ascending by `key[item]`, ties by item, with one native sort of packed doubles
 * `(key − min)·radix + item`: no JavaScript comparator, about twice as fast as a comparison sort over typed arrays
 * for 500 k orders with distinct prices (measured on Node 20). Exact, and done, only when every key is a safe
 * integer and the packed values stay below 2^53 (`radix` > every item); returns false otherwise.
 */
function packedSort(items: Int32Array, key: Float64Array, radix: number): boolean {
  const m = items.length;
  const range = integerKeyRange(items, key);
  if (range === null) return false;
  const { min, max } = range;
  if ((max - min + 1) * radix > MAX_SAFE) return false;
  const packed = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const item = items[j]!;
    packed[j] = (key[item]! - min) * radix + item;
  }
  packed.sort();
  for (let j = 0; j < m; j++) items[j] = packed[j]! % radix;
  return true;
}

/** Counting sort is used while the key range is at most this many times the number of items. */
const COUNTING_RANGE_PER_ITEM = 4;

/**
 * Sorts `items` ascending by `key[item]`, stable, by counting: O(items + range) with no comparison at all. For
 * integer keys whose range is small next to the number of items: arrival counters (a permutation of 0…n−1) and
 * the prices of a large book (every micro-coin step between λs and λb is a bucket). Returns false, untouched,
 * when a key is not an integer or the range is too wide.
 */
function countingSort(items: Int32Array, key: Float64Array): boolean {
  const m = items.length;
  if (m < 2) return true;
  const keys = integerKeyRange(items, key);
  if (keys === null) return false;
  const { min } = keys;
  const range = keys.max - min + 1;
  if (!(range <= COUNTING_RANGE_PER_ITEM * m)) return false;
  const start = new Int32Array(range + 1);
  for (let j = 0; j < m; j++) start[key[items[j]!]! - min + 1]!++;
  for (let b = 1; b <= range; b++) start[b]! += start[b - 1]!;
  const sorted = new Int32Array(m);
  for (let j = 0; j < m; j++) {
    const item = items[j]!;
    sorted[start[key[item]! - min]!++] = item;
  }
  items.set(sorted);
  return true;
}

/** Puts `items[start..end)` in arrival order: insertion sort for the short runs that are usual, else a sort. */
function sortRunByArrival(book: AuctionBook, items: Int32Array, start: number, end: number): void {
  if (end - start > 16) {
    items.subarray(start, end).sort((a, b) => compareArrival(book, a, b));
    return;
  }
  for (let x = start + 1; x < end; x++) {
    const item = items[x]!;
    let y = x - 1;
    while (y >= start && compareArrival(book, items[y]!, item) > 0) {
      items[y + 1] = items[y]!;
      y--;
    }
    items[y + 1] = item;
  }
}

/**
 * Sorts `items` by `key[item]` ascending, ties in arrival order ({@link compareArrival}): a counting sort when the
 * key range is small, else a packed native sort, and then only the runs of equal keys sorted by arrival; a
 * comparison sort when the keys do neither.
 */
function sortByKeyThenArrival(book: AuctionBook, items: Int32Array, key: Float64Array): void {
  if (!countingSort(items, key) && !packedSort(items, key, Math.max(book.orders.length, 1))) {
    items.sort((a, b) => {
      const ka = key[a]!;
      const kb = key[b]!;
      return ka < kb ? -1 : ka > kb ? 1 : compareArrival(book, a, b);
    });
    return;
  }
  let start = 0;
  for (let j = 1; j <= items.length; j++) {
    if (j === items.length || key[items[j]!] !== key[items[start]!]) {
      if (j - start > 1) sortRunByArrival(book, items, start, j);
      start = j;
    }
  }
}

/**
 * The orders of the book that may trade, in arrival order: by `sequence` (absent last), then id (reference §5.1
 * step 1, §5.4). Input already in that order (the usual case) is only checked.
 */
export function arrivalOrder(book: AuctionBook): Int32Array {
  const arrival = new Int32Array(book.bids.length + book.asks.length);
  arrival.set(book.bids, 0);
  arrival.set(book.asks, book.bids.length);
  // Sorted by index, the two lists merge into input order.
  arrival.sort();
  let sorted = true;
  for (let j = 1; j < arrival.length && sorted; j++) {
    if (compareArrival(book, arrival[j - 1]!, arrival[j]!) > 0) sorted = false;
  }
  if (sorted) return arrival;
  // An absent sequence (+∞) becomes max + 1: still last, and the keys can pack.
  const key = Float64Array.from(book.sequence);
  let maxFinite = Number.NEGATIVE_INFINITY;
  for (const seq of key) if (seq !== Number.POSITIVE_INFINITY && seq > maxFinite) maxFinite = seq;
  const absent = maxFinite === Number.NEGATIVE_INFINITY ? 0 : maxFinite + 1;
  for (let i = 0; i < key.length; i++) if (key[i] === Number.POSITIVE_INFINITY) key[i] = absent;
  sortByKeyThenArrival(book, arrival, key);
  return arrival;
}

/**
 * Sorts `book.bids` by price descending and `book.asks` by price ascending, ties by arrival (reference §5.1 step 1:
 * "Break ties by submission time, then by id"), each side with {@link sortByKeyThenArrival}.
 */
export function sortMeritOrder(book: AuctionBook): void {
  const negated = book.price.map((p) => -p);
  sortByKeyThenArrival(book, book.bids, negated);
  sortByKeyThenArrival(book, book.asks, book.price);
}

/** The matches of a merit-order sweep, and where it stopped. */
export interface Sweep {
  readonly count: number;
  /** Per match: the bid's and the offer's order index and the quantity. */
  readonly bid: Int32Array;
  readonly ask: Int32Array;
  readonly quantity: Float64Array;
  /** Sum of the matched quantities. */
  readonly total: number;
  /** Position in the sorted bids of the first bid not completely filled (= bids.length when all were). */
  readonly nextBid: number;
  /** What is left of that bid (0 when there is none). */
  readonly nextBidLeft: number;
  readonly nextAsk: number;
  readonly nextAskLeft: number;
}

/**
 * Greedy matching of reference §5.1 step 2 on sorted `bids` and `asks`: the best remaining bid takes from the best
 * remaining ask while bid ≥ ask, each match the smaller of the two remainders.
 * @param quantity per order index, > 0 for every order in `bids` and `asks` (Wh, or units for McAfee).
 * @param maxTotal stop once this much is matched (McAfee's K − 1 units); unbounded by default.
 */
export function sweepMeritOrder(
  bids: Int32Array,
  asks: Int32Array,
  price: Float64Array,
  quantity: Float64Array,
  maxTotal = Number.POSITIVE_INFINITY,
): Sweep {
  const nb = bids.length;
  const na = asks.length;
  // Every match exhausts a bid or an ask, so there are fewer than nb + na.
  const capacity = Math.max(0, nb + na - 1);
  const bidOut = new Int32Array(capacity);
  const askOut = new Int32Array(capacity);
  const quantityOut = new Float64Array(capacity);
  let ib = 0;
  let ja = 0;
  let bidLeft = nb > 0 ? quantity[bids[0]!]! : 0;
  let askLeft = na > 0 ? quantity[asks[0]!]! : 0;
  let count = 0;
  let total = 0;
  while (ib < nb && ja < na && total < maxTotal) {
    const b = bids[ib]!;
    const a = asks[ja]!;
    if (price[b]! < price[a]!) break;
    let q = Math.min(bidLeft, askLeft);
    if (q > maxTotal - total) q = maxTotal - total;
    bidOut[count] = b;
    askOut[count] = a;
    quantityOut[count] = q;
    count++;
    total += q;
    bidLeft -= q;
    askLeft -= q;
    if (bidLeft === 0) {
      ib++;
      bidLeft = ib < nb ? quantity[bids[ib]!]! : 0;
    }
    if (askLeft === 0) {
      ja++;
      askLeft = ja < na ? quantity[asks[ja]!]! : 0;
    }
  }
  return {
    count,
    bid: bidOut,
    ask: askOut,
    quantity: quantityOut,
    total,
    nextBid: ib,
    nextBidLeft: bidLeft,
    nextAsk: ja,
    nextAskLeft: askLeft,
  };
}

/** Resolution of `k`: k-rule prices are computed as lo + round(k·10^9)·(hi − lo)/10^9, rounded once. */
const K_SCALE = 1_000_000_000n;

/**
 * The k-rule `lo + k·(hi − lo)` (reference §5.1 step 4, JASA `kInterval`; §5.2 (a)), rounded half away from zero
 * to whole micro-coins per kWh. `k` is applied at a resolution of 10^-9 so the result is exact integer arithmetic.
 */
export function kPrice(lo: bigint, hi: bigint, k: number): bigint {
  return lo + divRound(BigInt(Math.round(k * 1e9)) * (hi - lo), K_SCALE);
}

/** `value` clamped to [lo, hi] (reference §5.1 step 6: to [λs, λb]). */
export function clampPrice(value: bigint, lo: bigint, hi: bigint): bigint {
  return value < lo ? lo : value > hi ? hi : value;
}

/** Reads the optional `k ∈ [0, 1]` of a k-rule mechanism. */
export function readK(value: unknown): number {
  if (value === undefined) return 0.5;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw invalidInput('k', 'must be a number in [0, 1]', { value: String(value) });
  }
  return value;
}

/** Checks that `params` is absent or an object and returns it as a record (parameters may come from JSON). */
export function readParams(params: unknown): Readonly<Record<string, unknown>> {
  if (params === undefined || params === null) return {};
  if (typeof params !== 'object' || Array.isArray(params)) throw invalidInput('params', 'must be an object');
  return params as Record<string, unknown>;
}

/**
 * Books the trades of one slot, sends what each order has left to the grid and builds the {@link ClearingResult}.
 * Participants are interned once per order, up front, so the result needs no pass of its own over the orders. At gate closure each participant settles the energy it did
 * not exchange with peers with the grid (reference §5.1 "Imbalance": unmatched bids buy at λb, unmatched asks sell
 * at λs), rounded once per participant (§0: "round once at billing"). As with `GridFallback`, the grid columns of
 * the result are the sums of those bills, so the operator keeps exactly the spreads (pay-as-bid (c), McAfee) and
 * nothing else.
 */
export class TradeRecorder {
  readonly trades: Trade[] = [];
  private readonly book: AuctionBook;
  /**
   * Energy and money per participant index, as columns. Net payments stay numbers (`flows.netMicro`) while exact:
   * `absTotal` bounds every partial sum, and while it stays ≤ 2^53 − 1 each sum is a safe integer. An amount that
   * would break that goes to the participant's bigint (`flows.addBig`).
   */
  private readonly flows: FlowColumns;
  /** Participant index per order. */
  private readonly participantOf: Int32Array;
  /**
   * Participant ids by index and order ids by order index: read once, in input order, so booking a trade (in
   * merit order) touches compact arrays instead of a million scattered order objects.
   */
  private readonly participantIds: readonly string[];
  private readonly orderIds: string[];
  private readonly filledWh: Float64Array;
  private absTotal = 0;
  private lastPrice = 0n;
  private lastPriceNumber = 0;
  /**
   * The buyer's amount as a bigint per whole `energyWh` below the cache size, at `lastPrice` (valid where the stamp
   * is the current generation): a large book has many trades of the same size at one price, and each saves a
   * bigint. Only for books of at least {@link AMOUNT_CACHE_SIZE} orders (smaller ones would pay for the arrays).
   */
  private readonly amountStamp: Int32Array | null;
  private readonly amountValue: bigint[];
  private generation = 1;

  constructor(book: AuctionBook) {
    this.book = book;
    const orders = book.orders;
    const flows = new FlowColumns(orders.length);
    const participantOf = new Int32Array(orders.length);
    const orderIds: string[] = new Array(orders.length);
    for (let i = 0; i < orders.length; i++) {
      const order = orders[i]!;
      participantOf[i] = flows.intern(order.participant);
      orderIds[i] = order.id;
    }
    this.flows = flows;
    this.participantIds = flows.participants.keys;
    this.orderIds = orderIds;
    this.participantOf = participantOf;
    this.filledWh = new Float64Array(orders.length);
    const cached = orders.length >= AMOUNT_CACHE_SIZE;
    this.amountStamp = cached ? new Int32Array(AMOUNT_CACHE_SIZE) : null;
    this.amountValue = cached ? new Array<bigint>(AMOUNT_CACHE_SIZE).fill(0n) : [];
  }

  private priceNumber(price: bigint): number {
    if (price !== this.lastPrice) {
      this.lastPrice = price;
      this.lastPriceNumber = Number(price);
      this.generation++;
    }
    return this.lastPriceNumber;
  }

  /** `BigInt(amount)` for the amount of `energyWh` at `lastPrice` (a safe integer), shared through the cache. */
  private amountBigint(energyWh: number, amount: number): bigint {
    const stamp = this.amountStamp;
    if (stamp === null || !(energyWh < AMOUNT_CACHE_SIZE) || !Number.isInteger(energyWh)) return BigInt(amount);
    if (stamp[energyWh] === this.generation) return this.amountValue[energyWh]!;
    const value = BigInt(amount);
    stamp[energyWh] = this.generation;
    this.amountValue[energyWh] = value;
    return value;
  }

  /** Adds `amount` (a safe integer or NaN) to participant `p`'s numeric net payment; false when it cannot. */
  private addNumber(p: number, amount: number): boolean {
    const magnitude = amount < 0 ? -amount : amount;
    // NaN fails the comparison too.
    if (!(this.absTotal + magnitude <= MAX_SAFE)) return false;
    this.absTotal += magnitude;
    this.flows.netMicro[p]! += amount;
    return true;
  }

  /**
   * One trade of `energyWh` between bid order `bid` and offer order `ask` (indices into the orders). The buyer
   * pays `energyWh × buyerPrice`, the seller receives `energyWh × sellerPrice` (the same unless the operator keeps
   * a spread), each rounded once. `Trade.priceMicroPerKwh` is the buyer's price.
   */
  trade(bid: number, ask: number, energyWh: number, buyerPrice: bigint, sellerPrice: bigint = buyerPrice): void {
    const buyer = this.participantOf[bid]!;
    const seller = this.participantOf[ask]!;
    const buyerAmount = costMicroNumber(energyWh, this.priceNumber(buyerPrice));
    const sellerAmount = sellerPrice === buyerPrice ? buyerAmount : costMicroNumber(energyWh, Number(sellerPrice));
    const amountMicro = !Number.isNaN(buyerAmount)
      ? this.amountBigint(energyWh, buyerAmount)
      : costMicro(energyWh, buyerPrice);
    const sellerAmountMicro =
      sellerPrice === buyerPrice
        ? amountMicro
        : !Number.isNaN(sellerAmount)
          ? BigInt(sellerAmount)
          : costMicro(energyWh, sellerPrice);
    this.trades.push({
      sellerId: this.participantIds[seller]!,
      buyerId: this.participantIds[buyer]!,
      offerId: this.orderIds[ask]!,
      bidId: this.orderIds[bid]!,
      energyWh,
      priceMicroPerKwh: buyerPrice,
      amountMicro,
      sellerAmountMicro,
    });
    const flows = this.flows;
    flows.importWh[buyer]! += energyWh;
    flows.peerImportWh[buyer]! += energyWh;
    if (!this.addNumber(buyer, buyerAmount)) flows.addBig(buyer, amountMicro);
    flows.exportWh[seller]! += energyWh;
    flows.peerExportWh[seller]! += energyWh;
    if (!this.addNumber(seller, -sellerAmount)) flows.addBig(seller, -sellerAmountMicro);
    this.filledWh[bid]! += energyWh;
    this.filledWh[ask]! += energyWh;
  }

  /** Gate closure (K8): every order's unfilled energy goes to the grid, billed per participant; then the result. */
  finish(mechanism: string, prices: ClearingResult['prices'] = {}): ClearingResult {
    const { orders, energyWh, isBid, input } = this.book;
    let gridImportWh = 0;
    let gridExportWh = 0;
    for (let i = 0; i < orders.length; i++) {
      const left = energyWh[i]! - this.filledWh[i]!;
      if (left === 0) continue;
      if (isBid[i] === 1) {
        this.flows.importWh[this.participantOf[i]!]! += left;
        gridImportWh += left;
      } else {
        this.flows.exportWh[this.participantOf[i]!]! += left;
        gridExportWh += left;
      }
    }
    // Grid bills on the number path while exact (each total is bounded by absTotal, as the net payments are).
    let gridImportCostMicro = 0n;
    let gridExportRevenueMicro = 0n;
    let gridImportCostNumber = 0;
    let gridExportRevenueNumber = 0;
    const importPrice = input.gridImportPriceMicroPerKwh;
    const exportPrice = input.gridExportPriceMicroPerKwh;
    const importPriceNumber = Number(importPrice);
    const exportPriceNumber = Number(exportPrice);
    const { importWh, exportWh, peerImportWh, peerExportWh } = this.flows;
    for (let p = 0; p < this.flows.size; p++) {
      const fromGridWh = importWh[p]! - peerImportWh[p]!;
      if (fromGridWh > 0) {
        const cost = costMicroNumber(fromGridWh, importPriceNumber);
        if (this.addNumber(p, cost)) gridImportCostNumber += cost;
        else {
          const big = costMicro(fromGridWh, importPrice);
          this.flows.addBig(p, big);
          gridImportCostMicro += big;
        }
      }
      const toGridWh = exportWh[p]! - peerExportWh[p]!;
      if (toGridWh > 0) {
        const revenue = costMicroNumber(toGridWh, exportPriceNumber);
        if (this.addNumber(p, -revenue)) gridExportRevenueNumber += revenue;
        else {
          const big = costMicro(toGridWh, exportPrice);
          this.flows.addBig(p, -big);
          gridExportRevenueMicro += big;
        }
      }
    }
    gridImportCostMicro += BigInt(gridImportCostNumber);
    gridExportRevenueMicro += BigInt(gridExportRevenueNumber);
    return buildResult({
      mechanism,
      input,
      trades: this.trades,
      flows: this.flows,
      gridImportWh,
      gridExportWh,
      gridImportCostMicro,
      gridExportRevenueMicro,
      prices,
      flowsCoverOrders: true,
    });
  }
}
