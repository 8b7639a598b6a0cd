/**
 * @module node/keyFile
 * Key files: `{format, address, publicKey, privateKey}` with hex keys, written with mode 0600 because the
 * private key is the account.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fromHex, type KeyPair, keyPairFromPrivateKey, PRIVATE_KEY_BYTES, toHex } from '../crypto/index.js';
import { GridPeerError } from '../errors/index.js';

export const KEY_FILE_FORMAT = 'gridpeer-key/1';

export interface KeyFileJson {
  format: typeof KEY_FILE_FORMAT;
  address: string;
  publicKey: string;
  privateKey: string;
}

export function keyPairToJSON(keyPair: KeyPair): KeyFileJson {
  return {
    format: KEY_FILE_FORMAT,
    address: keyPair.address,
    publicKey: toHex(keyPair.publicKey),
    privateKey: toHex(keyPair.privateKey),
  };
}

/** @throws GridPeerError FILE_EXISTS unless `overwrite`. */
export function writeKeyFile(path: string, keyPair: KeyPair, overwrite = false): void {
  if (!overwrite && existsSync(path)) {
    throw new GridPeerError('FILE_EXISTS', `${path} exists; refusing to overwrite a key (pass --force)`, { path });
  }
  writeFileSync(path, `${JSON.stringify(keyPairToJSON(keyPair), null, 2)}\n`, { mode: 0o600 });
}

/**
 * Reads and checks a key file (the address and public key must match the private key).
 * @throws GridPeerError FILE_NOT_FOUND or INVALID_KEY naming the field.
 */
export function readKeyFile(path: string): KeyPair {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new GridPeerError('FILE_NOT_FOUND', `cannot read key file ${path}`, { path });
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new GridPeerError('INVALID_KEY', `${path} is not JSON`, { path });
  }
  if (json['format'] !== KEY_FILE_FORMAT) {
    throw new GridPeerError('INVALID_KEY', `${path}: format must be "${KEY_FILE_FORMAT}"`, { path, field: 'format' });
  }
  const keyPair = keyPairFromPrivateKey(fromHex(json['privateKey'], 'privateKey', PRIVATE_KEY_BYTES));
  if (json['address'] !== keyPair.address || json['publicKey'] !== toHex(keyPair.publicKey)) {
    throw new GridPeerError('INVALID_KEY', `${path}: address or publicKey does not belong to privateKey`, {
      path,
      field: 'address',
    });
  }
  return keyPair;
}
