import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseOrderFile } from '../../../src/market/orderFile.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';

const example = JSON.parse(
  readFileSync(new URL('../../../examples/orders-case-a.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

function withChange(change: (file: Record<string, unknown>) => void): Record<string, unknown> {
  const copy = structuredClone(example);
  change(copy);
  return copy;
}

describe('parseOrderFile', () => {
  it('reads the example: prices in micro-coins per kWh, Wh, one-hour slot, sequence by position', () => {
    const { input, params } = parseOrderFile(example);
    assert.equal(input.gridImportPriceMicroPerKwh, 300_000n);
    assert.equal(input.gridExportPriceMicroPerKwh, 100_000n);
    assert.equal(input.slotDurationMs, 3_600_000);
    assert.equal(input.slotStartMs, Date.UTC(2026, 4, 11, 12));
    assert.equal(input.orders.length, 6);
    assert.deepEqual(input.orders[0], {
      id: 'S1',
      participant: 'S1',
      side: 'offer',
      energyWh: 2000,
      sequence: 0,
      limitPriceMicroPerKwh: 120_000n,
      trustRating: 4,
      location: '1',
    });
    assert.deepEqual(params, { 'uniform-auction': { k: 0.5 } });
  });

  const cases: Array<[string, (file: Record<string, unknown>) => void, string]> = [
    [
      'format',
      (f) => {
        f['format'] = 'x';
      },
      'format',
    ],
    [
      'import price',
      (f) => {
        f['gridImportPrice'] = '-1';
      },
      'gridImportPrice',
    ],
    [
      'export above import',
      (f) => {
        f['gridExportPrice'] = '0.5';
      },
      'gridExportPrice',
    ],
    [
      'slot start',
      (f) => {
        f['slotStart'] = 'yesterday';
      },
      'slotStart',
    ],
    [
      'orders not an array',
      (f) => {
        f['orders'] = {};
      },
      'orders',
    ],
    [
      'side',
      (f) => {
        (f['orders'] as Array<Record<string, unknown>>)[1]!['side'] = 'sell';
      },
      'orders[1].side',
    ],
    [
      'energy',
      (f) => {
        (f['orders'] as Array<Record<string, unknown>>)[2]!['energyWh'] = 1.5;
      },
      'orders[2].energyWh',
    ],
    [
      'limit price',
      (f) => {
        (f['orders'] as Array<Record<string, unknown>>)[0]!['limitPrice'] = 'cheap';
      },
      'orders[0].limitPrice',
    ],
    [
      'trust rating',
      (f) => {
        (f['orders'] as Array<Record<string, unknown>>)[3]!['trustRating'] = 5;
      },
      'orders[3].trustRating',
    ],
    [
      'duplicate id',
      (f) => {
        (f['orders'] as Array<Record<string, unknown>>)[4]!['id'] = 'S1';
      },
      'orders[4].id',
    ],
    [
      'participant',
      (f) => {
        delete (f['orders'] as Array<Record<string, unknown>>)[5]!['participant'];
      },
      'orders[5].participant',
    ],
  ];
  for (const [name, change, field] of cases) {
    it(`INVALID_ARGUMENT naming ${field} (${name})`, () => {
      assertThrowsCoded(() => parseOrderFile(withChange(change)), 'INVALID_ARGUMENT', field);
    });
  }
});
