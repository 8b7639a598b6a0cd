/**
 * Double-auction clearing time against sorting the same orders (MISSION K6; target of the issue: clearing 1 M
 * orders takes at most 2× sorting them).
 *
 * Measured in one run, for 1 k, 100 k and 1 M random orders (half bids, half offers, one participant each):
 *  - ours: `clearUniformAuction` (src/market/mechanisms/uniformAuction.ts) and `clearContinuousAuction`
 *    (continuousAuction.ts), the whole ClearingResult included (trades, a settlement per participant, grid bills);
 *  - ours, matching core only: the same input checks, book and matching without building the result
 *    (`readBook` + `sortMeritOrder` + `sweepMeritOrder` + `uniformPrice`; `readBook` + `matchContinuous`);
 *  - reference: `Array.prototype.sort` of a copy of the same order objects by `limitPriceMicroPerKwh` (bigint
 *    comparison), the sort any clearing has to do at least once;
 *  - second reference: a native `Float64Array` sort of the same prices as numbers (no comparator).
 * Every round runs all of them back to back on the same orders; each ratio is the median of the rounds' ratios.
 * From 100 k orders, a full garbage collection runs before each measurement (`gcBeforeEachMeasurement`).
 *
 * Welfare efficiency (reference §7.1) of every mechanism in `MECHANISMS` (src/market/registry.ts): η =
 * `mechanismWelfare` / `slotWelfareOptimum` (the LP optimum W*), on the reference case A
 * (examples/orders-case-a.json with its own parameters) and on random books (seeded; default parameters): mean,
 * min and max of η over the books where it is defined (W* > 0, or W = W* = 0).
 *
 * Run alone with `npx tsx bench/market.ts`; stdout is one JSON document, progress goes to stderr.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { readBook, sortMeritOrder, sweepMeritOrder } from '../src/market/mechanisms/auctionBook.js';
import { clearContinuousAuction, matchContinuous } from '../src/market/mechanisms/continuousAuction.js';
import { clearUniformAuction, uniformPrice } from '../src/market/mechanisms/uniformAuction.js';
import { parseOrderFile } from '../src/market/orderFile.js';
import { MECHANISMS } from '../src/market/registry.js';
import type { Order, SlotInput } from '../src/market/types.js';
import { mechanismWelfare, slotWelfareOptimum, welfareEfficiency } from '../src/market/welfare.js';
import { seededRandom } from '../src/units/random.js';
import { emit, median, medianRatio, progress, round3, startCpuSample } from './common.js';

/** Orders per size, with rounds (and repetitions per round for the small size, whose runs are short). */
const SIZES = [
  { orders: 1_000, rounds: 15, repetitions: 20 },
  { orders: 100_000, rounds: 5, repetitions: 1 },
  { orders: 1_000_000, rounds: 3, repetitions: 1 },
] as const;
/**
 * From this size on, a full garbage collection runs before each measurement: one 1 M-order clearing leaves
 * hundreds of MB that would otherwise be collected during the next measurement (it moved the reference sort
 * between 1.1 and 1.9 s). Below it the collection costs more than it protects (it slowed 1 k clearings by half).
 */
const GC_FROM_ORDERS = 100_000;
const LAMBDA_BUY = 300_000n;
const LAMBDA_SELL = 100_000n;
const TARGET_RATIO = 2;
/** Random books for the welfare efficiency: how many, and how many orders each (uniform in the range). */
const WELFARE_BOOKS = 200;
const WELFARE_MIN_ORDERS = 10;
const WELFARE_MAX_ORDERS = 40;
const CASE_A = new URL('../examples/orders-case-a.json', import.meta.url);

/**
 * `n` orders: side 50/50; 100–5,000 Wh; limit prices uniform over 0.08–0.32 coin/kWh in micro-coins (about 8 %
 * outside [λs, λb] = [0.10, 0.30]); sequences a random permutation, so arrival order differs from input order.
 */
