import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  decodeConfig,
  decodeI64,
  decodeOrder,
  decodeParticipant,
  decodeRating,
  decodeSettlement,
  decodeSlot,
  decodeTrade,
  EMPTY_HISTORY,
  encodeConfig,
  encodeI64,
  encodeOrder,
  encodeParticipant,
  encodeRating,
  encodeSettlement,
  encodeSlot,
  encodeTrade,
  type SettlementRecord,
  type TradeRecord,
} from '../../../src/contract/records.js';
import { address, bytes, runs, u64 } from '../../helpers/arbitraries.js';
import { assertSameValue, assertThrowsCoded } from '../../helpers/assertions.js';
import { key, meterOf } from './marketFixtures.js';

const wh = fc.integer({ min: 0, max: 2 ** 40 });
const signed = fc.bigInt({ min: -(2n ** 64n - 1n), max: 2n ** 64n - 1n });

describe('market contract records: canonical bytes', () => {
  it('round-trips trades and settlements', () => {
    const trade: fc.Arbitrary<TradeRecord> = fc.record({
      slot: fc.integer({ min: 0, max: 0xffffffff }),
      index: fc.integer({ min: 0, max: 0xffffffff }),
      seller: address,
      buyer: address,
      offerTxHash: bytes(32),
      bidTxHash: bytes(32),
      energyWh: wh,
      priceMicroPerKwh: u64,
      amountMicro: u64,
      sellerAmountMicro: u64,
      settledHeight: wh,
    });
    const settlement: fc.Arbitrary<SettlementRecord> = fc.record({
      importWh: wh,
      exportWh: wh,
      peerImportWh: wh,
      peerExportWh: wh,
      netPaymentMicro: signed,
      gridOnlyPaymentMicro: signed,
      lockedMicro: u64,
      unpaidMicro: u64,
      metered: fc.boolean(),
      deliveredWh: wh,
      consumedWh: wh,
      shortfallWh: wh,
      shortfallCostMicro: u64,
      penaltyMicro: u64,
    });
    fc.assert(
      fc.property(trade, settlement, (t, s) => {
        assertSameValue(decodeTrade(encodeTrade(t)), t);
        assertSameValue(decodeSettlement(encodeSettlement(s)), s);
      }),
      runs(200),
    );
  });

  it('round-trips participants, configs, slots and orders', () => {
    const participant = {
      role: 'consumer' as const,
      meterPublicKey: meterOf(3).publicKey,
      pvW: 0,
      batteryWh: 13_500,
      location: 'Straße 7',
      status: 'rejected' as const,
      registeredHeight: 4,
      statusHeight: 9,
      rejectReason: 'duplicate household',
      history: { ...EMPTY_HISTORY, deliveredWh: 123, ratingSum: 9, ratingCount: 2 },
    };
    assertSameValue(decodeParticipant(encodeParticipant(participant)), participant);
    const config = {
      open: false,
      firstSlot: 96,
      lastSlot: 200,
      startMs: 1_700_000_000_000,
      slotDurationMs: 900_000,
      gateClosureLeadMs: 60_000,
      maxSlotsAhead: 96,
      mechanism: 'sdr',
      paramsJson: '{"espFeeMicroPerKwh":"5"}',
      gridAccount: key(5).address,
      gridPrices: [
        { importMicroPerKwh: 300_000n, exportMicroPerKwh: 80_000n },
        { importMicroPerKwh: 250_000n, exportMicroPerKwh: 80_000n },
      ],
      shortfallPenaltyMicroPerKwh: 0n,
    };
    assertSameValue(decodeConfig(encodeConfig(config)), config);
    assertSameValue(decodeConfig(encodeConfig({ ...config, open: true, lastSlot: null })), {
      ...config,
      open: true,
      lastSlot: null,
    });
    const open = { orderCount: 3, status: 'open' as const, clearing: null };
    assertSameValue(decodeSlot(encodeSlot(open)), open);
    const order = {
      txHash: new Uint8Array(32).fill(7),
      participant: key(6).address,
      side: 'bid' as const,
      energyWh: 1500,
      limitPriceMicroPerKwh: null,
      lockedMicro: 450_000n,
      sequence: 12,
      status: 'cancelled' as const,
    };
    assertSameValue(decodeOrder(encodeOrder(order)), order);
    assert.equal(decodeRating(encodeRating(4)), 4);
  });

  it('has one encoding per value: negative zero, unknown enums and trailing bytes are refused', () => {
    assert.deepEqual([...encodeI64(0n)], [0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(decodeI64(encodeI64(-5n)), -5n);
    assertThrowsCoded(() => decodeI64(Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0, 0)), 'CODEC_BAD_VALUE');
    assertThrowsCoded(() => decodeI64(Uint8Array.of(2, 0, 0, 0, 0, 0, 0, 0, 1)), 'CODEC_BAD_VALUE');
    const slot = encodeSlot({ orderCount: 1, status: 'open', clearing: null });
    assertThrowsCoded(() => decodeSlot(Uint8Array.of(...slot.subarray(0, 4), 9)), 'CODEC_BAD_VALUE');
    assertThrowsCoded(() => decodeSlot(Uint8Array.of(...slot, 0)), 'CODEC_TRAILING_BYTES');
    assertThrowsCoded(() => decodeRating(encodeRating(0)), 'CODEC_BAD_VALUE');
  });
});
