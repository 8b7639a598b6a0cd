import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { bytesEqual, PUBLIC_KEY_BYTES, SIGNATURE_BYTES, toHex } from '../../../src/crypto/index.js';
import { Writer } from '../../../src/ledger/codec.js';
import {
  createReward,
  createTransfer,
  decodeTx,
  encodeTx,
  MAX_TX_BYTES,
  type RewardTx,
  signTx,
  type Transaction,
  type TransferTx,
  TX_KIND_CODES,
  TX_VERSION,
  txFromJSON,
  txHash,
  txHashHex,
  txSender,
  txSigningHash,
  txToJSON,
  type UnsignedTx,
  verifyTxSignature,
} from '../../../src/ledger/tx.js';
import { MAX_MONEY_MICRO } from '../../../src/units/index.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';
import { alice, bob, carol, GENESIS_TIMESTAMP_MS, minerKey, TEST_CHAIN_PARAMS } from '../../helpers/ledgerFixtures.js';

const chainId = TEST_CHAIN_PARAMS.chainId;

function sampleTransfer(): TransferTx {
  return createTransfer(
    {
      chainId,
      to: bob.address,
      amountMicro: 1_500_000n,
      nonce: 3,
      feeMicro: 25n,
      energyWh: 1200,
      timestampMs: GENESIS_TIMESTAMP_MS,
    },
    alice,
  );
}

function sampleReward(): RewardTx {
  return createReward({
    chainId,
    height: 7,
    to: minerKey.address,
    amountMicro: 1_000_025n,
    timestampMs: GENESIS_TIMESTAMP_MS,
  });
}

/** Byte offsets of the canonical layout documented in src/ledger/tx.ts. */
const OFFSET = {
  version: 0,
  chainId: 1,
  kind: 5,
  senderPublicKey: 6,
  nonce: 38,
  feeMicro: 46,
  timestampMs: 54,
  payloadLength: 62,
  payload: 66,
};

describe('createTransfer', () => {
  it('fills the version, sender key and defaults', () => {
    const tx = createTransfer({ chainId, to: bob.address, amountMicro: 1n, nonce: 0, timestampMs: 5 }, alice);
    assert.equal(tx.kind, 'transfer');
    assert.equal(tx.version, TX_VERSION);
    assert.ok(bytesEqual(tx.senderPublicKey, alice.publicKey));
    assert.equal(tx.feeMicro, 0n);
    assert.equal(tx.energyWh, 0);
    assert.equal(tx.signature.length, SIGNATURE_BYTES);
  });

  it('returns a frozen transaction', () => {
    assert.ok(Object.isFrozen(sampleTransfer()));
  });

  it('rejects a malformed recipient with INVALID_ADDRESS naming "to"', () => {
    assertThrowsCoded(
      () => createTransfer({ chainId, to: 'bob', amountMicro: 1n, nonce: 0, timestampMs: 0 }, alice),
      'INVALID_ADDRESS',
      'to',
    );
  });

  it('signs deterministically', () => {
    assert.ok(bytesEqual(sampleTransfer().signature, sampleTransfer().signature));
  });
});

describe('createReward', () => {
  it('has no sender: zero public key, zero signature, nonce = height, no fee', () => {
    const reward = sampleReward();
    assert.equal(reward.kind, 'reward');
    assert.ok(reward.senderPublicKey.every((b) => b === 0) && reward.senderPublicKey.length === PUBLIC_KEY_BYTES);
    assert.ok(reward.signature.every((b) => b === 0) && reward.signature.length === SIGNATURE_BYTES);
    assert.equal(reward.nonce, 7);
    assert.equal(reward.feeMicro, 0n);
    assert.equal(txSender(reward), null);
  });

  it('rewards of different heights have different ids', () => {
    const a = createReward({ chainId, height: 1, to: minerKey.address, amountMicro: 1n, timestampMs: 0 });
    const b = createReward({ chainId, height: 2, to: minerKey.address, amountMicro: 1n, timestampMs: 0 });
    assert.notEqual(txHashHex(a), txHashHex(b));
  });
});