function randomOrders(n: number, seed: number): Order[] {
  const random = seededRandom(seed);
  const sequence = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [sequence[i], sequence[j]] = [sequence[j]!, sequence[i]!];
  }
  return sequence.map((seq, i) => ({
    id: `o${i}`,
    participant: `h${i}`,
    side: random() < 0.5 ? 'bid' : 'offer',
    energyWh: 100 + Math.floor(random() * 4_901),
    limitPriceMicroPerKwh: BigInt(80_000 + Math.floor(random() * 240_001)),
    sequence: seq,
  }));
}

/** `gc()`: `--expose-gc` set at run time makes it available in a new context; null if that fails. */
function exposeGc(): (() => void) | null {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}
const collectGarbage = exposeGc();

/** Milliseconds per call of `step`, over `repetitions` calls, after a full collection when `gc` is set. */
function timeMs(repetitions: number, gc: boolean, step: () => unknown): number {
  if (gc) collectGarbage?.();
  const started = performance.now();
  for (let r = 0; r < repetitions; r++) step();
  return (performance.now() - started) / repetitions;
}

function byLimitPrice(a: Order, b: Order): number {
  const pa = a.limitPriceMicroPerKwh!;
  const pb = b.limitPriceMicroPerKwh!;
  return pa < pb ? -1 : pa > pb ? 1 : 0;
}

/** The first `n` orders of a slot (the warm-up before the first round). */
function slice(input: SlotInput, n: number): SlotInput {
  return { ...input, orders: input.orders.slice(0, n) };
}

function uniformCore(input: SlotInput): number {
  const book = readBook(input);
  sortMeritOrder(book);
  const sweep = sweepMeritOrder(book.bids, book.asks, book.price, book.energyWh);
  uniformPrice(book, sweep, 0.5);
  return sweep.count;
}

const MEASURES = ['referenceSort', 'float64Sort', 'uniform', 'uniformCore', 'cda', 'cdaCore'] as const;
type Measure = (typeof MEASURES)[number];

function measureSize(size: (typeof SIZES)[number]) {
  progress(`market: generating ${size.orders.toLocaleString('en')} orders`);
  const orders = randomOrders(size.orders, 0x6d61726b + size.orders);
  const input: SlotInput = {
    slotStartMs: 0,
    slotDurationMs: 3_600_000,
    orders,
    gridImportPriceMicroPerKwh: LAMBDA_BUY,
    gridExportPriceMicroPerKwh: LAMBDA_SELL,
  };
  const prices = Float64Array.from(orders, (o) => Number(o.limitPriceMicroPerKwh));
  let uniform = clearUniformAuction(slice(input, 10));
  let cda = clearContinuousAuction(slice(input, 10));
  const volume = (trades: readonly { energyWh: number }[]) => trades.reduce((sum, t) => sum + t.energyWh, 0);
  const times: Record<Measure, number[]> = {
    referenceSort: [],
    float64Sort: [],
    uniform: [],
    uniformCore: [],
    cda: [],
    cdaCore: [],
  };
  const cpu = startCpuSample();
  for (let round = 0; round < size.rounds; round++) {
    const reps = size.repetitions;
    const gc = size.orders >= GC_FROM_ORDERS;
    times.referenceSort.push(timeMs(reps, gc, () => orders.slice().sort(byLimitPrice)));
    times.float64Sort.push(timeMs(reps, gc, () => prices.slice().sort()));
    times.uniform.push(
      timeMs(reps, gc, () => {
        uniform = clearUniformAuction(input);
      }),
    );
    times.uniformCore.push(timeMs(reps, gc, () => uniformCore(input)));
    times.cda.push(
      timeMs(reps, gc, () => {
        cda = clearContinuousAuction(input);
      }),
    );
    times.cdaCore.push(timeMs(reps, gc, () => matchContinuous(readBook(input)).count));
    progress(
      `market: ${size.orders.toLocaleString('en')} orders, round ${round + 1}/${size.rounds}: ` +
        MEASURES.map((m) => `${m} ${times[m].at(-1)!.toFixed(1)} ms`).join(', '),
    );
  }
  const sample = cpu();
  const ms = Object.fromEntries(MEASURES.map((m) => [m, round3(median(times[m]))])) as Record<Measure, number>;
  const over = (m: Measure) => medianRatio(times[m], times.referenceSort);
  return {
    orders: size.orders,
    bids: orders.filter((o) => o.side === 'bid').length,
    offers: orders.filter((o) => o.side === 'offer').length,
    rounds: size.rounds,
    repetitionsPerRound: size.repetitions,
    uniform: {
      trades: uniform.trades.length,
      tradedWh: volume(uniform.trades),
      clearingPriceMicroPerKwh: uniform.prices.clearingPriceMicroPerKwh?.toString() ?? null,
    },
    cda: { trades: cda.trades.length, tradedWh: volume(cda.trades) },
    ms,
    roundsMs: Object.fromEntries(MEASURES.map((m) => [m, times[m].map(round3)])),
    ratios: {
      uniformOverSort: over('uniform'),
      cdaOverSort: over('cda'),
      uniformCoreOverSort: over('uniformCore'),
      cdaCoreOverSort: over('cdaCore'),
      float64SortOverSort: over('float64Sort'),
    },
    otherProcessesBusyCores: sample.otherCores === null ? null : round3(sample.otherCores),
  };
}

