/**
 * Browser encoder and signer of GridPeer market transactions. It produces exactly the canonical bytes of the
 * node's `src/ledger/tx.ts` and `src/ledger/marketTx.ts` (checked by test/unit/dashboard/tx.test.ts), using only
 * Uint8Array/DataView, @noble/hashes SHA-256 and @noble/curves Ed25519, so a user's key never leaves the browser.
 *
 * ```
 * version u8 | chainId u32 | kind u8 | senderPublicKey [32] | nonce u64 | feeMicro u64 | timestampMs u64
 * | payload (u32 length + bytes) | signature [64]
 * ```
 * signature = Ed25519(SHA-256("gridpeer/tx/v1" ‖ everything before the signature)); tx id = SHA-256(all bytes).
 * No DOM globals are touched at module load (the unit test imports this file under Node).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ByteWriter, concatBytes, fromHex, toHex, utf8 } from './bytes.js';

export const TX_VERSION = 1;
export const TX_SIGNING_DOMAIN_TEXT = 'gridpeer/tx/v1';

export const MARKET_KIND_CODES = {
  register: 2,
  approve: 3,
  offer: 4,
  bid: 5,
  meter: 6,
  reject: 8,
  admin: 9,
  market: 10,
  cancel: 11,
  rate: 12,
} as const;

export type MarketKind = keyof typeof MARKET_KIND_CODES;

export const MECHANISMS = [
  'grid-only',
  'fixed-price',
  'sdr',
  'mmr',
  'bill-sharing',
  'dual-level',
  'uniform-auction',
  'pay-as-bid',
  'mcafee',
  'continuous-auction',
  'bilateral',
] as const;

export interface RegisterPayload {
  readonly role: 'prosumer' | 'consumer';
  readonly meterPublicKey: Uint8Array;
  readonly pvW: number;
  readonly batteryWh: number;
  readonly location: string;
}
export interface ApprovePayload {
  readonly participant: string;
}
export interface RejectPayload {
  readonly participant: string;
  readonly reason: string;
}
export interface AdminPayload {
  readonly newAdmin: string;
}
export interface GridPrice {
  readonly importMicroPerKwh: bigint;
  readonly exportMicroPerKwh: bigint;
}
export interface MarketOpenPayload {
  readonly action: 'open';
  readonly startMs: number;
  readonly slotDurationMs: number;
  readonly gateClosureLeadMs: number;
  readonly maxSlotsAhead: number;
  readonly mechanism: string;
  readonly paramsJson: string;
  readonly gridAccount: string;
  readonly gridPrices: readonly GridPrice[];
  readonly shortfallPenaltyMicroPerKwh: bigint;
}
export interface MarketClosePayload {
  readonly action: 'close';
}
export type MarketPayload = MarketOpenPayload | MarketClosePayload;
export interface OrderPayload {
  readonly slot: number;
  readonly energyWh: number;
  readonly limitPriceMicroPerKwh?: bigint;
}
export interface CancelPayload {
  readonly orderTxHash: Uint8Array;
}
export interface MeterPayload {
  readonly participant: string;
  readonly slot: number;
  readonly deliveredWh: number;
  readonly consumedWh: number;
}
export interface RatePayload {
  readonly counterparty: string;
  readonly slot: number;
  readonly stars: number;
}

export interface Payloads {
  register: RegisterPayload;
  approve: ApprovePayload;
  reject: RejectPayload;
  admin: AdminPayload;
  market: MarketPayload;
  offer: OrderPayload;
  bid: OrderPayload;
  cancel: CancelPayload;
  meter: MeterPayload;
  rate: RatePayload;
}

export interface BrowserKeyPair {
  /** The 32-byte Ed25519 seed. */
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly address: string;
}

export interface TxParams {
  readonly chainId: number;
  readonly nonce: number;
  readonly timestampMs: number;
  readonly feeMicro?: bigint;
}

export interface SignedTx {
  readonly kind: MarketKind;
  readonly bytes: Uint8Array;
  readonly hex: string;
  /** Transaction id: SHA-256 of the canonical bytes (hex). */
  readonly hash: string;
}

const ADDRESS_PATTERN = /^gp[0-9a-f]{40}$/;

export function isAddress(value: string): boolean {
  return ADDRESS_PATTERN.test(value);
}

/** `gp` + hex of the first 20 bytes of SHA-256(publicKey) (src/crypto addressFromPublicKey). */
export function addressFromPublicKey(publicKey: Uint8Array): string {
  return `gp${toHex(sha256(publicKey).subarray(0, 20))}`;
}