describe('encodeTx layout', () => {
  it('a transfer is 166 bytes laid out as documented', () => {
    const tx = sampleTransfer();
    const bytes = Buffer.from(encodeTx(tx));
    assert.equal(bytes.length, 1 + 4 + 1 + 32 + 8 + 8 + 8 + 4 + 36 + 64);
    assert.equal(bytes.readUInt8(OFFSET.version), TX_VERSION);
    assert.equal(bytes.readUInt32BE(OFFSET.chainId), chainId);
    assert.equal(bytes.readUInt8(OFFSET.kind), TX_KIND_CODES.transfer);
    assert.ok(bytesEqual(bytes.subarray(OFFSET.senderPublicKey, OFFSET.nonce), alice.publicKey));
    assert.equal(bytes.readBigUInt64BE(OFFSET.nonce), 3n);
    assert.equal(bytes.readBigUInt64BE(OFFSET.feeMicro), 25n);
    assert.equal(bytes.readBigUInt64BE(OFFSET.timestampMs), BigInt(GENESIS_TIMESTAMP_MS));
    assert.equal(bytes.readUInt32BE(OFFSET.payloadLength), 36);
    assert.equal('gp' + bytes.subarray(OFFSET.payload, OFFSET.payload + 20).toString('hex'), bob.address);
    assert.equal(bytes.readBigUInt64BE(OFFSET.payload + 20), 1_500_000n);
    assert.equal(bytes.readBigUInt64BE(OFFSET.payload + 28), 1200n);
    assert.ok(bytesEqual(bytes.subarray(bytes.length - 64), tx.signature));
  });

  it('a reward carries a 28-byte payload (to, amount)', () => {
    const bytes = Buffer.from(encodeTx(sampleReward()));
    assert.equal(bytes.readUInt8(OFFSET.kind), TX_KIND_CODES.reward);
    assert.equal(bytes.readUInt32BE(OFFSET.payloadLength), 28);
    assert.equal(bytes.length, 66 + 28 + 64);
  });

  it('the tx hash is SHA-256 of the canonical bytes', () => {
    const tx = sampleTransfer();
    const expected = createHash('sha256').update(encodeTx(tx)).digest('hex');
    assert.equal(toHex(txHash(tx)), expected);
    assert.equal(txHashHex(tx), expected);
  });

  it('the signing hash is SHA-256 of "gridpeer/tx/v1" and the bytes before the signature', () => {
    const tx = sampleTransfer();
    const bytes = encodeTx(tx);
    const expected = createHash('sha256')
      .update(Buffer.from('gridpeer/tx/v1', 'ascii'))
      .update(bytes.subarray(0, bytes.length - SIGNATURE_BYTES))
      .digest('hex');
    assert.equal(toHex(txSigningHash(tx)), expected);
  });

  it('the signing hash differs between chains (no cross-network replay)', () => {
    const tx = sampleTransfer();
    assert.notEqual(toHex(txSigningHash(tx)), toHex(txSigningHash({ ...tx, chainId: chainId + 1 })));
  });
});

describe('decodeTx', () => {
  it('round-trips a transfer field by field', () => {
    const tx = sampleTransfer();
    const decoded = decodeTx(encodeTx(tx));
    assert.deepEqual(decoded, tx);
    assert.ok(bytesEqual(encodeTx(decoded), encodeTx(tx)));
    assert.ok(Object.isFrozen(decoded));
  });

  it('round-trips a reward', () => {
    const reward = sampleReward();
    assert.deepEqual(decodeTx(encodeTx(reward)), reward);
  });

  it('round-trips extreme field values', () => {
    const tx = createTransfer(
      {
        chainId: 0xffffffff,
        to: carol.address,
        amountMicro: MAX_MONEY_MICRO,
        nonce: Number.MAX_SAFE_INTEGER,
        feeMicro: MAX_MONEY_MICRO,
        energyWh: Number.MAX_SAFE_INTEGER,
        timestampMs: Number.MAX_SAFE_INTEGER,
      },
      alice,
    );
    assert.deepEqual(decodeTx(encodeTx(tx)), tx);
  });

  it('every truncation fails with CODEC_TRUNCATED', () => {
    const bytes = encodeTx(sampleTransfer());
    for (let cut = 0; cut < bytes.length; cut++) {
      assertThrowsCoded(() => decodeTx(bytes.subarray(0, cut)), 'CODEC_TRUNCATED');
    }
  });

  it('a trailing byte fails with CODEC_TRAILING_BYTES', () => {
    const bytes = encodeTx(sampleTransfer());
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    assertThrowsCoded(() => decodeTx(longer), 'CODEC_TRAILING_BYTES');
  });

  it('trailing bytes inside the payload fail with CODEC_TRAILING_BYTES', () => {
    const tx = sampleTransfer();
    const bytes = encodeTx(tx);
    const payload = new Writer()
      .raw(bytes.subarray(OFFSET.payload, OFFSET.payload + 36))
      .u8(0)
      .finish();
    const forged = new Writer()
      .raw(bytes.subarray(0, OFFSET.payloadLength))
      .bytes32(payload)
      .raw(tx.signature)
      .finish();
    assertThrowsCoded(() => decodeTx(forged), 'CODEC_TRAILING_BYTES');
  });

  it('a transfer relabelled as a reward fails (its payload is too long for a reward)', () => {
    const bytes = encodeTx(sampleTransfer()).slice();
    bytes[OFFSET.kind] = TX_KIND_CODES.reward;
    assertThrowsCoded(() => decodeTx(bytes), 'CODEC_TRAILING_BYTES');
  });

  it('a reward relabelled as a transfer fails (its payload is too short for a transfer)', () => {
    const bytes = encodeTx(sampleReward()).slice();
    bytes[OFFSET.kind] = TX_KIND_CODES.transfer;
    assertThrowsCoded(() => decodeTx(bytes), 'CODEC_TRUNCATED', 'energyWh');
  });

  for (const kind of [7, 13, 255]) {
    it(`an unsupported kind code ${kind} fails with CODEC_BAD_VALUE naming "kind"`, () => {
      const bytes = encodeTx(sampleTransfer()).slice();
      bytes[OFFSET.kind] = kind;
      assertThrowsCoded(() => decodeTx(bytes), 'CODEC_BAD_VALUE', 'kind');
    });
  }

  it('a nonce above 2^53-1 fails with CODEC_OUT_OF_RANGE naming "nonce"', () => {
    const bytes = encodeTx(sampleTransfer()).slice();
    bytes[OFFSET.nonce] = 0x01;
    assertThrowsCoded(() => decodeTx(bytes), 'CODEC_OUT_OF_RANGE', 'nonce');
  });

  it('a timestamp above 2^53-1 fails with CODEC_OUT_OF_RANGE naming "timestampMs"', () => {
    const bytes = encodeTx(sampleTransfer()).slice();
    bytes[OFFSET.timestampMs] = 0xff;
    assertThrowsCoded(() => decodeTx(bytes), 'CODEC_OUT_OF_RANGE', 'timestampMs');
  });

  it('a declared payload length above the limit fails with CODEC_OUT_OF_RANGE naming "payload"', () => {
    const bytes = Buffer.from(encodeTx(sampleTransfer()));
    bytes.writeUInt32BE(4000, OFFSET.payloadLength);
    assertThrowsCoded(() => decodeTx(bytes), 'CODEC_OUT_OF_RANGE', 'payload');
  });

  it(`input longer than ${MAX_TX_BYTES} bytes fails with CODEC_OUT_OF_RANGE before parsing`, () => {
    assertThrowsCoded(() => decodeTx(new Uint8Array(MAX_TX_BYTES + 1)), 'CODEC_OUT_OF_RANGE', 'tx');
  });
});