/**
 * A small random book: 10–40 orders over about 0.7 participants per order (so some participants hold several
 * orders, both sides possible), 100–5,000 Wh, limit prices 0.08–0.32 coin/kWh, one in ten orders without a limit.
 */
function randomBook(random: () => number): SlotInput {
  const n = WELFARE_MIN_ORDERS + Math.floor(random() * (WELFARE_MAX_ORDERS - WELFARE_MIN_ORDERS + 1));
  const participants = Math.max(2, Math.round(n * 0.7));
  const orders: Order[] = [];
  for (let i = 0; i < n; i++) {
    const limit = random() < 0.1 ? undefined : BigInt(80_000 + Math.floor(random() * 240_001));
    orders.push({
      id: `o${i}`,
      participant: `p${Math.floor(random() * participants)}`,
      side: random() < 0.5 ? 'bid' : 'offer',
      energyWh: 100 + Math.floor(random() * 4_901),
      ...(limit === undefined ? {} : { limitPriceMicroPerKwh: limit }),
      sequence: i,
    });
  }
  return {
    slotStartMs: 0,
    slotDurationMs: 3_600_000,
    orders,
    gridImportPriceMicroPerKwh: LAMBDA_BUY,
    gridExportPriceMicroPerKwh: LAMBDA_SELL,
  };
}