function addressBytes(value: string, field: string): Uint8Array {
  if (!isAddress(value)) throw new Error(`${field} must be "gp" followed by 40 lowercase hex digits`);
  return fromHex(value.slice(2), field, 20);
}

export function keyPairFromPrivateKey(privateKey: Uint8Array): BrowserKeyPair {
  if (privateKey.length !== 32) throw new Error('a private key is 32 bytes (64 hex digits)');
  const seed = privateKey.slice();
  const publicKey = ed25519.getPublicKey(seed);
  return { privateKey: seed, publicKey, address: addressFromPublicKey(publicKey) };
}

/** A key from the 64-hex private key of a `gridpeer keys new` file. */
export function keyPairFromHex(hex: string): BrowserKeyPair {
  return keyPairFromPrivateKey(fromHex(hex.trim().toLowerCase(), 'private key', 32));
}

export const DEV_NAMES = ['Admin', 'Prosumer1', 'Prosumer2', 'Consumer1', 'Consumer2', 'Consumer3', 'Grid'] as const;

/** The dev account `name` exactly as src/chain/devAccounts.ts derives it: seed = SHA-256("gridpeer dev account " + name). */
export function devKeyPair(name: string): BrowserKeyPair {
  return keyPairFromPrivateKey(sha256(utf8(`gridpeer dev account ${name}`)));
}

/** The dev account's smart meter (src/cli/client.ts devMeterKeyPair): the dev key of "<name> meter". */
export function devMeterKeyPair(name: string): BrowserKeyPair {
  return devKeyPair(`${name} meter`);
}

/** A `gp…` address as is, or the address of the dev account with that name (the CLI's addressArg). */
export function resolveAddress(nameOrAddress: string, field: string): string {
  const value = nameOrAddress.trim();
  if (isAddress(value)) return value;
  if (/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/.test(value) && !/^gp[0-9a-fA-F]*$/.test(value)) {
    return devKeyPair(value).address;
  }
  throw new Error(`${field} must be a gp… address (40 lowercase hex digits after gp) or a dev account name`);
}

/** kW or kWh as decimal text → W or Wh (integer): "5" → 5000, "2.5" → 2500. */
export function kiloToUnit(value: string, field: string): number {
  const match = /^\s*(\d+)(?:\.(\d{0,3}))?\s*$/.exec(value);
  if (match === null) throw new Error(`${field} must be a non-negative number with at most 3 decimals`);
  const result = Number(match[1]) * 1000 + Number((match[2] ?? '').padEnd(3, '0'));
  if (!Number.isSafeInteger(result) || result > 0xffffffff) throw new Error(`${field} is too large`);
  return result;
}

function text(value: string, field: string, maxBytes: number): Uint8Array {
  if (typeof value !== 'string') throw new Error(`${field} must be a string`);
  const bytes = utf8(value);
  if (new TextDecoder().decode(bytes) !== value) throw new Error(`${field} must be valid Unicode text`);
  if (bytes.length > maxBytes) throw new Error(`${field} is ${bytes.length} bytes of UTF-8; at most ${maxBytes}`);
  return bytes;
}

const ROLE_CODES = { prosumer: 1, consumer: 2 } as const;

