/**
 * CLI output and exit codes: the only place (with the commands) that writes to the console.
 * Exit codes: 0 success; 1 the operation ran and found a problem (e.g. an invalid chain); 2 bad input
 * (flags, files, configuration); 3 anything unexpected.
 */
import { GridPeerError, httpStatusFor } from '../errors/index.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_INTERNAL = 3;

export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function printError(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Prints an error as `error CODE: message` (plus the field when known) and returns the exit code for it. */
export function reportError(error: unknown): number {
  if (error instanceof GridPeerError) {
    const field = typeof error.details['field'] === 'string' ? ` (field: ${error.details['field']})` : '';
    printError(`error ${error.code}: ${error.message}${field}`);
    return httpStatusFor(error) < 500 ? EXIT_BAD_INPUT : EXIT_INTERNAL;
  }
  printError(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return EXIT_INTERNAL;
}

/** Runs a command body and exits with its code; errors are reported, never thrown at the user. */
export async function runCommand(body: () => Promise<number | undefined>): Promise<void> {
  let code: number;
  try {
    code = (await body()) ?? EXIT_OK;
  } catch (error) {
    code = reportError(error);
  }
  process.exitCode = code;
}

/** Parses a positive integer flag. @throws GridPeerError INVALID_ARGUMENT naming the flag. */
export function parseIntFlag(value: string, flag: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new GridPeerError('INVALID_ARGUMENT', `${flag} must be an integer in [${min}, ${max}]`, {
      field: flag,
      value,
    });
  }
  return Number(value);
}
