import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  ADDRESS_BYTES,
  addressBytesFromPublicKey,
  addressFromBytes,
  addressFromPublicKey,
  addressToBytes,
  bytesEqual,
  fromHex,
  generateKeyPair,
  isAddress,
  keyPairFromPrivateKey,
  PUBLIC_KEY_BYTES,
  randomPrivateKey,
  SIGNATURE_BYTES,
  sha256,
  sha256Concat,
  sign,
  toHex,
  verify,
  ZERO_HASH,
} from '../../../src/crypto/index.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';
import { fixedSeed } from '../../helpers/ledgerFixtures.js';

const nodeSha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());
const message = new TextEncoder().encode('1 kWh from alice to bob');

describe('sha256', () => {
  it('matches node:crypto createHash for empty and non-empty input', () => {
    for (const data of [new Uint8Array(0), message, new Uint8Array(1000).fill(7)]) {
      assert.ok(bytesEqual(sha256(data), nodeSha256(data)));
    }
  });

  it('sha256Concat hashes the concatenation of its parts', () => {
    const a = new Uint8Array([1, 2, 3]);
    const b = new Uint8Array([4, 5]);
    assert.ok(bytesEqual(sha256Concat(a, b), nodeSha256(new Uint8Array([1, 2, 3, 4, 5]))));
  });
});

describe('keys', () => {
  it('derives the same key pair from the same seed', () => {
    const a = keyPairFromPrivateKey(fixedSeed(1));
    const b = keyPairFromPrivateKey(fixedSeed(1));
    assert.ok(bytesEqual(a.publicKey, b.publicKey));
    assert.equal(a.address, b.address);
    assert.equal(a.publicKey.length, PUBLIC_KEY_BYTES);
  });

  it('derives different key pairs from different seeds', () => {
    assert.notEqual(keyPairFromPrivateKey(fixedSeed(1)).address, keyPairFromPrivateKey(fixedSeed(2)).address);
  });

  it('returns a copy of the private key, not the caller array', () => {
    const seed = fixedSeed(5);
    const pair = keyPairFromPrivateKey(seed);
    assert.notEqual(pair.privateKey, seed);
    assert.ok(bytesEqual(pair.privateKey, seed));
  });

  for (const length of [0, 31, 33, 64]) {
    it(`rejects a ${length}-byte private key with INVALID_KEY`, () => {
      assertThrowsCoded(() => keyPairFromPrivateKey(new Uint8Array(length)), 'INVALID_KEY');
    });
  }

  it('sign rejects a malformed private key with INVALID_KEY', () => {
    assertThrowsCoded(() => sign(message, new Uint8Array(16)), 'INVALID_KEY');
  });

  it('generates fresh random keys', () => {
    assert.equal(randomPrivateKey().length, 32);
    assert.notEqual(generateKeyPair().address, generateKeyPair().address);
  });
});

describe('sign and verify', () => {
  const pair = keyPairFromPrivateKey(fixedSeed(1));
  const other = keyPairFromPrivateKey(fixedSeed(2));

  it('signatures are 64 bytes and deterministic (RFC 8032)', () => {
    const s1 = sign(message, pair.privateKey);
    assert.equal(s1.length, SIGNATURE_BYTES);
    assert.ok(bytesEqual(s1, sign(message, pair.privateKey)));
  });

  it('a signature verifies with the signer public key', () => {
    assert.equal(verify(message, sign(message, pair.privateKey), pair.publicKey), true);
  });

  it('fails for another public key', () => {
    assert.equal(verify(message, sign(message, pair.privateKey), other.publicKey), false);
  });

  it('fails for a changed message', () => {
    const changed = message.slice();
    changed[0]! ^= 1;
    assert.equal(verify(changed, sign(message, pair.privateKey), pair.publicKey), false);
  });

  it('fails for any flipped signature byte', () => {
    const signature = sign(message, pair.privateKey);
    for (let i = 0; i < SIGNATURE_BYTES; i++) {
      const bad = signature.slice();
      bad[i]! ^= 0x01;
      assert.equal(verify(message, bad, pair.publicKey), false, `byte ${i}`);
    }
  });

  it('returns false (does not throw) for signatures of the wrong length', () => {
    const signature = sign(message, pair.privateKey);
    assert.equal(verify(message, signature.subarray(0, 63), pair.publicKey), false);
    assert.equal(verify(message, new Uint8Array(65), pair.publicKey), false);
    assert.equal(verify(message, new Uint8Array(0), pair.publicKey), false);
  });

  it('returns false (does not throw) for public keys of the wrong length or off the curve', () => {
    const signature = sign(message, pair.privateKey);
    assert.equal(verify(message, signature, new Uint8Array(31)), false);
    assert.equal(verify(message, signature, new Uint8Array(33)), false);
    assert.equal(verify(message, signature, new Uint8Array(32).fill(0xff)), false);
    assert.equal(verify(message, new Uint8Array(64), new Uint8Array(32)), false);
  });

  it('verifies correctly for a public key given as a subarray of a larger buffer', () => {
    const backing = new Uint8Array(40);
    backing.set(pair.publicKey, 4);
    assert.equal(verify(message, sign(message, pair.privateKey), backing.subarray(4, 36)), true);
  });
});

