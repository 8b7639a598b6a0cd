/**
 * @module ledger/tx
 * Signed transactions (MISSION L4; seed 000 §2.4: sender, receiver, amount, timestamp, nonce; seed 003 Figs. 3–4:
 * the sender signs the digest with its private key, every node verifies with the public key).
 *
 * Canonical layout (all integers big-endian):
 * ```
 * version u8 | chainId u32 | kind u8 | senderPublicKey [32] | nonce u64 | feeMicro u64 | timestampMs u64
 * | payload (u32 length + bytes, kind-specific) | signature [64]
 * ```
 * The signature covers SHA-256("gridpeer/tx/v1" ‖ everything before the signature), so a signature made for one
 * network (chainId) or one kind cannot be replayed as another. The transaction id is SHA-256 of all bytes.
 *
 * Kinds are a registry ({@link TX_KIND_CODES}). Transfers and rewards are the ledger's own; the market kinds
 * (register, approve, reject, admin, market, offer, bid, cancel, meter, rate) carry a `payload` whose layout is in
 * `ledger/marketTx.ts` and whose rules a {@link StateContract} (`ledger/contract.ts`) applies.
 */
import {
  ADDRESS_BYTES,
  type Address,
  addressFromBytes,
  addressFromPublicKey,
  addressToBytes,
  fromHex,
  type Hash32,
  type KeyPair,
  PUBLIC_KEY_BYTES,
  SIGNATURE_BYTES,
  sha256,
  sign,
  toHex,
  verify,
} from '../crypto/index.js';
import { GridPeerError } from '../errors/index.js';
import { parseMicro, parseUint } from '../units/index.js';
import { Reader, Writer } from './codec.js';
import {
  type AdminPayload,
  type ApprovePayload,
  type CancelPayload,
  type MarketPayload,
  type MarketTxKindName,
  type MeterPayload,
  marketPayloadFromJSON,
  marketPayloadToJSON,
  type OrderPayload,
  type RatePayload,
  type RegisterPayload,
  type RejectPayload,
  readMarketPayload,
  writeMarketPayload,
} from './marketTx.js';

export const TX_VERSION = 1;
/** Upper bound of an encoded transaction; keeps a block's worst case and the mempool's memory predictable. */
export const MAX_TX_BYTES = 4096;
/** Room for the largest payload: a market schedule with 240 grid price pairs (~3.9 KB) and its other fields. */
export const MAX_TX_PAYLOAD_BYTES = 3900;
/** Prefix of the signed digest's preimage: signatures of other structures can never verify as a transaction. */
export const TX_SIGNING_DOMAIN_TEXT = 'gridpeer/tx/v1';
const TX_SIGNING_DOMAIN = Buffer.from(TX_SIGNING_DOMAIN_TEXT, 'ascii');
/** Where the sender's public key sits in the canonical encoding (after version, chainId, kind). */
export const TX_SENDER_KEY_OFFSET = 6;

/**
 * Kind codes on the wire: a code never changes meaning. 7 (stake) is reserved for the consensus of a later issue.
 */
export const TX_KIND_CODES = {
  reward: 0,
  transfer: 1,
  register: 2,
  approve: 3,
  offer: 4,
  bid: 5,
  meter: 6,
  stake: 7,
  reject: 8,
  admin: 9,
  market: 10,
  cancel: 11,
  rate: 12,
} as const;

export type TxKindName = Exclude<keyof typeof TX_KIND_CODES, 'stake'>;

interface TxCommon {
  readonly version: number;
  readonly chainId: number;
  /** Ed25519 public key of the sender; all zeros for a reward (it has no sender). */
  readonly senderPublicKey: Uint8Array;
  /** Per-account sequence number (replay protection). For a reward: the height of its block. */
  readonly nonce: number;
  readonly feeMicro: bigint;
  readonly timestampMs: number;
  /** Ed25519 signature; all zeros for a reward. */
  readonly signature: Uint8Array;
}

/** Coins (and optionally a record of the energy they pay for) from the sender to `to`. */
export interface TransferTx extends TxCommon {
  readonly kind: 'transfer';
  readonly to: Address;
  readonly amountMicro: bigint;
  /** Energy this payment settles, for the record (0 for a plain payment). */
  readonly energyWh: number;
}

/** The miner's block reward plus the block's fees (seed 000 Fig. A10: the reward transaction in every block). */
export interface RewardTx extends TxCommon {
  readonly kind: 'reward';
  readonly to: Address;
  readonly amountMicro: bigint;
}

