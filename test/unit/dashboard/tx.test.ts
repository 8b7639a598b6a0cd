import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  devKeyPair as browserDevKeyPair,
  devMeterKeyPair as browserDevMeterKeyPair,
  coinsToMicro,
  createSignedTx,
  DEV_NAMES,
  keyPairFromHex,
  kiloToUnit,
  type MarketKind,
  microToCoins,
  type Payloads,
  resolveAddress,
} from '../../../dashboard/src/tx.js';
import { devKeyPair } from '../../../src/chain/devAccounts.js';
import { devMeterKeyPair } from '../../../src/cli/client.js';
import { toHex } from '../../../src/crypto/index.js';
import { createMarketTx, decodeTx, encodeTx, type MarketPayloads, txHashHex } from '../../../src/ledger/tx.js';

const admin = devKeyPair('Admin');
const prosumer = devKeyPair('Prosumer1');
const consumer = devKeyPair('Consumer1');
const meter = devKeyPair('Meter of Prosumer1');

const cases: { [K in MarketKind]: Array<{ sender: string; payload: Payloads[K] & MarketPayloads[K] }> } = {
  register: [
    {
      sender: 'Prosumer1',
      payload: {
        role: 'prosumer',
        meterPublicKey: meter.publicKey,
        pvW: 5000,
        batteryWh: 10_000,
        location: 'feeder-1 ü',
      },
    },
    {
      sender: 'Consumer1',
      payload: { role: 'consumer', meterPublicKey: meter.publicKey, pvW: 0, batteryWh: 0, location: '' },
    },
  ],
  approve: [{ sender: 'Admin', payload: { participant: prosumer.address } }],
  reject: [{ sender: 'Admin', payload: { participant: consumer.address, reason: 'meter not certified — sorry' } }],
  admin: [{ sender: 'Admin', payload: { newAdmin: consumer.address } }],
  market: [
    {
      sender: 'Admin',
      payload: {
        action: 'open',
        startMs: 1_700_000_000_000,
        slotDurationMs: 3_600_000,
        gateClosureLeadMs: 60_000,
        maxSlotsAhead: 24,
        mechanism: 'uniform-auction',
        paramsJson: '{"k":0.5}',
        gridAccount: devKeyPair('Grid').address,
        gridPrices: [
          { importMicroPerKwh: 300_000n, exportMicroPerKwh: 80_000n },
          { importMicroPerKwh: 250_000n, exportMicroPerKwh: 70_000n },
        ],
        shortfallPenaltyMicroPerKwh: 100_000n,
      },
    },
    { sender: 'Admin', payload: { action: 'close' } },
  ],
  offer: [
    { sender: 'Prosumer1', payload: { slot: 7, energyWh: 1500, limitPriceMicroPerKwh: 200_000n } },
    { sender: 'Prosumer1', payload: { slot: 0, energyWh: 1 } },
  ],
  bid: [
    { sender: 'Consumer1', payload: { slot: 4_000_000_000, energyWh: 2000, limitPriceMicroPerKwh: 250_000n } },
    { sender: 'Consumer1', payload: { slot: 3, energyWh: 900 } },
  ],
  cancel: [{ sender: 'Consumer1', payload: { orderTxHash: new Uint8Array(32).fill(0xab) } }],
  meter: [
    {
      sender: 'Prosumer1',
      payload: { participant: prosumer.address, slot: 5, deliveredWh: 1200, consumedWh: 300 },
    },
  ],
  rate: [{ sender: 'Consumer1', payload: { counterparty: prosumer.address, slot: 5, stars: 4 } }],
};

