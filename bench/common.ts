/**
 * Shared helpers of the benchmarks (not a benchmark itself). Each benchmark prints one JSON document on stdout
 * and its progress on stderr, and measures a reference in the same run, so its headline figure is a ratio that
 * holds on a noisy or slower machine.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Progress and notes: stderr, so stdout stays one JSON document. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Prints the benchmark's result document. */
export function emit(result: unknown): void {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

/**
 * Runs `step` (which returns how many units it did) until at least `minMs` passed.
 * @returns units per second over the whole run.
 */
export function rateOver(minMs: number, step: () => number): number {
  let units = 0;
  const started = performance.now();
  let elapsed = 0;
  do {
    units += step();
    elapsed = performance.now() - started;
  } while (elapsed < minMs);
  return (units * 1000) / elapsed;
}

/** Async variant of {@link rateOver}. */
export async function rateOverAsync(minMs: number, step: () => Promise<number>): Promise<number> {
  let units = 0;
  const started = performance.now();
  let elapsed = 0;
  do {
    units += await step();
    elapsed = performance.now() - started;
  } while (elapsed < minMs);
  return (units * 1000) / elapsed;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Rounds to 3 significant digits for the report (raw rates carry noise far beyond that). */
export function round3(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(3)) : value;
}

export function ratio(numerator: number | null, denominator: number | null): number | null {
  if (numerator === null || denominator === null || denominator === 0) return null;
  return round3(numerator / denominator);
}

/**
 * Runs `openssl speed` with `args`.
 * @returns its stdout, or null when the binary is missing or fails (the reference is then reported as null).
 */
export function opensslSpeed(args: readonly string[]): { stdout: string; version: string } | null {
  const run = spawnSync('openssl', ['speed', ...args], { encoding: 'utf8', timeout: 60_000 });
  if (run.error || run.status !== 0) {
    progress(`openssl speed ${args.join(' ')} unavailable: ${run.error?.message ?? `exit ${run.status}`}`);
    return null;
  }
  const version = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  return { stdout: run.stdout, version: (version.stdout ?? '').trim() };
}

/** Busy and total CPU time of the whole machine from /proc/stat (Linux); null elsewhere. */
function machineTicks(): { busy: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal …: idle and iowait are the idle time.
    const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

export interface CpuSample {
  /** CPU seconds this process (all its threads) used per wall second. */
  readonly processCores: number;
  /** Cores busy machine-wide in the same interval (null where /proc/stat is missing). */
  readonly machineCores: number | null;
  /** Cores other processes kept busy meanwhile: high values mean the multi-core figures were starved. */
  readonly otherCores: number | null;
}

/**
 * Starts measuring CPU use; the returned function ends the interval. A multi-threaded figure means little when
 * other processes held cores during it, so the benchmarks report this next to it.
 */
export function startCpuSample(): () => CpuSample {
  const cores = availableParallelism();
  const processBefore = process.cpuUsage();
  const machineBefore = machineTicks();
  const wallBefore = performance.now();
  return () => {
    const used = process.cpuUsage(processBefore);
    const wallMs = performance.now() - wallBefore;
    const processCores = (used.user + used.system) / 1000 / wallMs;
    const machineAfter = machineTicks();
    if (!machineBefore || !machineAfter || machineAfter.total === machineBefore.total) {
      return { processCores, machineCores: null, otherCores: null };
    }
    const machineCores =
      ((machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total)) * cores;
    return { processCores, machineCores, otherCores: Math.max(0, machineCores - processCores) };
  };
}

/**
 * Median over rounds of `numerators[i] / denominators[i]`: each round measures ours and its reference back to
 * back, so a slow phase of the machine cancels out of that round's ratio.
 */
export function medianRatio(numerators: readonly number[], denominators: readonly number[] | null): number | null {
  if (denominators === null || denominators.length !== numerators.length || numerators.length === 0) return null;
  return round3(median(numerators.map((value, i) => value / denominators[i]!)));
}
