/**
 * Ed25519 known answers from RFC 8032 §7.1 (TEST 1 and TEST 2): our key derivation and signing must match the
 * standard byte for byte, since the browser build swaps OpenSSL for @noble and both must agree.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex, keyPairFromPrivateKey, sign, toHex, verify } from '../../src/crypto/index.js';

const RFC8032_VECTORS = [
  {
    name: 'TEST 1 (empty message)',
    secretKey: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2 (one byte)',
    secretKey: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];

describe('Ed25519 (RFC 8032 §7.1)', () => {
  for (const vector of RFC8032_VECTORS) {
    it(`${vector.name}: public key`, () => {
      assert.equal(toHex(keyPairFromPrivateKey(fromHex(vector.secretKey)).publicKey), vector.publicKey);
    });

    it(`${vector.name}: signature`, () => {
      assert.equal(toHex(sign(fromHex(vector.message), fromHex(vector.secretKey))), vector.signature);
    });

    it(`${vector.name}: verification`, () => {
      assert.equal(verify(fromHex(vector.message), fromHex(vector.signature), fromHex(vector.publicKey)), true);
    });
  }
});
