import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  coinsToMicro,
  formatMicroAsCoins,
  inMoneyRange,
  MAX_MONEY_MICRO,
  MICRO_PER_COIN,
  parseCoinsToMicro,
  parseMicro,
  parseUint,
} from '../../../src/units/index.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';

describe('money range', () => {
  it('MAX_MONEY_MICRO is the u64 maximum', () => {
    assert.equal(MAX_MONEY_MICRO, 2n ** 64n - 1n);
  });

  it('inMoneyRange accepts [0, 2^64-1] and nothing else', () => {
    assert.equal(inMoneyRange(0n), true);
    assert.equal(inMoneyRange(MAX_MONEY_MICRO), true);
    assert.equal(inMoneyRange(-1n), false);
    assert.equal(inMoneyRange(MAX_MONEY_MICRO + 1n), false);
  });
});

describe('coinsToMicro', () => {
  it('multiplies whole coins by 10^6 for numbers and bigints', () => {
    assert.equal(MICRO_PER_COIN, 1_000_000n);
    assert.equal(coinsToMicro(3), 3_000_000n);
    assert.equal(coinsToMicro(12n), 12_000_000n);
    assert.equal(coinsToMicro(0), 0n);
  });

  it('rejects fractional numbers instead of rounding', () => {
    assert.throws(() => coinsToMicro(1.5), RangeError);
  });
});

describe('parseCoinsToMicro', () => {
  it('parses whole and fractional decimal amounts exactly', () => {
    assert.equal(parseCoinsToMicro('12'), 12_000_000n);
    assert.equal(parseCoinsToMicro('1.5'), 1_500_000n);
    assert.equal(parseCoinsToMicro('0.000001'), 1n);
    assert.equal(parseCoinsToMicro('0.1'), 100_000n);
    assert.equal(parseCoinsToMicro(' 7.25 '), 7_250_000n);
  });

  it('parses the largest representable amount', () => {
    assert.equal(parseCoinsToMicro('18446744073709.551615'), MAX_MONEY_MICRO);
  });

  it('rejects more than 6 decimals, naming the field', () => {
    assertThrowsCoded(() => parseCoinsToMicro('0.0000001', 'price'), 'INVALID_AMOUNT', 'price');
  });

  for (const bad of ['', '-1', '1.', '.5', '1e6', 'abc', '1,5', '0x10', '1.2.3']) {
    it(`rejects ${JSON.stringify(bad)} with INVALID_AMOUNT naming the default field`, () => {
      const error = assertThrowsCoded(() => parseCoinsToMicro(bad), 'INVALID_AMOUNT', 'amount');
      assert.equal(error.details['value'], bad);
    });
  }

  it('rejects amounts above 2^64-1 micro', () => {
    assertThrowsCoded(() => parseCoinsToMicro('18446744073709.551616', 'amount'), 'INVALID_AMOUNT', 'amount');
  });
});

describe('formatMicroAsCoins', () => {
  it('removes trailing zeros and the point when there is no fraction', () => {
    assert.equal(formatMicroAsCoins(3_000_000n), '3');
    assert.equal(formatMicroAsCoins(1_500_000n), '1.5');
    assert.equal(formatMicroAsCoins(1n), '0.000001');
    assert.equal(formatMicroAsCoins(0n), '0');
  });

  it('formats negative amounts with a leading minus', () => {
    assert.equal(formatMicroAsCoins(-1_250_000n), '-1.25');
  });

  it('round-trips through parseCoinsToMicro', () => {
    for (const micro of [0n, 1n, 10n, 999_999n, 1_000_000n, 123_456_789n, MAX_MONEY_MICRO]) {
      assert.equal(parseCoinsToMicro(formatMicroAsCoins(micro)), micro);
    }
  });
});

describe('parseMicro', () => {
  it('accepts decimal strings, safe integers and bigints', () => {
    assert.equal(parseMicro('42', 'feeMicro'), 42n);
    assert.equal(parseMicro('18446744073709551615', 'feeMicro'), MAX_MONEY_MICRO);
    assert.equal(parseMicro(7, 'feeMicro'), 7n);
    assert.equal(parseMicro(9n, 'feeMicro'), 9n);
  });

  for (const [label, bad] of [
    ['a negative number', -1],
    ['a fraction', 1.5],
    ['an unsafe integer', 2 ** 60],
    ['a signed string', '-5'],
    ['a decimal string', '1.0'],
    ['an empty string', ''],
    ['null', null],
    ['an object', {}],
  ] as const) {
    it(`rejects ${label} with INVALID_AMOUNT naming the field`, () => {
      assertThrowsCoded(() => parseMicro(bad, 'amountMicro'), 'INVALID_AMOUNT', 'amountMicro');
    });
  }

  it('rejects values outside the money range, naming the field', () => {
    assertThrowsCoded(() => parseMicro('18446744073709551616', 'amountMicro'), 'INVALID_AMOUNT', 'amountMicro');
    assertThrowsCoded(() => parseMicro(-1n, 'amountMicro'), 'INVALID_AMOUNT', 'amountMicro');
    assertThrowsCoded(() => parseMicro('999999999999999999999', 'amountMicro'), 'INVALID_AMOUNT', 'amountMicro');
  });
});

describe('parseUint', () => {
  it('accepts non-negative safe integers and their decimal strings', () => {
    assert.equal(parseUint(0, 'n'), 0);
    assert.equal(parseUint('123', 'n'), 123);
    assert.equal(parseUint(Number.MAX_SAFE_INTEGER, 'n'), Number.MAX_SAFE_INTEGER);
  });

  it('honours the maximum', () => {
    assert.equal(parseUint(255, 'version', 255), 255);
    assertThrowsCoded(() => parseUint(256, 'version', 255), 'INVALID_ARGUMENT', 'version');
  });

  for (const [label, bad] of [
    ['a negative number', -1],
    ['a fraction', 0.5],
    ['NaN', Number.NaN],
    ['a signed string', '-1'],
    ['a bigint', 5n],
    ['a string beyond 2^53', '9007199254740993'],
    ['undefined', undefined],
  ] as const) {
    it(`rejects ${label} with INVALID_ARGUMENT naming the field`, () => {
      assertThrowsCoded(() => parseUint(bad, 'energyWh'), 'INVALID_ARGUMENT', 'energyWh');
    });
  }
});
