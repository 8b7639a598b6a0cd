/**
 * @module energy/tariff
 * Grid prices per slot (MISSION E2): the import price α_t = λb and the export (feed-in) price β_t = λs of seed 000
 * eqs. 1 and 4, from a flat tariff, 24 hourly prices, time-of-use bands or a CSV column of day-ahead prices, plus
 * a carbon price on imports. Prices come in currency units per kWh and leave as µcoin per kWh (bigint):
 * Math.round(price × 1e6), rounded once per slot after averaging. Hours of day are UTC.
 */
import { GridPeerError } from '../errors/index.js';
import {
  checkSlots,
  count,
  divRoundHalfAway,
  finite,
  invalid,
  MICRO_PER_UNIT,
  MS_PER_DAY,
  MS_PER_HOUR,
  nonNegative,
  positive,
  toMicroPerKwh,
} from './check.js';
import type { TariffSpec } from './types.js';

/** λb (import, carbon price included) and λs (export) per slot, µcoin per kWh. */
export interface TariffPrices {
  readonly importMicroPerKwh: bigint[];
  readonly exportMicroPerKwh: bigint[];
}

/** A price that holds over [fromMs, toMs) of every UTC day, currency per kWh. */
interface DailySegment {
  readonly fromMs: number;
  readonly toMs: number;
  readonly price: number;
}

function hourlySegments(prices: readonly number[], field: string): DailySegment[] {
  if (prices.length !== 24) throw invalid(field, `must have 24 hourly prices, got ${prices.length}`);
  return prices.map((price, hour) => ({
    fromMs: hour * MS_PER_HOUR,
    toMs: (hour + 1) * MS_PER_HOUR,
    price: nonNegative(price, field),
  }));
}

/** Time-of-use bands [fromHour, toHour) → segments covering the day exactly once; a band with from > to wraps midnight. */
function bandSegments(bands: Extract<TariffSpec, { kind: 'tou' }>['bands']): DailySegment[] {
  const segments: DailySegment[] = [];
  for (const band of bands) {
    const from = finite(band.fromHour, 'bands');
    const to = finite(band.toHour, 'bands');
    if (from < 0 || from >= 24 || to <= 0 || to > 24 || from === to) {
      throw invalid('bands', `band [${from}, ${to}) must have 0 ≤ fromHour < 24, 0 < toHour ≤ 24, fromHour ≠ toHour`);
    }
    const price = nonNegative(band.importPerKwh, 'bands');
    if (from < to) segments.push({ fromMs: from * MS_PER_HOUR, toMs: to * MS_PER_HOUR, price });
    else {
      segments.push({ fromMs: from * MS_PER_HOUR, toMs: MS_PER_DAY, price });
      if (to > 0) segments.push({ fromMs: 0, toMs: to * MS_PER_HOUR, price });
    }
  }
  segments.sort((a, b) => a.fromMs - b.fromMs);
  let coveredMs = 0;
  for (const segment of segments) {
    if (segment.fromMs !== coveredMs) {
      const what = segment.fromMs < coveredMs ? 'overlap' : 'leave a gap';
      throw invalid(
        'bands',
        `${what} at hour ${Math.min(segment.fromMs, coveredMs) / MS_PER_HOUR}: they must cover 0–24 h once`,
      );
    }
    coveredMs = segment.toMs;
  }
  if (coveredMs !== MS_PER_DAY)
    throw invalid('bands', `leave a gap from hour ${coveredMs / MS_PER_HOUR}: they must cover 0–24 h once`);
  return segments;
}

/** Time-weighted average over [fromMs, toMs) of a price repeating daily, currency per kWh. */
function averageDaily(segments: readonly DailySegment[], fromMs: number, toMs: number): number {
  let weighted = 0;
  let at = fromMs;
  while (at < toMs) {
    const dayStartMs = Math.floor(at / MS_PER_DAY) * MS_PER_DAY;
    const timeOfDayMs = at - dayStartMs;
    const segment =
      segments.find((s) => timeOfDayMs >= s.fromMs && timeOfDayMs < s.toMs) ?? segments[segments.length - 1]!;
    const until = Math.min(toMs, dayStartMs + segment.toMs);
    // A float at a boundary could stall the loop; always advance.
    const next = until > at ? until : at + 1;
    weighted += segment.price * (next - at);
    at = next;
  }
  return weighted / (toMs - fromMs);
}

