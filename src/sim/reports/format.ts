/**
 * @module sim/reports/format
 * Text formats of the reports: money as decimal currency strings with 6 decimals (1 coin = 1,000,000 µcoin),
 * energy Wh → kWh with 3 decimals, RFC 4180 CSV, JSON with bigints written as exact integers, and slot times.
 * Everything here is a pure function of its arguments, so a run always gives the same bytes.
 */

const MICRO_PER_COIN = 1_000_000n;

/** µcoin → `"-12.345678"` (exact, 6 decimals). */
export function microToDecimal(amountMicro: bigint): string {
  const negative = amountMicro < 0n;
  const magnitude = negative ? -amountMicro : amountMicro;
  const whole = magnitude / MICRO_PER_COIN;
  const fraction = (magnitude % MICRO_PER_COIN).toString().padStart(6, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** Wh (integer) → `"1.234"` kWh (exact, 3 decimals). */
export function whToKwh(energyWh: number): string {
  const negative = energyWh < 0;
  const magnitude = Math.abs(Math.round(energyWh));
  const whole = Math.floor(magnitude / 1000);
  const fraction = String(magnitude % 1000).padStart(3, '0');
  return `${negative && magnitude !== 0 ? '-' : ''}${whole}.${fraction}`;
}

/** Currency units (a float from a scenario) → µcoin, rounded half away from zero. */
export function coinsToMicro(coins: number): bigint {
  if (!Number.isFinite(coins)) return 0n;
  const scaled = coins * 1_000_000;
  return BigInt(scaled < 0 ? -Math.round(-scaled) : Math.round(scaled));
}

/** A ratio rounded to `decimals` for output (null stays null, non-finite becomes null). */
export function roundRatio(value: number | null, decimals = 6): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const factor = 10 ** decimals;
  const rounded = Math.round(value * factor) / factor;
  return Object.is(rounded, -0) ? 0 : rounded;
}

/** A ratio as fixed text for CSV and Markdown (`""` for null). */
export function ratioText(value: number | null, decimals = 4): string {
  const rounded = roundRatio(value, decimals);
  return rounded === null ? '' : rounded.toFixed(decimals);
}

/** A percentage with one decimal, `"—"` for null. */
export function percentText(value: number | null): string {
  const rounded = roundRatio(value === null ? null : value * 100, 1);
  return rounded === null ? '—' : `${rounded.toFixed(1)} %`;
}

export type CsvCell = string | number | bigint | null;

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break; quotes doubled. */
export function csvField(cell: CsvCell): string {
  if (cell === null) return '';
  const text = typeof cell === 'string' ? cell : cell.toString();
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A CSV document: header row, then the rows in the header's order; `\n` line ends, final newline. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const lines = [header.map(csvField).join(',')];
  for (const row of rows) lines.push(row.map(csvField).join(','));
  return `${lines.join('\n')}\n`;
}

/**
 * JSON with 2-space indentation and a final newline, keys in insertion order (the builders insert them in a fixed
 * order), bigints as exact integer literals (valid JSON; readers that parse into doubles lose digits past 2^53,
 * the decimal string beside each µcoin field does not), non-finite numbers as null.
 */
export function stableJson(value: unknown): string {
  return `${jsonValue(value, '')}\n`;
}

function jsonValue(value: unknown, indent: string): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + jsonValue(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${jsonValue(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return 'null';
}

/** ISO time (UTC, minutes) of the start of `slot`. */
export function slotIso(startMs: number, slotMs: number, slot: number): string {
  return new Date(startMs + slot * slotMs).toISOString().slice(0, 16) + 'Z';
}

/** Axis labels per slot: `HH:MM` when the run spans at most one day, `MM-DD HH:MM` otherwise (UTC). */
export function slotLabels(startMs: number, slotMs: number, slots: number): string[] {
  const oneDay = slots * slotMs <= 86_400_000;
  const labels: string[] = [];
  for (let s = 0; s < slots; s++) {
    const iso = new Date(startMs + s * slotMs).toISOString();
    labels.push(oneDay ? iso.slice(11, 16) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`);
  }
  return labels;
}

/** Escapes text for a Markdown table cell. */
export function mdCell(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** A Markdown table. */
export function mdTable(header: readonly string[], rows: readonly (readonly string[])[], align?: string[]): string {
  const sep = header.map((_, i) => align?.[i] ?? '---');
  const lines = [header.map(mdCell), sep, ...rows.map((r) => r.map(mdCell))].map((r) => `| ${r.join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}