describe('addresses', () => {
  const pair = keyPairFromPrivateKey(fixedSeed(3));

  it('is "gp" + hex of the first 20 bytes of SHA-256(publicKey)', () => {
    const expected = 'gp' + Buffer.from(nodeSha256(pair.publicKey).subarray(0, ADDRESS_BYTES)).toString('hex');
    assert.equal(addressFromPublicKey(pair.publicKey), expected);
    assert.equal(pair.address, expected);
    assert.equal(pair.address.length, 42);
  });

  it('addressToBytes inverts addressFromBytes', () => {
    const bytes = addressBytesFromPublicKey(pair.publicKey);
    assert.equal(bytes.length, ADDRESS_BYTES);
    assert.ok(bytesEqual(addressToBytes(addressFromBytes(bytes)), bytes));
  });

  it('isAddress accepts only gp + 40 lowercase hex digits', () => {
    assert.equal(isAddress(pair.address), true);
    assert.equal(isAddress(pair.address.toUpperCase()), false);
    assert.equal(isAddress('gp' + pair.address.slice(2).toUpperCase()), false);
    assert.equal(isAddress(pair.address.slice(0, -1)), false);
    assert.equal(isAddress(pair.address + '0'), false);
    assert.equal(isAddress('0x' + pair.address.slice(2)), false);
    assert.equal(isAddress(42), false);
  });

  for (const bad of [
    '',
    'gp',
    'gpzz00000000000000000000000000000000000000',
    'GP0000000000000000000000000000000000000000',
  ]) {
    it(`addressToBytes rejects ${JSON.stringify(bad)} with INVALID_ADDRESS naming the field`, () => {
      assertThrowsCoded(() => addressToBytes(bad, 'to'), 'INVALID_ADDRESS', 'to');
    });
  }

  it('addressToBytes rejects non-strings with INVALID_ADDRESS', () => {
    assertThrowsCoded(() => addressToBytes(undefined, 'miner'), 'INVALID_ADDRESS', 'miner');
  });
});

describe('hex', () => {
  it('toHex encodes lowercase and respects subarray bounds', () => {
    const backing = new Uint8Array([0xde, 0xad, 0xbe, 0xef]);
    assert.equal(toHex(backing), 'deadbeef');
    assert.equal(toHex(backing.subarray(1, 3)), 'adbe');
    assert.equal(toHex(new Uint8Array(0)), '');
  });

  it('fromHex decodes lower and upper case and an optional 0x prefix', () => {
    assert.deepEqual([...fromHex('00ff')], [0, 255]);
    assert.deepEqual([...fromHex('ABcd')], [0xab, 0xcd]);
    assert.deepEqual([...fromHex('0x0102')], [1, 2]);
    assert.equal(fromHex('').length, 0);
  });

  it('fromHex checks an expected byte length', () => {
    assert.equal(fromHex('aa'.repeat(32), 'hash', 32).length, 32);
    const error = assertThrowsCoded(() => fromHex('aa'.repeat(31), 'prevHash', 32), 'INVALID_HEX', 'prevHash');
    assert.equal(error.details['length'], 31);
  });

  for (const bad of ['abc', 'zz', '0x0', ' 00', '00 ', 'g0']) {
    it(`fromHex rejects ${JSON.stringify(bad)} with INVALID_HEX naming the field`, () => {
      assertThrowsCoded(() => fromHex(bad, 'signature'), 'INVALID_HEX', 'signature');
    });
  }

  it('fromHex rejects non-strings with INVALID_HEX', () => {
    assertThrowsCoded(() => fromHex(1234, 'signature'), 'INVALID_HEX', 'signature');
    assertThrowsCoded(() => fromHex(null), 'INVALID_HEX', 'hex');
  });

  it('bytesEqual compares length and content', () => {
    assert.equal(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])), true);
    assert.equal(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3])), false);
    assert.equal(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0])), false);
  });

  it('ZERO_HASH is 32 zero bytes', () => {
    assert.equal(ZERO_HASH.length, 32);
    assert.ok(ZERO_HASH.every((b) => b === 0));
  });
});