function averageRows(
  column: ArrayLike<number>,
  spec: Extract<TariffSpec, { kind: 'csv' }>,
  slotMs: number,
  slots: number,
): number[] {
  const rowMinutes = positive(spec.rowMinutes, 'rowMinutes');
  const startRow = count(spec.startRow ?? 0, 'startRow');
  const scale = finite(spec.scale ?? 1, 'scale');
  const slotMinutes = slotMs / 60_000;
  const totalMinutes = slots * slotMinutes;
  const rowsNeeded = slots === 0 ? 0 : Math.ceil(totalMinutes / rowMinutes - 1e-9);
  const available = Math.max(0, column.length - startRow);
  if (rowsNeeded > available) {
    throw new GridPeerError(
      'INVALID_ARGUMENT',
      `rows are too few: ${rowsNeeded} price rows from row ${startRow} are needed for ${slots} slots, ${available} remain`,
      { field: 'rows', needed: rowsNeeded, available, startRow },
    );
  }
  const weighted = new Array<number>(slots).fill(0);
  for (let row = 0; row < rowsNeeded; row++) {
    const value = column[startRow + row]!;
    if (typeof value !== 'number' || !Number.isFinite(value) || value * scale < 0) {
      throw invalid(
        'column',
        `row ${startRow + row} must be a price ≥ 0 (clamp negative day-ahead prices first)`,
        value,
      );
    }
    const rowFrom = row * rowMinutes;
    const rowTo = Math.min(rowFrom + rowMinutes, totalMinutes);
    for (let slot = Math.floor(rowFrom / slotMinutes); slot < slots && slot * slotMinutes < rowTo; slot++) {
      const overlap = Math.min(rowTo, (slot + 1) * slotMinutes) - Math.max(rowFrom, slot * slotMinutes);
      if (overlap > 0) weighted[slot] = weighted[slot]! + value * scale * overlap;
    }
  }
  return weighted.map((sum) => sum / slotMinutes);
}

/**
 * Grid import and export prices per slot, µcoin per kWh.
 *
 * - `flat`: the same prices in every slot.
 * - `hourly`: 24 prices by UTC hour of day (export: one price or 24).
 * - `tou`: bands [fromHour, toHour) by UTC hour (a band with fromHour > toHour wraps midnight); the bands must cover
 *   the day exactly once.
 * - `csv`: the caller parses the file and passes the column (`csvColumn`); row r from `startRow` covers
 *   [(r − startRow) · rowMinutes, …) from `startMs`, each value × `scale`. Export is `exportPerKwh`, or
 *   `exportRatio` × the import price (before the carbon price).
 *
 * A slot that spans several hours, bands or rows gets the time-weighted average price. `carbonPricePerKwh`
 * (currency/kWh, ≥ 0) is added to import prices only: it taxes what is drawn from the grid, not what is fed in.
 * @throws GridPeerError INVALID_ARGUMENT naming the field: a negative or non-finite price, hourly arrays not of 24,
 *   bands that overlap or leave gaps, a missing CSV column or export rule, too few CSV rows (`rows`), or an export
 *   price above the import price in some slot (λb ≥ λs: `exportPerKwh` or `exportRatio`).
 */
