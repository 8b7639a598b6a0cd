import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isGridPeerError } from '../../../src/errors/index.js';
import { clearDataCache, defaultDataDir, readCsvColumn, resolveDataFile } from '../../../src/sim/data.js';

function rejects(fn: () => unknown, code: string, match: Record<string, unknown>, message?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(isGridPeerError(error), `not a GridPeerError: ${String(error)}`);
    assert.equal(error.code, code, error.message);
    for (const [key, value] of Object.entries(match)) assert.deepEqual(error.details[key], value, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

describe('sim/data', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gridpeer-data-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'ok.csv'), 'a,b , c\r\n1, 2.5 ,-3e2\r\n4,5,.5\r\n\r\n');
    writeFileSync(join(dir, 'bad.csv'), 'a,b\n1,2\n3,x\n');
    writeFileSync(join(dir, 'empty-cell.csv'), 'a,b\n1,2\n3,\n');
    writeFileSync(join(dir, 'short.csv'), 'a,b\n1,2\n3\n');
    writeFileSync(join(dir, 'hex.csv'), 'a\n0x10\n');
    writeFileSync(join(dir, 'outside.csv'), 'a\n1\n');
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    clearDataCache();
  });

  it('reads a column, trimming cells and header names, skipping trailing blank lines', () => {
    assert.deepEqual(Array.from(readCsvColumn(dir, 'sub/ok.csv', 'b')), [2.5, 5]);
    assert.deepEqual(Array.from(readCsvColumn(dir, 'sub/ok.csv', 'c')), [-300, 0.5]);
    assert.deepEqual(Array.from(readCsvColumn(dir, 'sub/ok.csv', 'a')), [1, 4]);
  });

  it('caches by path and column but hands out copies', () => {
    const first = readCsvColumn(dir, 'sub/ok.csv', 'a');
    first[0] = 99;
    assert.deepEqual(Array.from(readCsvColumn(dir, 'sub/ok.csv', 'a')), [1, 4]);
    // The cache survives a change on disk until cleared.
    writeFileSync(join(dir, 'sub', 'ok2.csv'), 'a\n1\n');
    assert.deepEqual(Array.from(readCsvColumn(dir, 'sub/ok2.csv', 'a')), [1]);
    writeFileSync(join(dir, 'sub', 'ok2.csv'), 'a\n2\n');
    assert.deepEqual(Array.from(readCsvColumn(dir, 'sub/ok2.csv', 'a')), [1]);
    clearDataCache();
    assert.deepEqual(Array.from(readCsvColumn(dir, 'sub/ok2.csv', 'a')), [2]);
  });

  it('names the file, the 1-based line and the column of a bad cell', () => {
    rejects(
      () => readCsvColumn(dir, 'bad.csv', 'b'),
      'INVALID_ARGUMENT',
      { file: 'bad.csv', line: 3, column: 'b' },
      /bad\.csv.*line 3.*"b"/,
    );
    rejects(() => readCsvColumn(dir, 'empty-cell.csv', 'b'), 'INVALID_ARGUMENT', { line: 3, value: '' }, /empty cell/);
    rejects(() => readCsvColumn(dir, 'short.csv', 'b'), 'INVALID_ARGUMENT', { line: 3 });
    rejects(() => readCsvColumn(dir, 'hex.csv', 'a'), 'INVALID_ARGUMENT', { line: 2, value: '0x10' });
    // The good column of the same file still reads.
    assert.deepEqual(Array.from(readCsvColumn(dir, 'bad.csv', 'a')), [1, 3]);
  });

  it('refuses a column the header lacks, listing the columns', () => {
    rejects(
      () => readCsvColumn(dir, 'sub/ok.csv', 'nope'),
      'INVALID_ARGUMENT',
      { column: 'nope', field: 'column' },
      /columns: a, b, c/,
    );
  });

  it('refuses paths outside the data folder', () => {
    for (const file of [
      '../outside.csv',
      'sub/../../x.csv',
      '/etc/passwd',
      join(dir, 'outside.csv'),
      '',
      'sub\\..\\..\\x',
    ]) {
      rejects(() => readCsvColumn(join(dir, 'sub'), file, 'a'), 'INVALID_ARGUMENT', { field: 'file' });
    }
    assert.equal(resolveDataFile(dir, 'sub/ok.csv'), join(dir, 'sub', 'ok.csv'));
  });

  it('reports a missing file as FILE_NOT_FOUND', () => {
    rejects(() => readCsvColumn(dir, 'missing.csv', 'a'), 'FILE_NOT_FOUND', { file: 'missing.csv' });
  });

  it('finds the repository data folder with the CityLearn homes', () => {
    const data = defaultDataDir();
    assert.ok(existsSync(join(data, 'README.md')));
    const load = readCsvColumn(data, 'citylearn2022_fontana_homes/Building_1.csv', 'non_shiftable_load');
    assert.equal(load.length, 8760);
    assert.equal(load[1], 0.85116667);
    const pv = readCsvColumn(
      data,
      'citylearn2022_fontana_homes/buildings_pv_battery_from_schema.csv',
      'pv_nominal_power_kw',
    );
    assert.equal(pv.length, 17);
  });
});
