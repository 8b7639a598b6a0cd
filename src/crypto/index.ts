/**
 * @module crypto
 * The only wrapper over node:crypto (OpenSSL, native speed; DESIGN.md §4): SHA-256, Ed25519 keys, signatures,
 * addresses and hex. Nothing else in `src/` imports node:crypto, so the browser build can swap in @noble.
 * Seed 003 Figs. 3–4: a node signs the digest of the data with its private key; any node verifies it with the
 * sender's public key.
 */
import {
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
  hash as oneShotHash,
  randomBytes,
} from 'node:crypto';
import { GridPeerError } from '../errors/index.js';

export const HASH_BYTES = 32;
export const PUBLIC_KEY_BYTES = 32;
export const PRIVATE_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;
export const ADDRESS_BYTES = 20;
/** Text form of an address: this prefix and 40 lowercase hex digits. */
export const ADDRESS_PREFIX = 'gp';

/** DER wrappers that turn a raw 32-byte Ed25519 seed / public key into what OpenSSL accepts (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export type Hash32 = Uint8Array;
export type Address = string;

export interface KeyPair {
  /** 32-byte Ed25519 seed. Keep secret. */
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly address: Address;
}

/** SHA-256 of `data` (OpenSSL one-shot, the fastest path Node offers). */
export function sha256(data: Uint8Array): Buffer {
  return oneShotHash('sha256', data, 'buffer') as unknown as Buffer;
}

/** SHA-256 of several parts without concatenating them first in the caller. */
export function sha256Concat(...parts: readonly Uint8Array[]): Buffer {
  return sha256(Buffer.concat(parts));
}

export function randomPrivateKey(): Uint8Array {
  return new Uint8Array(randomBytes(PRIVATE_KEY_BYTES));
}

/**
 * Derives the key pair of a 32-byte Ed25519 seed (deterministic: the same seed gives the same keys).
 * @throws GridPeerError INVALID_KEY when the seed is not 32 bytes.
 */
export function keyPairFromPrivateKey(privateKey: Uint8Array): KeyPair {
  const keyObject = privateKeyObject(privateKey);
  const spki = createPublicKey(keyObject).export({ format: 'der', type: 'spki' });
  const publicKey = new Uint8Array(spki.subarray(SPKI_ED25519_PREFIX.length));
  const copy = new Uint8Array(privateKey);
  // The pair keeps its own copy of the seed; signing with it reuses the key object built here.
  privateKeyCache.set(copy, keyObject);
  return { privateKey: copy, publicKey, address: addressFromPublicKey(publicKey) };
}

export function generateKeyPair(): KeyPair {
  return keyPairFromPrivateKey(randomPrivateKey());
}

const privateKeyCache = new WeakMap<Uint8Array, KeyObject>();

function privateKeyObject(privateKey: Uint8Array): KeyObject {
  const cached = privateKeyCache.get(privateKey);
  if (cached) return cached;
  if (privateKey.length !== PRIVATE_KEY_BYTES) {
    throw new GridPeerError('INVALID_KEY', `private key must be ${PRIVATE_KEY_BYTES} bytes`, {
      length: privateKey.length,
    });
  }
  const keyObject = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, privateKey]),
    format: 'der',
    type: 'pkcs8',
  });
  privateKeyCache.set(privateKey, keyObject);
  return keyObject;
}

/**
 * Public keys recur (the same households sign every slot), and building an OpenSSL key object costs about as
 * much as a verification, so recent ones are kept. Bounded so a flood of fresh keys cannot grow memory.
 */
const PUBLIC_KEY_CACHE_LIMIT = 4096;
const publicKeyCache = new Map<string, KeyObject>();

function publicKeyObject(publicKey: Uint8Array): KeyObject | null {
  if (publicKey.length !== PUBLIC_KEY_BYTES) return null;
  const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.length).toString('latin1');
  const cached = publicKeyCache.get(id);
  if (cached) return cached;
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
  if (publicKeyCache.size >= PUBLIC_KEY_CACHE_LIMIT) {
    const oldest = publicKeyCache.keys().next().value;
    if (oldest !== undefined) publicKeyCache.delete(oldest);
  }
  publicKeyCache.set(id, keyObject);
  return keyObject;
}

/** Ed25519 signature (64 bytes, RFC 8032: deterministic) of `message` with the 32-byte seed `privateKey`. */
export function sign(message: Uint8Array, privateKey: Uint8Array): Uint8Array {
  return new Uint8Array(nodeSign(null, message, privateKeyObject(privateKey)));
}

/** True when `signature` is a valid Ed25519 signature of `message` by `publicKey`; false for malformed input. */
export function verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_BYTES) return false;
  const keyObject = publicKeyObject(publicKey);
  if (!keyObject) return false;
  try {
    return nodeVerify(null, message, keyObject, signature);
  } catch {
    return false;
  }
}

/** Address bytes: the first 20 bytes of SHA-256 of the public key. */
export function addressBytesFromPublicKey(publicKey: Uint8Array): Uint8Array {
  return new Uint8Array(sha256(publicKey).subarray(0, ADDRESS_BYTES));
}

export function addressFromPublicKey(publicKey: Uint8Array): Address {
  return addressFromBytes(addressBytesFromPublicKey(publicKey));
}

export function addressFromBytes(bytes: Uint8Array): Address {
  return ADDRESS_PREFIX + toHex(bytes);
}

const ADDRESS_PATTERN = /^gp[0-9a-f]{40}$/;

export function isAddress(value: unknown): value is Address {
  return typeof value === 'string' && ADDRESS_PATTERN.test(value);
}

/**
 * @throws GridPeerError INVALID_ADDRESS naming `field` when `value` is not `gp` + 40 lowercase hex digits.
 */
export function addressToBytes(value: unknown, field = 'address'): Uint8Array {
  if (!isAddress(value)) {
    throw new GridPeerError('INVALID_ADDRESS', `${field} must be "gp" followed by 40 lowercase hex digits`, {
      field,
      value: String(value),
    });
  }
  return fromHex(value.slice(ADDRESS_PREFIX.length), field);
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * Strict hex decoding (even length, [0-9a-fA-F] only, optional 0x prefix), optionally of an exact byte length.
 * @throws GridPeerError INVALID_HEX naming `field`.
 */
export function fromHex(text: unknown, field = 'hex', expectedBytes?: number): Uint8Array {
  if (typeof text !== 'string') {
    throw new GridPeerError('INVALID_HEX', `${field} must be a hex string`, { field });
  }
  const body = text.startsWith('0x') ? text.slice(2) : text;
  if (body.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(body)) {
    throw new GridPeerError('INVALID_HEX', `${field} must be an even-length hex string`, {
      field,
      value: text.slice(0, 80),
    });
  }
  if (expectedBytes !== undefined && body.length !== expectedBytes * 2) {
    throw new GridPeerError(
      'INVALID_HEX',
      `${field} must be ${expectedBytes} bytes (${expectedBytes * 2} hex digits)`,
      {
        field,
        length: body.length / 2,
      },
    );
  }
  return new Uint8Array(Buffer.from(body, 'hex'));
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

export const ZERO_HASH: Hash32 = new Uint8Array(HASH_BYTES);