/** The payload bytes of `kind` (layouts of src/ledger/marketTx.ts). */
export function encodePayload<K extends MarketKind>(kind: K, payload: Payloads[K]): Uint8Array {
  const w = new ByteWriter(64);
  switch (kind) {
    case 'register': {
      const p = payload as RegisterPayload;
      w.u8(ROLE_CODES[p.role], 'role')
        .fixed(p.meterPublicKey, 32, 'meterPublicKey')
        .u32(p.pvW, 'pvW')
        .u32(p.batteryWh, 'batteryWh')
        .bytes8(text(p.location, 'location', 64), 'location');
      break;
    }
    case 'approve':
      w.fixed(addressBytes((payload as ApprovePayload).participant, 'participant'), 20);
      break;
    case 'reject': {
      const p = payload as RejectPayload;
      w.fixed(addressBytes(p.participant, 'participant'), 20).bytes8(text(p.reason, 'reason', 200), 'reason');
      break;
    }
    case 'admin':
      w.fixed(addressBytes((payload as AdminPayload).newAdmin, 'newAdmin'), 20);
      break;
    case 'market': {
      const p = payload as MarketPayload;
      w.u8(p.action === 'open' ? 1 : 2);
      if (p.action === 'close') break;
      const params = text(p.paramsJson, 'paramsJson', 1024);
      if (p.gridPrices.length < 1 || p.gridPrices.length > 240) throw new Error('gridPrices must have 1–240 entries');
      w.u64n(p.startMs, 'startMs')
        .u32(p.slotDurationMs, 'slotDurationMs')
        .u32(p.gateClosureLeadMs, 'gateClosureLeadMs')
        .u32(p.maxSlotsAhead, 'maxSlotsAhead')
        .bytes8(text(p.mechanism, 'mechanism', 64), 'mechanism')
        .u16(params.length, 'paramsJson')
        .raw(params)
        .fixed(addressBytes(p.gridAccount, 'gridAccount'), 20)
        .u16(p.gridPrices.length, 'gridPrices');
      for (const price of p.gridPrices) {
        w.u64(price.importMicroPerKwh, 'importMicroPerKwh').u64(price.exportMicroPerKwh, 'exportMicroPerKwh');
      }
      w.u64(p.shortfallPenaltyMicroPerKwh, 'shortfallPenaltyMicroPerKwh');
      break;
    }
    case 'offer':
    case 'bid': {
      const p = payload as OrderPayload;
      w.u32(p.slot, 'slot').u32(p.energyWh, 'energyWh');
      if (p.limitPriceMicroPerKwh === undefined) w.u8(0);
      else w.u8(1).u64(p.limitPriceMicroPerKwh, 'limitPriceMicroPerKwh');
      break;
    }
    case 'cancel':
      w.fixed((payload as CancelPayload).orderTxHash, 32, 'orderTxHash');
      break;
    case 'meter': {
      const p = payload as MeterPayload;
      w.fixed(addressBytes(p.participant, 'participant'), 20)
        .u32(p.slot, 'slot')
        .u32(p.deliveredWh, 'deliveredWh')
        .u32(p.consumedWh, 'consumedWh');
      break;
    }
    case 'rate': {
      const p = payload as RatePayload;
      w.fixed(addressBytes(p.counterparty, 'counterparty'), 20).u32(p.slot, 'slot').u8(p.stars, 'stars');
      break;
    }
    default:
      throw new Error(`unsupported transaction kind ${String(kind)}`);
  }
  return w.finish();
}

/** Everything before the signature. */
export function encodeUnsigned<K extends MarketKind>(
  kind: K,
  payload: Payloads[K],
  params: TxParams,
  senderPublicKey: Uint8Array,
): Uint8Array {
  return new ByteWriter(200)
    .u8(TX_VERSION)
    .u32(params.chainId, 'chainId')
    .u8(MARKET_KIND_CODES[kind])
    .fixed(senderPublicKey, 32, 'senderPublicKey')
    .u64n(params.nonce, 'nonce')
    .u64(params.feeMicro ?? 0n, 'feeMicro')
    .u64n(params.timestampMs, 'timestampMs')
    .bytes32(encodePayload(kind, payload))
    .finish();
}

/** The 32-byte digest the sender signs. */
export function signingDigest(unsigned: Uint8Array): Uint8Array {
  return sha256(concatBytes(utf8(TX_SIGNING_DOMAIN_TEXT), unsigned));
}

/** Builds and signs a market transaction in the browser: canonical bytes, hex for POST /v1/txs, and its id. */
export function createSignedTx<K extends MarketKind>(
  kind: K,
  payload: Payloads[K],
  params: TxParams,
  sender: BrowserKeyPair,
): SignedTx {
  const unsigned = encodeUnsigned(kind, payload, params, sender.publicKey);
  const signature = ed25519.sign(signingDigest(unsigned), sender.privateKey);
  const bytes = concatBytes(unsigned, signature);
  return { kind, bytes, hex: toHex(bytes), hash: toHex(sha256(bytes)) };
}

/**
 * Coins (decimal text, up to 6 decimals) → µcoin as bigint: "0.25" → 250000n. Used for prices in coins per kWh.
 * @throws Error naming `field` for anything but a non-negative decimal.
 */
export function coinsToMicro(value: string, field = 'price'): bigint {
  const match = /^\s*(\d+)(?:\.(\d{0,6}))?\s*$/.exec(value);
  if (match === null) throw new Error(`${field} must be a non-negative number of coins with at most 6 decimals`);
  const whole = BigInt(match[1] ?? '0');
  const fraction = BigInt((match[2] ?? '').padEnd(6, '0'));
  return whole * 1_000_000n + fraction;
}

/** µcoin → coins text, trailing zeros removed: 250000n → "0.25". */
export function microToCoins(micro: bigint | string | number): string {
  const value = typeof micro === 'bigint' ? micro : BigInt(micro);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / 1_000_000n;
  const fraction = (abs % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}