describe('dashboard tx encoder (browser signing)', () => {
  it('derives the dev accounts exactly like src/chain/devAccounts.ts', () => {
    for (const name of DEV_NAMES) {
      const node = devKeyPair(name);
      const browser = browserDevKeyPair(name);
      assert.equal(browser.address, node.address, name);
      assert.equal(toHex(browser.publicKey), toHex(node.publicKey), name);
      assert.equal(toHex(browser.privateKey), toHex(node.privateKey), name);
    }
  });

  it('derives the dev meter keys like the CLI, and resolves dev names to addresses', () => {
    for (const name of DEV_NAMES) {
      assert.equal(toHex(browserDevMeterKeyPair(name).publicKey), toHex(devMeterKeyPair(name).publicKey), name);
      assert.equal(resolveAddress(name, 'participant'), devKeyPair(name).address);
    }
    assert.equal(resolveAddress(` ${prosumer.address} `, 'participant'), prosumer.address);
    assert.throws(() => resolveAddress('gp12', 'participant'), /participant/);
    assert.equal(kiloToUnit('5', 'pv'), 5000);
    assert.equal(kiloToUnit('2.5', 'pv'), 2500);
    assert.throws(() => kiloToUnit('1.0001', 'pv'), /pv/);
  });

  it('imports a 64-hex private key to the same key pair', () => {
    const imported = keyPairFromHex(`  ${toHex(admin.privateKey).toUpperCase()} `);
    assert.equal(imported.address, admin.address);
    assert.throws(() => keyPairFromHex('abcd'), /32 bytes/);
  });

  for (const kind of Object.keys(cases) as MarketKind[]) {
    it(`${kind}: the same bytes and hash as encodeTx(createMarketTx(...))`, () => {
      for (const [i, c] of cases[kind].entries()) {
        const params = { chainId: 1337, nonce: 3 + i, timestampMs: 1_700_000_123_456 + i };
        const expected = createMarketTx(kind, c.payload as MarketPayloads[typeof kind], params, devKeyPair(c.sender));
        const actual = createSignedTx(kind, c.payload as Payloads[typeof kind], params, browserDevKeyPair(c.sender));
        assert.equal(actual.hex, toHex(encodeTx(expected)), `${kind} case ${i}`);
        assert.equal(actual.hash, txHashHex(expected), `${kind} case ${i}`);
        // The node decodes it back to the same kind.
        assert.equal(decodeTx(actual.bytes).kind, kind);
      }
    });
  }

  it('carries a fee and another chain id into the signed bytes', () => {
    const params = { chainId: 7, nonce: 0, timestampMs: 1, feeMicro: 12n };
    const payload = { slot: 1, energyWh: 10 };
    const expected = createMarketTx('bid', payload, params, consumer);
    assert.equal(createSignedTx('bid', payload, params, browserDevKeyPair('Consumer1')).hex, toHex(encodeTx(expected)));
  });

  it('rejects out-of-range fields before signing', () => {
    const key = browserDevKeyPair('Consumer1');
    const params = { chainId: 1337, nonce: 0, timestampMs: 1 };
    assert.throws(() => createSignedTx('bid', { slot: -1, energyWh: 1 }, params, key), /slot/);
    assert.throws(() => createSignedTx('bid', { slot: 1, energyWh: 1.5 }, params, key), /energyWh/);
    assert.throws(() => createSignedTx('approve', { participant: 'gpXYZ' }, params, key), /participant/);
    assert.throws(
      () => createSignedTx('reject', { participant: prosumer.address, reason: 'x'.repeat(201) }, params, key),
      /reason/,
    );
  });

  it('converts coins per kWh to µcoin per kWh as bigint and back', () => {
    assert.equal(coinsToMicro('0.25'), 250_000n);
    assert.equal(coinsToMicro('3'), 3_000_000n);
    assert.equal(coinsToMicro('1.000001'), 1_000_001n);
    assert.throws(() => coinsToMicro('1.0000001'));
    assert.throws(() => coinsToMicro('-1'));
    assert.equal(microToCoins(250_000n), '0.25');
    assert.equal(microToCoins('-1500000'), '-1.5');
    assert.equal(microToCoins(0), '0');
  });
});
