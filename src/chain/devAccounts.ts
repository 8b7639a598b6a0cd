/**
 * @module node/devAccounts
 * Named development accounts (like Ganache's unlocked accounts): on a `--dev` network the node holds their keys
 * and signs for them, so seed 000's unsigned Postman calls (`{"sender": "Consumer1", "receiver": "Prosumer1",
 * "amount": 0.701}`, Fig. A11) work as printed. Keys are derived from the name, so anyone can derive them:
 * never use a dev network for real value.
 */
import { type Address, isAddress, type KeyPair, keyPairFromPrivateKey, sha256 } from '../crypto/index.js';
import { GridPeerError } from '../errors/index.js';

/** Seed 000's five households (§4.1: prosumers P-1, P-2 with 5 kW and 2 kW PV; consumers C-1..C-3), named as in Fig. A11. */
export const DEV_ACCOUNT_NAMES = ['Prosumer1', 'Prosumer2', 'Consumer1', 'Consumer2', 'Consumer3'] as const;

/** The dev network's market administrator (seed 004 §IV network administrator): approves households, opens markets. */
export const DEV_ADMIN_NAME = 'Admin';

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;

/** @throws GridPeerError INVALID_ARGUMENT naming `field` when `name` is not 1–64 letters, digits, space, . _ - */
export function devKeyPair(name: string, field = 'name'): KeyPair {
  if (!NAME_PATTERN.test(name)) {
    throw new GridPeerError(
      'INVALID_ARGUMENT',
      `${field} must be 1–64 letters, digits, spaces, dots, dashes or underscores`,
      {
        field,
        value: name.slice(0, 80),
      },
    );
  }
  return keyPairFromPrivateKey(sha256(Buffer.from(`gridpeer dev account ${name}`, 'utf8')));
}

/** A `gp…` address as is, or the address of the dev account with that name. */
export function resolveDevAddress(nameOrAddress: string, field: string): Address {
  return isAddress(nameOrAddress) ? nameOrAddress : devKeyPair(nameOrAddress, field).address;
}