export function tariffPricesMicro(
  spec: TariffSpec,
  startMs: number,
  slotMs: number,
  slots: number,
  csvColumn?: ArrayLike<number>,
  carbonPricePerKwh = 0,
): TariffPrices {
  checkSlots(startMs, slotMs, slots);
  const carbonMicro = toMicroPerKwh(nonNegative(carbonPricePerKwh, 'carbonPricePerKwh'), 'carbonPricePerKwh');
  const importPrices: number[] = [];
  const exportPrices: number[] = [];
  let exportField = 'exportPerKwh';
  const slotSpan = (slot: number): [number, number] => [startMs + slot * slotMs, startMs + (slot + 1) * slotMs];
  switch (spec.kind) {
    case 'flat': {
      const importPrice = nonNegative(spec.importPerKwh, 'importPerKwh');
      const exportPrice = nonNegative(spec.exportPerKwh, 'exportPerKwh');
      for (let slot = 0; slot < slots; slot++) {
        importPrices.push(importPrice);
        exportPrices.push(exportPrice);
      }
      break;
    }
    case 'hourly': {
      const importSegments = hourlySegments(spec.importPerKwh, 'importPerKwh');
      const exportSpec = spec.exportPerKwh;
      const exportSegments = typeof exportSpec === 'number' ? null : hourlySegments(exportSpec, 'exportPerKwh');
      const flatExport = typeof exportSpec === 'number' ? nonNegative(exportSpec, 'exportPerKwh') : 0;
      for (let slot = 0; slot < slots; slot++) {
        const [from, to] = slotSpan(slot);
        importPrices.push(averageDaily(importSegments, from, to));
        exportPrices.push(exportSegments === null ? flatExport : averageDaily(exportSegments, from, to));
      }
      break;
    }
    case 'tou': {
      const segments = bandSegments(spec.bands);
      const exportPrice = nonNegative(spec.exportPerKwh, 'exportPerKwh');
      for (let slot = 0; slot < slots; slot++) {
        const [from, to] = slotSpan(slot);
        importPrices.push(averageDaily(segments, from, to));
        exportPrices.push(exportPrice);
      }
      break;
    }
    case 'csv': {
      if (csvColumn === undefined) throw invalid('column', `values of CSV column '${spec.column}' must be passed`);
      for (const price of averageRows(csvColumn, spec, slotMs, slots)) importPrices.push(price);
      if (spec.exportPerKwh !== undefined) {
        const exportPrice = nonNegative(spec.exportPerKwh, 'exportPerKwh');
        for (let slot = 0; slot < slots; slot++) exportPrices.push(exportPrice);
      } else if (spec.exportRatio !== undefined) {
        const ratio = nonNegative(spec.exportRatio, 'exportRatio');
        exportField = 'exportRatio';
        for (const price of importPrices) exportPrices.push(price * ratio);
      } else {
        throw invalid('exportPerKwh', 'or exportRatio must be given for a csv tariff');
      }
      break;
    }
    default:
      throw invalid('kind', 'must be flat, hourly, tou or csv', (spec as { kind: unknown }).kind);
  }
  const importMicroPerKwh: bigint[] = [];
  const exportMicroPerKwh: bigint[] = [];
  for (let slot = 0; slot < slots; slot++) {
    const importMicro = toMicroPerKwh(importPrices[slot]!, 'importPerKwh');
    const exportMicro = toMicroPerKwh(exportPrices[slot]!, exportField);
    if (exportMicro > importMicro) {
      throw new GridPeerError(
        'INVALID_ARGUMENT',
        `${exportField} gives an export price above the import price in slot ${slot} ` +
          `(${exportMicro} > ${importMicro} µcoin/kWh): the grid must buy at or below what it sells for (λb ≥ λs)`,
        { field: exportField, slot, importMicroPerKwh: importMicro, exportMicroPerKwh: exportMicro },
      );
    }
    importMicroPerKwh.push(importMicro + carbonMicro);
    exportMicroPerKwh.push(exportMicro);
  }
  return { importMicroPerKwh, exportMicroPerKwh };
}

/**
 * Mean of per-slot prices, µcoin per kWh, rounded half away from zero (e.g. seed 000 §4.2 assumption 1: the
 * day's trading price is 10 % below the day's average grid price).
 * @throws GridPeerError INVALID_ARGUMENT naming `prices` when there are none.
 */
export function averagePriceMicroPerKwh(prices: readonly bigint[]): bigint {
  if (prices.length === 0) throw invalid('prices', 'must not be empty');
  let sum = 0n;
  for (const price of prices) sum += price;
  return divRoundHalfAway(sum, BigInt(prices.length));
}

/** Currency units per kWh as µcoin per kWh (Math.round(price × 1e6)). */
export function priceToMicroPerKwh(pricePerKwh: number): bigint {
  return toMicroPerKwh(pricePerKwh, 'pricePerKwh');
}

/** µcoin per kWh as currency units per kWh (for reports). */
export function microToPricePerKwh(priceMicroPerKwh: bigint): number {
  return Number(priceMicroPerKwh) / MICRO_PER_UNIT;
}