/** η of every mechanism on case A and over the random books. */
async function measureWelfare() {
  progress('market: welfare efficiency, case A');
  const caseA = parseOrderFile(JSON.parse(readFileSync(CASE_A, 'utf8')));
  const optimumA = await slotWelfareOptimum(caseA.input);
  const caseAEfficiency: Record<string, number | null> = {};
  for (const mechanism of MECHANISMS) {
    const result = mechanism.clear(caseA.input, caseA.params[mechanism.name]);
    const welfare = mechanismWelfare(caseA.input, result);
    caseAEfficiency[mechanism.name] = welfareEfficiency(welfare.welfareNano, optimumA.welfareNano);
  }
  progress(`market: welfare efficiency, ${WELFARE_BOOKS} random books`);
  const random = seededRandom(0x77656c66);
  const samples = new Map<string, number[]>(MECHANISMS.map((m) => [m.name, []]));
  const undefinedCount = new Map<string, number>(MECHANISMS.map((m) => [m.name, 0]));
  const failures = new Map<string, number>(MECHANISMS.map((m) => [m.name, 0]));
  let ordersTotal = 0;
  for (let b = 0; b < WELFARE_BOOKS; b++) {
    const input = randomBook(random);
    ordersTotal += input.orders.length;
    const optimum = await slotWelfareOptimum(input);
    for (const mechanism of MECHANISMS) {
      let efficiency: number | null;
      try {
        const welfare = mechanismWelfare(input, mechanism.clear(input));
        efficiency = welfareEfficiency(welfare.welfareNano, optimum.welfareNano);
      } catch {
        failures.set(mechanism.name, failures.get(mechanism.name)! + 1);
        continue;
      }
      if (efficiency === null) undefinedCount.set(mechanism.name, undefinedCount.get(mechanism.name)! + 1);
      else samples.get(mechanism.name)!.push(efficiency);
    }
  }
  const stats = (values: readonly number[]) =>
    values.length === 0
      ? { mean: null, min: null, max: null }
      : {
          mean: round3(values.reduce((sum, v) => sum + v, 0) / values.length),
          min: round3(Math.min(...values)),
          max: round3(Math.max(...values)),
        };
  return {
    method:
      'η = mechanismWelfare(input, result).welfareNano / slotWelfareOptimum(input).welfareNano (welfareEfficiency)',
    caseA: {
      file: 'examples/orders-case-a.json (its params per mechanism)',
      optimumMicro: optimumA.welfareMicro,
      efficiency: Object.fromEntries(
        Object.entries(caseAEfficiency).map(([name, e]) => [name, e === null ? null : round3(e)]),
      ),
    },
    randomBooks: {
      books: WELFARE_BOOKS,
      ordersPerBook: `${WELFARE_MIN_ORDERS}–${WELFARE_MAX_ORDERS} (mean ${round3(ordersTotal / WELFARE_BOOKS)})`,
      generator:
        'mulberry32 seed 0x77656c66; ~0.7 participants per order; side 50/50; 100–5,000 Wh; limit ' +
        '80,000–320,000 µcoin/kWh, 10 % without a limit; λs = 100,000, λb = 300,000; default parameters',
      efficiency: Object.fromEntries(
        MECHANISMS.map((m) => [
          m.name,
          { ...stats(samples.get(m.name)!), undefined: undefinedCount.get(m.name)!, failed: failures.get(m.name)! },
        ]),
      ),
    },
  };
}

async function main(): Promise<void> {
  const welfare = await measureWelfare();
  const sizes = SIZES.map(measureSize);
  const largest = sizes.at(-1)!;
  emit({
    benchmark: 'market',
    unit: 'milliseconds per clearing of one slot (median over rounds)',
    node: process.version,
    gcBeforeEachMeasurement: collectGarbage === null ? false : `from ${GC_FROM_ORDERS.toLocaleString('en')} orders`,
    orders:
      'random, deterministic (mulberry32): side 50/50, 100–5,000 Wh, limit 80,000–320,000 µcoin/kWh, ' +
      'λs = 100,000 and λb = 300,000, sequence a random permutation, one participant per order',
    ours: {
      uniform: 'clearUniformAuction(input): k = 0.5, full ClearingResult',
      cda: 'clearContinuousAuction(input): full ClearingResult',
      uniformCore: 'readBook + sortMeritOrder + sweepMeritOrder + uniformPrice (no trades or settlements built)',
      cdaCore: 'readBook + matchContinuous (no trades or settlements built)',
    },
    references: {
      referenceSort: 'Array.prototype.sort of a copy of the same Order objects by limitPriceMicroPerKwh (bigint <)',
      float64Sort: 'Float64Array.prototype.sort (native, no comparator) of a copy of the same prices as numbers',
    },
    sizes,
    welfare,
    target: {
      what: `clearing 1 M orders within ${TARGET_RATIO}× sorting them (ratio to referenceSort)`,
      threshold: TARGET_RATIO,
      uniformMet: largest.ratios.uniformOverSort === null ? null : largest.ratios.uniformOverSort <= TARGET_RATIO,
      cdaMet: largest.ratios.cdaOverSort === null ? null : largest.ratios.cdaOverSort <= TARGET_RATIO,
      coreMet:
        largest.ratios.uniformCoreOverSort === null || largest.ratios.cdaCoreOverSort === null
          ? null
          : Math.max(largest.ratios.uniformCoreOverSort, largest.ratios.cdaCoreOverSort) <= TARGET_RATIO,
    },
  });
}

await main();
