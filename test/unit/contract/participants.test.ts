import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readAdmin, readParticipant } from '../../../src/contract/index.js';
import { assertRejects, assertValid } from '../../helpers/assertions.js';
import { admin, consumer1, key, Market, meterOf, openPayload, prosumer1 } from './marketFixtures.js';

function registerPayload(byte: number) {
  return {
    role: 'prosumer' as const,
    meterPublicKey: meterOf(byte).publicKey,
    pvW: 4000,
    batteryWh: 10_000,
    location: 'feeder-2',
  };
}

describe('market contract: participants (seed 000 §5 guidelines 1–2, seed 004 §IV)', () => {
  it('registers a household as pending and the administrator approves it', () => {
    const market = new Market();
    market.height = 7;
    assertValid(market.send('register', prosumer1, registerPayload(11)));
    let record = readParticipant(market.overlay, prosumer1.address);
    assert.equal(record?.status, 'pending');
    assert.equal(record?.registeredHeight, 7);
    assert.equal(record?.pvW, 4000);
    assert.equal(record?.location, 'feeder-2');
    assert.deepEqual(record?.meterPublicKey, meterOf(11).publicKey);

    market.height = 9;
    assertValid(market.send('approve', admin, { participant: prosumer1.address }));
    record = readParticipant(market.overlay, prosumer1.address);
    assert.equal(record?.status, 'approved');
    assert.equal(record?.statusHeight, 9);
  });

  it('refuses approval by anyone but the administrator (NOT_ADMIN)', () => {
    const market = new Market();
    assertValid(market.send('register', prosumer1, registerPayload(11)));
    assertRejects(market.send('approve', consumer1, { participant: prosumer1.address }), 'NOT_ADMIN');
    assertRejects(market.send('approve', prosumer1, { participant: prosumer1.address }), 'NOT_ADMIN');
    assert.equal(readParticipant(market.overlay, prosumer1.address)?.status, 'pending');
  });

  it('refuses a second registration and a meter key already in use', () => {
    const market = new Market();
    assertValid(market.send('register', prosumer1, registerPayload(11)));
    assertRejects(market.send('register', prosumer1, registerPayload(12)), 'PARTICIPANT_EXISTS');
    assertRejects(market.send('register', consumer1, registerPayload(11)), 'METER_KEY_IN_USE');
  });

  it('approves only a known, pending participant', () => {
    const market = new Market();
    assertRejects(market.send('approve', admin, { participant: prosumer1.address }), 'PARTICIPANT_UNKNOWN');
    assertValid(market.send('register', prosumer1, registerPayload(11)));
    assertValid(market.send('approve', admin, { participant: prosumer1.address }));
    assertRejects(market.send('approve', admin, { participant: prosumer1.address }), 'PARTICIPANT_NOT_PENDING');
  });

  it('rejects a pending or an approved participant with a reason, once', () => {
    const market = new Market();
    assertValid(market.send('register', prosumer1, registerPayload(11)));
    assertValid(market.send('register', consumer1, registerPayload(21)));
    assertValid(market.send('approve', admin, { participant: consumer1.address }));
    assertRejects(market.send('reject', consumer1, { participant: prosumer1.address, reason: 'no' }), 'NOT_ADMIN');
    assertValid(market.send('reject', admin, { participant: prosumer1.address, reason: 'meter not certified' }));
    assertValid(market.send('reject', admin, { participant: consumer1.address, reason: 'moved away' }));
    const rejected = readParticipant(market.overlay, prosumer1.address);
    assert.equal(rejected?.status, 'rejected');
    assert.equal(rejected?.rejectReason, 'meter not certified');
    assert.equal(readParticipant(market.overlay, consumer1.address)?.status, 'rejected');
    assertRejects(
      market.send('reject', admin, { participant: prosumer1.address, reason: 'again' }),
      'PARTICIPANT_NOT_PENDING',
    );
  });

  it('hands the administrator role over with an admin transaction', () => {
    const market = new Market();
    const next = key(2);
    assertRejects(market.send('admin', consumer1, { newAdmin: consumer1.address }), 'NOT_ADMIN');
    assertValid(market.send('admin', admin, { newAdmin: next.address }));
    assert.equal(readAdmin(market.overlay), next.address);
    assertValid(market.send('register', prosumer1, registerPayload(11)));
    assertRejects(market.send('approve', admin, { participant: prosumer1.address }), 'NOT_ADMIN');
    assertValid(market.send('approve', next, { participant: prosumer1.address }));
  });

  it('fails every market transaction while no administrator is set (MARKET_DISABLED)', () => {
    const market = new Market({ admin: null });
    assertRejects(market.send('register', prosumer1, registerPayload(11)), 'MARKET_DISABLED');
    assertRejects(market.send('market', admin, openPayload()), 'MARKET_DISABLED');
    assertValid(market.block(market.timestampMs + 1));
    assert.equal(market.overlay.changes().size, 0);
  });
});