describe('signatures', () => {
  it('a created transfer verifies', () => {
    assert.equal(verifyTxSignature(sampleTransfer()), true);
  });

  it('a decoded transfer verifies', () => {
    assert.equal(verifyTxSignature(decodeTx(encodeTx(sampleTransfer()))), true);
  });

  it('a reward never verifies (it has no sender)', () => {
    assert.equal(verifyTxSignature(sampleReward()), false);
  });

  it('signTx with someone else’s key does not verify', () => {
    const { signature: _, ...unsigned } = sampleTransfer();
    const forged = signTx<TransferTx>(unsigned as UnsignedTx<TransferTx>, bob.privateKey);
    assert.equal(verifyTxSignature(forged), false);
  });

  const changes: Array<[string, (tx: TransferTx) => Transaction]> = [
    ['version', (tx) => ({ ...tx, version: tx.version + 1 })],
    ['chainId', (tx) => ({ ...tx, chainId: tx.chainId + 1 })],
    ['senderPublicKey', (tx) => ({ ...tx, senderPublicKey: carol.publicKey })],
    ['nonce', (tx) => ({ ...tx, nonce: tx.nonce + 1 })],
    ['feeMicro', (tx) => ({ ...tx, feeMicro: tx.feeMicro + 1n })],
    ['timestampMs', (tx) => ({ ...tx, timestampMs: tx.timestampMs + 1 })],
    ['to', (tx) => ({ ...tx, to: carol.address })],
    ['amountMicro', (tx) => ({ ...tx, amountMicro: tx.amountMicro + 1n })],
    ['energyWh', (tx) => ({ ...tx, energyWh: tx.energyWh + 1 })],
    ['kind', (tx) => ({ ...tx, kind: 'reward' }) as RewardTx],
    [
      'signature',
      (tx) => {
        const signature = tx.signature.slice();
        signature[10]! ^= 0x80;
        return { ...tx, signature };
      },
    ],
  ];
  for (const [name, change] of changes) {
    it(`fails after changing ${name}`, () => {
      const tx = sampleTransfer();
      const changed = change(tx);
      assert.equal(verifyTxSignature(changed), false);
      assert.notEqual(txHashHex(changed), txHashHex(tx));
    });
  }
});

