/**
 * Market transaction kinds (ledger/marketTx.ts): canonical bytes and the JSON view round-trip for every kind,
 * signatures cover the payload, and malformed payloads fail naming the field.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { toHex } from '../../../src/crypto/index.js';
import type { MarketOpenPayload } from '../../../src/ledger/marketTx.js';
import {
  createMarketTx,
  decodeTx,
  encodeTx,
  isMarketTx,
  MARKET_TX_KINDS,
  type MarketPayloads,
  type MarketTxKind,
  TX_KIND_CODES,
  txFromJSON,
  txHashHex,
  txSender,
  txToJSON,
  verifyTxSignature,
} from '../../../src/ledger/tx.js';
import { runs } from '../../helpers/arbitraries.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';
import { alice, bob, carol, GENESIS_TIMESTAMP_MS, TEST_CHAIN_PARAMS } from '../../helpers/ledgerFixtures.js';

const common = { chainId: TEST_CHAIN_PARAMS.chainId, nonce: 2, feeMicro: 5n, timestampMs: GENESIS_TIMESTAMP_MS };

const OPEN: MarketOpenPayload = {
  action: 'open',
  startMs: GENESIS_TIMESTAMP_MS + 3_600_000,
  slotDurationMs: 900_000,
  gateClosureLeadMs: 60_000,
  maxSlotsAhead: 96,
  mechanism: 'uniform-auction',
  paramsJson: '{"k":0.5}',
  gridAccount: carol.address,
  gridPrices: [
    { importMicroPerKwh: 300_000n, exportMicroPerKwh: 100_000n },
    { importMicroPerKwh: 250_000n, exportMicroPerKwh: 90_000n },
  ],
  shortfallPenaltyMicroPerKwh: 50_000n,
};

const SAMPLES: { [K in MarketTxKind]: MarketPayloads[K] } = {
  register: {
    role: 'prosumer',
    meterPublicKey: bob.publicKey,
    pvW: 5000,
    batteryWh: 10_000,
    location: 'feeder-1 · Zürich',
  },
  approve: { participant: bob.address },
  reject: { participant: bob.address, reason: 'meter not certified' },
  admin: { newAdmin: bob.address },
  market: OPEN,
  offer: { slot: 12, energyWh: 1500, limitPriceMicroPerKwh: 150_000n },
  bid: { slot: 12, energyWh: 2500 },
  cancel: { orderTxHash: new Uint8Array(32).fill(7) },
  meter: { participant: bob.address, slot: 12, deliveredWh: 1400, consumedWh: 0 },
  rate: { counterparty: bob.address, slot: 12, stars: 4 },
};

describe('market transactions: bytes and JSON', () => {
  for (const kind of MARKET_TX_KINDS) {
    it(`${kind} (code ${TX_KIND_CODES[kind]}) round-trips through bytes and JSON, signed over its payload`, () => {
      const tx = createMarketTx(kind, SAMPLES[kind], common, alice);
      assert.ok(isMarketTx(tx));
      assert.ok(verifyTxSignature(tx));
      assert.equal(txSender(tx), alice.address);
      const bytes = encodeTx(tx);
      assert.equal(bytes[5], TX_KIND_CODES[kind]);
      const decoded = decodeTx(bytes);
      assert.deepEqual(decoded, tx);
      assert.equal(txHashHex(decoded), txHashHex(tx));
      const json = JSON.parse(JSON.stringify(txToJSON(tx)));
      const back = txFromJSON(json);
      assert.equal(toHex(encodeTx(back)), toHex(bytes));
    });
  }

  it('a close needs no more than its action', () => {
    const tx = createMarketTx('market', { action: 'close' }, common, alice);
    assert.deepEqual(decodeTx(encodeTx(tx)), tx);
    assert.deepEqual(txToJSON(tx).payload, { action: 'close' });
  });

  it('editing a payload byte breaks the signature', () => {
    const tx = createMarketTx('bid', SAMPLES.bid, common, alice);
    const bytes = encodeTx(tx).slice();
    // energyWh is the payload's second u32: after the 4-byte payload length and the 4-byte slot.
    const payloadStart = bytes.length - 64 - 9;
    bytes[payloadStart + 7]! ^= 1;
    const forged = decodeTx(bytes);
    assert.notEqual(forged.kind === 'bid' && forged.payload.energyWh, SAMPLES.bid.energyWh);
    assert.equal(verifyTxSignature(forged), false);
  });
});

describe('market transactions: malformed payloads', () => {
  it('an unknown role code fails naming "role"', () => {
    const bytes = encodeTx(createMarketTx('register', SAMPLES.register, common, alice)).slice();
    // role is the first payload byte, after the fixed header (1+4+1+32+8+8+8) and the u32 payload length.
    bytes[66] = 3;
    assertThrowsCoded(() => decodeTx(bytes), 'CODEC_BAD_VALUE', 'role');
  });

  it('an unknown market action fails naming "action"', () => {
    const bytes = encodeTx(createMarketTx('market', { action: 'close' }, common, alice)).slice();
    bytes[66] = 9;
    assertThrowsCoded(() => decodeTx(bytes), 'CODEC_BAD_VALUE', 'action');
  });

  it('a location longer than 64 bytes cannot be signed', () => {
    assertThrowsCoded(
      () => createMarketTx('register', { ...SAMPLES.register, location: 'x'.repeat(65) }, common, alice),
      'CODEC_OUT_OF_RANGE',
      'location',
    );
  });

  it('more than 240 grid prices cannot be signed', () => {
    const gridPrices = Array.from({ length: 241 }, () => OPEN.gridPrices[0]!);
    assertThrowsCoded(
      () => createMarketTx('market', { ...OPEN, gridPrices }, common, alice),
      'CODEC_OUT_OF_RANGE',
      'gridPrices',
    );
  });

  const json = (kind: MarketTxKind) =>
    JSON.parse(JSON.stringify(txToJSON(createMarketTx(kind, SAMPLES[kind], common, alice))));

  for (const [kind, edit, field, code] of [
    ['bid', (p: Record<string, unknown>) => delete p['slot'], 'payload.slot', 'INVALID_ARGUMENT'],
    ['bid', (p: Record<string, unknown>) => (p['energyWh'] = -1), 'payload.energyWh', 'INVALID_ARGUMENT'],
    [
      'offer',
      (p: Record<string, unknown>) => (p['limitPriceMicroPerKwh'] = '1.5'),
      'payload.limitPriceMicroPerKwh',
      'INVALID_AMOUNT',
    ],
    ['register', (p: Record<string, unknown>) => (p['role'] = 'utility'), 'payload.role', 'INVALID_ARGUMENT'],
    [
      'register',
      (p: Record<string, unknown>) => (p['meterPublicKey'] = 'abcd'),
      'payload.meterPublicKey',
      'INVALID_HEX',
    ],
    ['approve', (p: Record<string, unknown>) => (p['participant'] = 'gpXYZ'), 'payload.participant', 'INVALID_ADDRESS'],
    ['market', (p: Record<string, unknown>) => (p['gridPrices'] = 'cheap'), 'payload.gridPrices', 'INVALID_ARGUMENT'],
    ['rate', (p: Record<string, unknown>) => (p['stars'] = 256), 'payload.stars', 'INVALID_ARGUMENT'],
  ] as const) {
    it(`${kind}: a bad ${field} is ${code} naming it`, () => {
      const body = json(kind);
      edit(body.payload);
      assertThrowsCoded(() => txFromJSON(body), code, field);
    });
  }

  it('a missing payload is INVALID_ARGUMENT naming "payload"', () => {
    const body = json('bid');
    delete body.payload;
    assertThrowsCoded(() => txFromJSON(body), 'INVALID_ARGUMENT', 'payload');
  });
});

describe('market transactions: property', () => {
  it('any order payload round-trips through bytes and JSON', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<'offer' | 'bid'>('offer', 'bid'),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.option(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { nil: undefined }),
        (kind, slot, energyWh, limit) => {
          const payload = limit === undefined ? { slot, energyWh } : { slot, energyWh, limitPriceMicroPerKwh: limit };
          const tx = createMarketTx(kind, payload, common, alice);
          assert.deepEqual(decodeTx(encodeTx(tx)), tx);
          assert.equal(toHex(encodeTx(txFromJSON(JSON.parse(JSON.stringify(txToJSON(tx)))))), toHex(encodeTx(tx)));
        },
      ),
      runs(200),
    );
  });
});