/** Payload of each market kind (layouts in `ledger/marketTx.ts`). */
export interface MarketPayloads extends Record<MarketTxKindName, unknown> {
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

export type MarketTxKind = MarketTxKindName;

export const MARKET_TX_KINDS: readonly MarketTxKind[] = [
  'register',
  'approve',
  'reject',
  'admin',
  'market',
  'offer',
  'bid',
  'cancel',
  'meter',
  'rate',
];

/** A market transaction of kind `K`: the common fields plus its payload. */
export type MarketTx<K extends MarketTxKind = MarketTxKind> = K extends MarketTxKind
  ? TxCommon & { readonly kind: K; readonly payload: MarketPayloads[K] }
  : never;

export type MarketTransaction = MarketTx;

export type Transaction = TransferTx | RewardTx | MarketTransaction;

export function isMarketTx(tx: Transaction): tx is MarketTransaction {
  return tx.kind !== 'transfer' && tx.kind !== 'reward';
}

/** A transaction before signing (distributes over the union so `kind` still narrows). */
export type UnsignedTx<T extends Transaction = Transaction> = T extends Transaction ? Omit<T, 'signature'> : never;

const EMPTY_PUBLIC_KEY = new Uint8Array(PUBLIC_KEY_BYTES);
const EMPTY_SIGNATURE = new Uint8Array(SIGNATURE_BYTES);

function encodePayload(tx: UnsignedTx): Uint8Array {
  const w = new Writer(64);
  switch (tx.kind) {
    case 'transfer':
      w.fixed(addressToBytes(tx.to, 'to'), ADDRESS_BYTES).u64(tx.amountMicro).u64n(tx.energyWh);
      break;
    case 'reward':
      w.fixed(addressToBytes(tx.to, 'to'), ADDRESS_BYTES).u64(tx.amountMicro);
      break;
    default:
      writeMarketPayload(w, tx.kind, tx.payload);
  }
  return w.finish();
}

function writeUnsigned(w: Writer, tx: UnsignedTx): Writer {
  return w
    .u8(tx.version)
    .u32(tx.chainId)
    .u8(TX_KIND_CODES[tx.kind])
    .fixed(tx.senderPublicKey, PUBLIC_KEY_BYTES)
    .u64n(tx.nonce)
    .u64(tx.feeMicro)
    .u64n(tx.timestampMs)
    .bytes32(encodePayload(tx));
}

const MARKET_KIND_BY_CODE = new Map<number, MarketTxKind>(MARKET_TX_KINDS.map((kind) => [TX_KIND_CODES[kind], kind]));

/** Caches per transaction object: encodings and hashes are computed once (objects are frozen). */
const encodedCache = new WeakMap<object, Uint8Array>();
const hashCache = new WeakMap<object, Hash32>();
const signingHashCache = new WeakMap<object, Hash32>();

/** The canonical bytes of a signed transaction. */
export function encodeTx(tx: Transaction): Uint8Array {
  let bytes = encodedCache.get(tx);
  if (!bytes) {
    bytes = writeUnsigned(new Writer(200), tx).fixed(tx.signature, SIGNATURE_BYTES).finish();
    encodedCache.set(tx, bytes);
  }
  return bytes;
}

/** The 32-byte digest the sender signs. */
export function txSigningHash(tx: UnsignedTx): Hash32 {
  let digest = signingHashCache.get(tx);
  if (!digest) {
    digest = sha256(writeUnsigned(new Writer(200).raw(TX_SIGNING_DOMAIN), tx).finish());
    signingHashCache.set(tx, digest);
  }
  return digest;
}

/** Transaction id: SHA-256 of the canonical bytes, signature included. */
export function txHash(tx: Transaction): Hash32 {
  let digest = hashCache.get(tx);
  if (!digest) {
    digest = sha256(encodeTx(tx));
    hashCache.set(tx, digest);
  }
  return digest;
}

export function txHashHex(tx: Transaction): string {
  return toHex(txHash(tx));
}

/** Address of the sender (derived from the public key); `null` for a reward. */
export function txSender(tx: Transaction): Address | null {
  return tx.kind === 'reward' ? null : addressFromPublicKey(tx.senderPublicKey);
}

/**
 * Decodes canonical bytes (strict: unknown kinds, bad lengths and trailing bytes are rejected).
 * @throws GridPeerError CODEC_* naming the field.
 */
export function decodeTx(bytes: Uint8Array): Transaction {
  if (bytes.length > MAX_TX_BYTES) {
    throw new GridPeerError(
      'CODEC_OUT_OF_RANGE',
      `transaction is ${bytes.length} bytes; the limit is ${MAX_TX_BYTES}`,
      {
        field: 'tx',
        length: bytes.length,
      },
    );
  }
  const r = new Reader(bytes, 'transaction');
  const version = r.u8('version');
  const chainId = r.u32('chainId');
  const kindCode = r.u8('kind');
  const senderPublicKey = r.fixed(PUBLIC_KEY_BYTES, 'senderPublicKey');
  const nonce = r.u64n('nonce');
  const feeMicro = r.u64('feeMicro');
  const timestampMs = r.u64n('timestampMs');
  const payload = new Reader(r.bytes32('payload', MAX_TX_PAYLOAD_BYTES), 'transaction payload');
  const signature = r.fixed(SIGNATURE_BYTES, 'signature');
  r.end();
  const common = { version, chainId, senderPublicKey, nonce, feeMicro, timestampMs, signature };
  let tx: Transaction;
  if (kindCode === TX_KIND_CODES.transfer) {
    const to = addressFromBytes(payload.fixed(ADDRESS_BYTES, 'to'));
    const amountMicro = payload.u64('amountMicro');
    const energyWh = payload.u64n('energyWh');
    tx = { kind: 'transfer', ...common, to, amountMicro, energyWh };
  } else if (kindCode === TX_KIND_CODES.reward) {
    const to = addressFromBytes(payload.fixed(ADDRESS_BYTES, 'to'));
    const amountMicro = payload.u64('amountMicro');
    tx = { kind: 'reward', ...common, to, amountMicro };
  } else if (MARKET_KIND_BY_CODE.has(kindCode)) {
    const kind = MARKET_KIND_BY_CODE.get(kindCode)!;
    tx = { kind, ...common, payload: readMarketPayload(payload, kind) } as MarketTransaction;
  } else {
    throw new GridPeerError('CODEC_BAD_VALUE', `transaction kind ${kindCode} is not supported by this version`, {
      field: 'kind',
      value: kindCode,
    });
  }
  payload.end();
  return Object.freeze(tx);
}

/** Signs an unsigned transaction; the key must be the sender's. */
export function signTx<T extends Transaction>(unsigned: UnsignedTx<T>, privateKey: Uint8Array): T {
  const signature = sign(txSigningHash(unsigned), privateKey);
  return Object.freeze({ ...unsigned, signature }) as unknown as T;
}

/** Checks the Ed25519 signature against the sender's public key (rewards carry none and never verify). */
export function verifyTxSignature(tx: Transaction): boolean {
  if (tx.kind === 'reward') return false;
  return verify(txSigningHash(tx), tx.signature, tx.senderPublicKey);
}

export interface CreateTransferParameters {
  readonly chainId: number;
  readonly to: Address;
  readonly amountMicro: bigint;
  readonly nonce: number;
  readonly feeMicro?: bigint;
  readonly energyWh?: number;
  readonly timestampMs: number;
}

/**
 * Builds and signs a transfer from `sender`.
 * @example
 * const tx = createTransfer({ chainId: 1337, to: bob.address, amountMicro: 500_000n, nonce: 0, timestampMs: clock.nowMs() }, alice);
 */
export function createTransfer(params: CreateTransferParameters, sender: KeyPair): TransferTx {
  addressToBytes(params.to, 'to');
  const unsigned: UnsignedTx<TransferTx> = {
    kind: 'transfer',
    version: TX_VERSION,
    chainId: params.chainId,
    senderPublicKey: sender.publicKey,
    nonce: params.nonce,
    feeMicro: params.feeMicro ?? 0n,
    timestampMs: params.timestampMs,
    to: params.to,
    amountMicro: params.amountMicro,
    energyWh: params.energyWh ?? 0,
  };
  return signTx(unsigned, sender.privateKey);
}

/** The reward transaction that opens every block: block reward plus fees to `to` (the miner). */
export function createReward(params: {
  chainId: number;
  height: number;
  to: Address;
  amountMicro: bigint;
  timestampMs: number;
}): RewardTx {
  return Object.freeze({
    kind: 'reward',
    version: TX_VERSION,
    chainId: params.chainId,
    senderPublicKey: EMPTY_PUBLIC_KEY,
    nonce: params.height,
    feeMicro: 0n,
    timestampMs: params.timestampMs,
    to: params.to,
    amountMicro: params.amountMicro,
    signature: EMPTY_SIGNATURE,
  });
}

export interface CreateMarketTxParameters {
  readonly chainId: number;
  readonly nonce: number;
  readonly feeMicro?: bigint;
  readonly timestampMs: number;
}

/**
 * Builds and signs a market transaction of `kind` from `sender` (a meter reading is signed with the meter's key).
 * @example
 * const bid = createMarketTx('bid', { slot: 3, energyWh: 2000, limitPriceMicroPerKwh: 250_000n }, { chainId: 1337, nonce: 4, timestampMs: clock.nowMs() }, household);
 */
export function createMarketTx<K extends MarketTxKind>(
  kind: K,
  payload: MarketPayloads[K],
  params: CreateMarketTxParameters,
  sender: KeyPair,
): MarketTx<K> {
  const unsigned = {
    kind,
    version: TX_VERSION,
    chainId: params.chainId,
    senderPublicKey: sender.publicKey,
    nonce: params.nonce,
    feeMicro: params.feeMicro ?? 0n,
    timestampMs: params.timestampMs,
    payload,
  } as unknown as UnsignedTx<MarketTx<K>>;
  // Encoding checks the payload (lengths, addresses) before anything is signed.
  encodePayload(unsigned);
  return signTx(unsigned, sender.privateKey) as unknown as MarketTx<K>;
}

/** JSON view of a transaction: hex for bytes, decimal strings for bigint amounts. */
export interface TxJson {
  hash: string;
  kind: TxKindName;
  version: number;
  chainId: number;
  from: Address | null;
  senderPublicKey: string;
  nonce: number;
  feeMicro: string;
  timestampMs: number;
  /** Transfers and rewards. */
  to?: Address;
  amountMicro?: string;
  energyWh?: number;
  /** Market kinds (the JSON view of `ledger/marketTx.ts`). */
  payload?: Record<string, unknown>;
  signature: string;
}

export function txToJSON(tx: Transaction): TxJson {
  const json: TxJson = {
    hash: txHashHex(tx),
    kind: tx.kind,
    version: tx.version,
    chainId: tx.chainId,
    from: txSender(tx),
    senderPublicKey: toHex(tx.senderPublicKey),
    nonce: tx.nonce,
    feeMicro: tx.feeMicro.toString(),
    timestampMs: tx.timestampMs,
    signature: toHex(tx.signature),
  };
  if (isMarketTx(tx)) {
    json.payload = marketPayloadToJSON(tx.kind, tx.payload);
    return json;
  }
  json.to = tx.to;
  json.amountMicro = tx.amountMicro.toString();
  if (tx.kind === 'transfer') json.energyWh = tx.energyWh;
  return json;
}

function field(json: Record<string, unknown>, name: string): unknown {
  if (!(name in json)) throw new GridPeerError('INVALID_ARGUMENT', `${name} is required`, { field: name });
  return json[name];
}

/**
 * Rebuilds a transaction from its JSON view. Derived fields (`hash`, `from`) are ignored on input, so a JSON
 * document whose fields were edited yields a different transaction (and a different hash), never the original.
 * @throws GridPeerError naming the field and the rule it broke.
 */
export function txFromJSON(value: unknown): Transaction {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new GridPeerError('INVALID_ARGUMENT', 'transaction must be a JSON object', { field: 'tx' });
  }
  const json = value as Record<string, unknown>;
  const kind = field(json, 'kind');
  const common = {
    version: parseUint(field(json, 'version'), 'version', 0xff),
    chainId: parseUint(field(json, 'chainId'), 'chainId', 0xffffffff),
    senderPublicKey: fromHex(field(json, 'senderPublicKey'), 'senderPublicKey', PUBLIC_KEY_BYTES),
    nonce: parseUint(field(json, 'nonce'), 'nonce'),
    feeMicro: parseMicro(field(json, 'feeMicro'), 'feeMicro'),
    timestampMs: parseUint(field(json, 'timestampMs'), 'timestampMs'),
    signature: fromHex(field(json, 'signature'), 'signature', SIGNATURE_BYTES),
  };
  if (typeof kind === 'string' && (MARKET_TX_KINDS as readonly string[]).includes(kind)) {
    const marketKind = kind as MarketTxKind;
    const payload = marketPayloadFromJSON(marketKind, field(json, 'payload'));
    return Object.freeze({ kind: marketKind, ...common, payload }) as MarketTransaction;
  }
  const to = field(json, 'to');
  addressToBytes(to, 'to');
  const amountMicro = parseMicro(field(json, 'amountMicro'), 'amountMicro');
  if (kind === 'transfer') {
    const energyWh = parseUint(json['energyWh'] ?? 0, 'energyWh');
    return Object.freeze({ kind, ...common, to: to as Address, amountMicro, energyWh });
  }
  if (kind === 'reward') return Object.freeze({ kind, ...common, to: to as Address, amountMicro });
  throw new GridPeerError(
    'INVALID_ARGUMENT',
    `kind must be one of "transfer", "reward", ${MARKET_TX_KINDS.map((k) => `"${k}"`).join(', ')}`,
    {
      field: 'kind',
      value: String(kind),
    },
  );
}
