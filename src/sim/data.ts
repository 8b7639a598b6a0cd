/**
 * @module sim/data
 * Reads the CSV columns scenarios name (`data/**`, MISSION E1): one numeric column of a file inside the data
 * folder, strictly (a path outside the folder, a missing column, an empty or non-numeric cell fail with the file,
 * the 1-based line and the column). Each file is read and split once per process; each column is parsed once.
 * The energy layer stays pure: it receives the numbers, never a path.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GridPeerError } from '../errors/index.js';

/**
 * The repository's `data/` folder. This module is `src/sim/data.ts` under tsx and `dist/sim/data.js` after the
 * build: both are two levels below the repository root, so one relative URL serves both layouts.
 */
export function defaultDataDir(): string {
  return fileURLToPath(new URL('../../data/', import.meta.url));
}

/** A decimal number, optionally signed, with an optional exponent (no hex, no `Infinity`, no empty string). */
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function badPath(file: string, rule: string): GridPeerError {
  return new GridPeerError('INVALID_ARGUMENT', `data file "${file}" ${rule}`, { field: 'file', value: file });
}

/**
 * Checks that `file` is a plain relative path (forward slashes, no `..`, not absolute) and returns its absolute
 * path inside `dataDir`. It does not check that the file exists.
 *
 * @throws GridPeerError INVALID_ARGUMENT for an empty, absolute or escaping path.
 */
export function resolveDataFile(dataDir: string, file: string): string {
  if (typeof file !== 'string' || file.length === 0) throw badPath(String(file), 'must be a non-empty path');
  if (file.includes('\0')) throw badPath(file, 'must not contain NUL');
  if (isAbsolute(file) || file.startsWith('/') || /^[A-Za-z]:/.test(file) || file.startsWith('\\')) {
    throw badPath(file, 'must be relative to the data folder');
  }
  if (file.split(/[\\/]/).some((part) => part === '..')) throw badPath(file, 'must not contain ".."');
  const root = resolve(dataDir);
  const path = resolve(root, file);
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    throw badPath(file, 'must name a file inside the data folder');
  }
  return path;
}

interface CsvTable {
  readonly header: readonly string[];
  /** Data lines (header excluded), each split on commas; trailing empty lines dropped. */
  readonly rows: readonly (readonly string[])[];
}

const tables = new Map<string, CsvTable>();
const columns = new Map<string, Float64Array>();

/** Forgets every file and column read so far (tests, or a data folder edited while the process runs). */
export function clearDataCache(): void {
  tables.clear();
  columns.clear();
}

function readTable(path: string, file: string): CsvTable {
  const cached = tables.get(path);
  if (cached) return cached;
  let text: string;
  try {
    if (!statSync(path).isFile()) throw badPath(file, 'is not a file');
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof GridPeerError) throw error;
    throw new GridPeerError('FILE_NOT_FOUND', `data file "${file}" not found in the data folder`, { file, path });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length === 0) throw new GridPeerError('INVALID_ARGUMENT', `data file "${file}" is empty`, { file });
  const header = lines[0]!.split(',').map((name) => name.trim());
  const table: CsvTable = { header, rows: lines.slice(1).map((line) => line.split(',')) };
  tables.set(path, table);
  return table;
}

/**
 * One numeric column of a CSV file in `dataDir`, one value per data row (the header is line 1, the first value is
 * line 2). Cells are trimmed; an empty or non-numeric cell (or a short row) fails. Returns a fresh copy each call;
 * the parse is cached by path and column.
 *
 * @throws GridPeerError INVALID_ARGUMENT for a bad path (`field: 'file'`), a column the header lacks, or a bad cell
 *   (`{file, line, column, value}`); FILE_NOT_FOUND when the file does not exist.
 */
export function readCsvColumn(dataDir: string, file: string, column: string): Float64Array {
  const path = resolveDataFile(dataDir, file);
  const key = `${path}\0${column}`;
  const cached = columns.get(key);
  if (cached) return cached.slice();
  const table = readTable(path, file);
  const index = table.header.indexOf(column);
  if (index < 0) {
    throw new GridPeerError(
      'INVALID_ARGUMENT',
      `data file "${file}" has no column "${column}" (columns: ${table.header.join(', ')})`,
      { field: 'column', file, column, available: table.header },
    );
  }
  const values = new Float64Array(table.rows.length);
  for (let r = 0; r < table.rows.length; r++) {
    const raw = table.rows[r]![index];
    const cell = raw === undefined ? '' : raw.trim();
    const value = NUMBER.test(cell) ? Number(cell) : Number.NaN;
    if (!Number.isFinite(value)) {
      const line = r + 2;
      const what = cell === '' ? 'an empty cell' : `a non-numeric cell "${cell}"`;
      throw new GridPeerError(
        'INVALID_ARGUMENT',
        `data file "${file}" line ${line} column "${column}": ${what} (a number is required)`,
        { field: 'cell', file, line, column, value: cell },
      );
    }
    values[r] = value;
  }
  columns.set(key, values);
  return values.slice();
}