describe('txToJSON / txFromJSON', () => {
  it('renders bigints as decimal strings, bytes as hex and derives hash and from', () => {
    const tx = sampleTransfer();
    const json = txToJSON(tx);
    assert.equal(json.hash, txHashHex(tx));
    assert.equal(json.from, alice.address);
    assert.equal(json.feeMicro, '25');
    assert.equal(json.amountMicro, '1500000');
    assert.equal(json.energyWh, 1200);
    assert.equal(json.senderPublicKey, toHex(alice.publicKey));
    assert.equal(json.signature, toHex(tx.signature));
  });

  it('a reward has from = null and no energyWh', () => {
    const json = txToJSON(sampleReward());
    assert.equal(json.from, null);
    assert.equal('energyWh' in json, false);
  });

  it('round-trips a transfer through JSON text', () => {
    const tx = sampleTransfer();
    const back = txFromJSON(JSON.parse(JSON.stringify(txToJSON(tx))));
    assert.deepEqual(back, tx);
    assert.ok(bytesEqual(encodeTx(back), encodeTx(tx)));
    assert.equal(verifyTxSignature(back), true);
  });

  it('round-trips a reward through JSON text', () => {
    const reward = sampleReward();
    assert.deepEqual(txFromJSON(JSON.parse(JSON.stringify(txToJSON(reward)))), reward);
  });

  it('ignores the derived hash and from fields on input', () => {
    const tx = sampleTransfer();
    const json = { ...txToJSON(tx), hash: '00'.repeat(32), from: carol.address };
    assert.equal(txHashHex(txFromJSON(json)), txHashHex(tx));
  });

  it('an edited amount yields a different transaction whose signature fails', () => {
    const tx = sampleTransfer();
    const edited = txFromJSON({ ...txToJSON(tx), amountMicro: '1500001' });
    assert.notEqual(txHashHex(edited), txHashHex(tx));
    assert.equal(verifyTxSignature(edited), false);
  });

  it('energyWh defaults to 0 when absent', () => {
    const { energyWh: _, ...json } = txToJSON(sampleTransfer());
    const back = txFromJSON(json);
    assert.equal(back.kind === 'transfer' && back.energyWh, 0);
  });

  it('accepts integer amounts given as JSON numbers', () => {
    const back = txFromJSON({ ...txToJSON(sampleTransfer()), feeMicro: 25 });
    assert.equal(back.feeMicro, 25n);
  });

  it('rejects non-objects with INVALID_ARGUMENT naming "tx"', () => {
    for (const value of [null, 5, 'tx', [], undefined])
      assertThrowsCoded(() => txFromJSON(value), 'INVALID_ARGUMENT', 'tx');
  });

  for (const name of [
    'kind',
    'version',
    'chainId',
    'senderPublicKey',
    'nonce',
    'feeMicro',
    'timestampMs',
    'signature',
    'to',
    'amountMicro',
  ]) {
    it(`a missing ${name} is INVALID_ARGUMENT naming it`, () => {
      const json: Record<string, unknown> = { ...txToJSON(sampleTransfer()) };
      delete json[name];
      assertThrowsCoded(() => txFromJSON(json), 'INVALID_ARGUMENT', name);
    });
  }

  const badFields: Array<[string, unknown, string]> = [
    ['kind', 'stake', 'INVALID_ARGUMENT'],
    ['version', 256, 'INVALID_ARGUMENT'],
    ['version', -1, 'INVALID_ARGUMENT'],
    ['chainId', 2 ** 32, 'INVALID_ARGUMENT'],
    ['chainId', '1337x', 'INVALID_ARGUMENT'],
    ['senderPublicKey', 'ab', 'INVALID_HEX'],
    ['senderPublicKey', 'zz'.repeat(32), 'INVALID_HEX'],
    ['nonce', 1.5, 'INVALID_ARGUMENT'],
    ['nonce', '-1', 'INVALID_ARGUMENT'],
    ['feeMicro', '-1', 'INVALID_AMOUNT'],
    ['feeMicro', '18446744073709551616', 'INVALID_AMOUNT'],
    ['timestampMs', 'yesterday', 'INVALID_ARGUMENT'],
    ['signature', '00'.repeat(63), 'INVALID_HEX'],
    ['to', 'gpXYZ', 'INVALID_ADDRESS'],
    ['to', alice.address.toUpperCase(), 'INVALID_ADDRESS'],
    ['amountMicro', '1.5', 'INVALID_AMOUNT'],
    ['amountMicro', 1e30, 'INVALID_AMOUNT'],
    ['energyWh', -5, 'INVALID_ARGUMENT'],
    ['energyWh', 2 ** 53, 'INVALID_ARGUMENT'],
  ];
  for (const [name, value, code] of badFields) {
    it(`${name} = ${JSON.stringify(value)} is ${code} naming "${name}"`, () => {
      const json = { ...txToJSON(sampleTransfer()), [name]: value };
      assertThrowsCoded(() => txFromJSON(json), code as 'INVALID_ARGUMENT', name);
    });
  }
});
