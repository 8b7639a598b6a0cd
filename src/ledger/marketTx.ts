/**
 * @module ledger/marketTx
 * Payloads of the market's transaction kinds (MISSION K9, K10, K13; seed 000 §5 guidelines 1–4: registration,
 * approval by the network administrator, orders, metering; seed 004 §IV: the network administrator; seed 001
 * §4.8: commitment and fulfilment). The ledger owns their shape and canonical bytes; the rules that give them
 * meaning live in `src/contract/` and reach the state transition through the {@link StateContract} interface
 * (`ledger/contract.ts`), so the ledger never imports the market.
 *
 * Canonical payload layouts (integers big-endian; `str8` = u8 length + UTF-8 bytes; `opt64` = u8 flag + u64):
 * ```
 * register  role u8 (1 prosumer, 2 consumer) | meterPublicKey [32] | pvW u32 | batteryWh u32 | location str8
 * approve   participant [20]
 * reject    participant [20] | reason str8
 * admin     newAdmin [20]
 * market    action u8 (1 open, 2 close); open adds: startMs u64 | slotDurationMs u32 | gateClosureLeadMs u32
 *           | maxSlotsAhead u32 | mechanism str8 | paramsJson (u16 length + UTF-8) | gridAccount [20]
 *           | priceCount u16 (≤ 240) | priceCount × (importMicroPerKwh u64, exportMicroPerKwh u64)
 *           | shortfallPenaltyMicroPerKwh u64
 * offer/bid slot u32 | energyWh u32 | limitPriceMicroPerKwh opt64
 * cancel    orderTxHash [32]
 * meter     participant [20] | slot u32 | deliveredWh u32 | consumedWh u32
 * rate      counterparty [20] | slot u32 | stars u8 (1–5)
 * ```
 */
import {
  ADDRESS_BYTES,
  type Address,
  addressFromBytes,
  addressToBytes,
  fromHex,
  PUBLIC_KEY_BYTES,
  toHex,
} from '../crypto/index.js';
import { GridPeerError } from '../errors/index.js';
import { parseMicro, parseUint } from '../units/index.js';
import type { Reader, Writer } from './codec.js';

/** The market kinds (the ledger's own are `transfer` and `reward`). */
export type MarketTxKindName =
  | 'register'
  | 'approve'
  | 'reject'
  | 'admin'
  | 'market'
  | 'offer'
  | 'bid'
  | 'cancel'
  | 'meter'
  | 'rate';

export type ParticipantRole = 'prosumer' | 'consumer';

export const PARTICIPANT_ROLE_CODES = { prosumer: 1, consumer: 2 } as const;

/** A household asks to join (seed 000 §5 guideline 1); the administrator approves or rejects it. */
export interface RegisterPayload {
  readonly role: ParticipantRole;
  /** Ed25519 public key of the household's smart meter: `meter` transactions must be signed with it. */
  readonly meterPublicKey: Uint8Array;
  /** Rated PV power, W (0 for a consumer without PV). */
  readonly pvW: number;
  /** Usable battery capacity, Wh (0 without a battery). */
  readonly batteryWh: number;
  /** Feeder / network node (capacity limits, network distance); at most 64 UTF-8 bytes. */
  readonly location: string;
}

export interface ApprovePayload {
  readonly participant: Address;
}

export interface RejectPayload {
  readonly participant: Address;
  /** At most 200 UTF-8 bytes. */
  readonly reason: string;
}

/** Hands the administrator role to another key (signed by the current administrator). */
export interface AdminPayload {
  readonly newAdmin: Address;
}

/** Grid prices of one slot, µcoin per kWh (λb, λs). */
export interface GridPrice {
  readonly importMicroPerKwh: bigint;
  readonly exportMicroPerKwh: bigint;
}

/**
 * Opens the market: a schedule of slots numbered from the chain's next free slot number; slot `firstSlot + i`
 * starts at `startMs + i·slotDurationMs` and takes orders until its gate closure, `gateClosureLeadMs` before it
 * starts. The grid prices repeat every `gridPrices.length` slots (24 hourly prices make a daily profile).
 */
export interface MarketOpenPayload {
  readonly action: 'open';
  readonly startMs: number;
  readonly slotDurationMs: number;
  readonly gateClosureLeadMs: number;
  /** Orders are accepted for at most this many slots ahead of the next gate closure. */
  readonly maxSlotsAhead: number;
  /** A name of the market registry (`uniform-auction`, `sdr`, …). */
  readonly mechanism: string;
  /** The mechanism's parameters as JSON text (`{}` for none); at most 1,024 bytes. */
  readonly paramsJson: string;
  /** The account standing for the utility grid (K8): it sells what peers could not and buys surplus. */
  readonly gridAccount: Address;
  /** 1–240 price pairs, repeating. */
  readonly gridPrices: readonly GridPrice[];
  /** Paid on each kWh a seller committed but did not deliver, on top of the grid price (K10). */
  readonly shortfallPenaltyMicroPerKwh: bigint;
}

/** Closes the market: no slot after the last one already open for orders; those still clear. */
export interface MarketClosePayload {
  readonly action: 'close';
}

export type MarketPayload = MarketOpenPayload | MarketClosePayload;

/** An offer (sell) or bid (buy) for one slot. Without a limit price it takes the grid price of its side. */
export interface OrderPayload {
  readonly slot: number;
  readonly energyWh: number;
  readonly limitPriceMicroPerKwh?: bigint;
}

export interface CancelPayload {
  /** Hash of the offer or bid transaction to cancel (its order id). */
  readonly orderTxHash: Uint8Array;
}

/** A smart meter's reading of one slot, signed with the meter's key (the transaction's sender). */
export interface MeterPayload {
  readonly participant: Address;
  readonly slot: number;
  /** Energy the household fed into the community in the slot, Wh. */
  readonly deliveredWh: number;
  /** Energy it took in the slot, Wh. */
  readonly consumedWh: number;
}

/** A 1–5 rating of a counterparty after a trade in `slot` (kept for the trust scores of a later issue). */
export interface RatePayload {
  readonly counterparty: Address;
  readonly slot: number;
  readonly stars: number;
}

export const MAX_LOCATION_BYTES = 64;
export const MAX_REASON_BYTES = 200;
export const MAX_MECHANISM_BYTES = 64;
export const MAX_PARAMS_JSON_BYTES = 1024;
/**
 * Grid price pairs one schedule may hold: ten days of hourly prices (a week of a real tariff, or 48 h of seed 004,
 * without repeating). 16 bytes each, so a `market` transaction stays under the payload limit.
 */
export const MAX_GRID_PRICES = 240;

// ---------------------------------------------------------------------------------------------------------------
// Canonical bytes and the JSON view of the payloads.

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const MARKET_ACTION_CODES = { open: 1, close: 2 } as const;

function utf8Bytes(text: unknown, field: string, maxBytes: number): Uint8Array {
  if (typeof text !== 'string') throw new GridPeerError('INVALID_ARGUMENT', `${field} must be a string`, { field });
  const bytes = Buffer.from(text, 'utf8');
  // A lone surrogate would not survive the round trip: one text, one encoding.
  if (bytes.toString('utf8') !== text) {
    throw new GridPeerError('INVALID_ARGUMENT', `${field} must be valid Unicode text`, { field });
  }
  if (bytes.length > maxBytes) {
    throw new GridPeerError('CODEC_OUT_OF_RANGE', `${field} is ${bytes.length} bytes of UTF-8; at most ${maxBytes}`, {
      field,
    });
  }
  return bytes;
}

function readUtf8(bytes: Uint8Array, field: string): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new GridPeerError('CODEC_BAD_VALUE', `${field} is not valid UTF-8`, { field });
  }
}

/** Writes the payload of a market transaction (layouts in the module comment). */
export function writeMarketPayload(w: Writer, kind: MarketTxKindName, payload: unknown): void {
  switch (kind) {
    case 'register': {
      const p = payload as RegisterPayload;
      w.u8(PARTICIPANT_ROLE_CODES[p.role])
        .fixed(p.meterPublicKey, PUBLIC_KEY_BYTES)
        .u32(p.pvW)
        .u32(p.batteryWh)
        .bytes8(utf8Bytes(p.location, 'location', MAX_LOCATION_BYTES));
      return;
    }
    case 'approve':
      w.fixed(addressToBytes((payload as ApprovePayload).participant, 'participant'), ADDRESS_BYTES);
      return;
    case 'reject': {
      const p = payload as RejectPayload;
      w.fixed(addressToBytes(p.participant, 'participant'), ADDRESS_BYTES).bytes8(
        utf8Bytes(p.reason, 'reason', MAX_REASON_BYTES),
      );
      return;
    }
    case 'admin':
      w.fixed(addressToBytes((payload as AdminPayload).newAdmin, 'newAdmin'), ADDRESS_BYTES);
      return;
    case 'market': {
      const p = payload as MarketPayload;
      w.u8(MARKET_ACTION_CODES[p.action]);
      if (p.action === 'close') return;
      const params = utf8Bytes(p.paramsJson, 'paramsJson', MAX_PARAMS_JSON_BYTES);
      w.u64n(p.startMs)
        .u32(p.slotDurationMs)
        .u32(p.gateClosureLeadMs)
        .u32(p.maxSlotsAhead)
        .bytes8(utf8Bytes(p.mechanism, 'mechanism', MAX_MECHANISM_BYTES))
        .u16(params.length)
        .raw(params)
        .fixed(addressToBytes(p.gridAccount, 'gridAccount'), ADDRESS_BYTES);
      if (p.gridPrices.length > MAX_GRID_PRICES) {
        throw new GridPeerError(
          'CODEC_OUT_OF_RANGE',
          `gridPrices has ${p.gridPrices.length} entries; at most ${MAX_GRID_PRICES}`,
          {
            field: 'gridPrices',
          },
        );
      }
      w.u16(p.gridPrices.length);
      for (const price of p.gridPrices) w.u64(price.importMicroPerKwh).u64(price.exportMicroPerKwh);
      w.u64(p.shortfallPenaltyMicroPerKwh);
      return;
    }
    case 'offer':
    case 'bid': {
      const p = payload as OrderPayload;
      w.u32(p.slot).u32(p.energyWh);
      if (p.limitPriceMicroPerKwh === undefined) w.u8(0);
      else w.u8(1).u64(p.limitPriceMicroPerKwh);
      return;
    }
    case 'cancel':
      w.fixed((payload as CancelPayload).orderTxHash, 32);
      return;
    case 'meter': {
      const p = payload as MeterPayload;
      w.fixed(addressToBytes(p.participant, 'participant'), ADDRESS_BYTES)
        .u32(p.slot)
        .u32(p.deliveredWh)
        .u32(p.consumedWh);
      return;
    }
    case 'rate': {
      const p = payload as RatePayload;
      w.fixed(addressToBytes(p.counterparty, 'counterparty'), ADDRESS_BYTES).u32(p.slot).u8(p.stars);
      return;
    }
  }
}

/**
 * Reads the payload of a market transaction (strict: unknown codes and invalid text are rejected; the caller
 * rejects trailing bytes).
 * @throws GridPeerError CODEC_* naming the field.
 */
export function readMarketPayload(r: Reader, kind: MarketTxKindName): unknown {
  const address = (field: string) => addressFromBytes(r.fixed(ADDRESS_BYTES, field));
  switch (kind) {
    case 'register': {
      const roleCode = r.u8('role');
      const role = roleCode === 1 ? 'prosumer' : roleCode === 2 ? 'consumer' : null;
      if (role === null) {
        throw new GridPeerError('CODEC_BAD_VALUE', `role code ${roleCode} is not 1 (prosumer) or 2 (consumer)`, {
          field: 'role',
        });
      }
      const meterPublicKey = r.fixed(PUBLIC_KEY_BYTES, 'meterPublicKey');
      const pvW = r.u32('pvW');
      const batteryWh = r.u32('batteryWh');
      const location = readUtf8(r.bytes8('location', MAX_LOCATION_BYTES), 'location');
      return { role, meterPublicKey, pvW, batteryWh, location } satisfies RegisterPayload;
    }
    case 'approve':
      return { participant: address('participant') } satisfies ApprovePayload;
    case 'reject': {
      const participant = address('participant');
      const reason = readUtf8(r.bytes8('reason', MAX_REASON_BYTES), 'reason');
      return { participant, reason } satisfies RejectPayload;
    }
    case 'admin':
      return { newAdmin: address('newAdmin') } satisfies AdminPayload;
    case 'market': {
      const action = r.u8('action');
      if (action === MARKET_ACTION_CODES.close) return { action: 'close' } satisfies MarketClosePayload;
      if (action !== MARKET_ACTION_CODES.open) {
        throw new GridPeerError('CODEC_BAD_VALUE', `market action ${action} is not 1 (open) or 2 (close)`, {
          field: 'action',
        });
      }
      const startMs = r.u64n('startMs');
      const slotDurationMs = r.u32('slotDurationMs');
      const gateClosureLeadMs = r.u32('gateClosureLeadMs');
      const maxSlotsAhead = r.u32('maxSlotsAhead');
      const mechanism = readUtf8(r.bytes8('mechanism', MAX_MECHANISM_BYTES), 'mechanism');
      const paramsLength = r.u16('paramsJson');
      if (paramsLength > MAX_PARAMS_JSON_BYTES) {
        throw new GridPeerError('CODEC_OUT_OF_RANGE', `paramsJson longer than ${MAX_PARAMS_JSON_BYTES} bytes`, {
          field: 'paramsJson',
        });
      }
      const paramsJson = readUtf8(r.fixed(paramsLength, 'paramsJson'), 'paramsJson');
      const gridAccount = address('gridAccount');
      const count = r.u16('gridPrices');
      if (count > MAX_GRID_PRICES) {
        throw new GridPeerError('CODEC_OUT_OF_RANGE', `gridPrices has ${count} entries; at most ${MAX_GRID_PRICES}`, {
          field: 'gridPrices',
        });
      }
      const gridPrices: GridPrice[] = [];
      for (let i = 0; i < count; i++) {
        gridPrices.push({
          importMicroPerKwh: r.u64(`gridPrices[${i}].importMicroPerKwh`),
          exportMicroPerKwh: r.u64(`gridPrices[${i}].exportMicroPerKwh`),
        });
      }
      const shortfallPenaltyMicroPerKwh = r.u64('shortfallPenaltyMicroPerKwh');
      return {
        action: 'open',
        startMs,
        slotDurationMs,
        gateClosureLeadMs,
        maxSlotsAhead,
        mechanism,
        paramsJson,
        gridAccount,
        gridPrices,
        shortfallPenaltyMicroPerKwh,
      } satisfies MarketOpenPayload;
    }
    case 'offer':
    case 'bid': {
      const slot = r.u32('slot');
      const energyWh = r.u32('energyWh');
      const flag = r.u8('limitPriceMicroPerKwh');
      if (flag > 1)
        throw new GridPeerError('CODEC_BAD_VALUE', 'limit flag must be 0 or 1', { field: 'limitPriceMicroPerKwh' });
      return flag === 1
        ? ({ slot, energyWh, limitPriceMicroPerKwh: r.u64('limitPriceMicroPerKwh') } satisfies OrderPayload)
        : ({ slot, energyWh } satisfies OrderPayload);
    }
    case 'cancel':
      return { orderTxHash: r.fixed(32, 'orderTxHash') } satisfies CancelPayload;
    case 'meter': {
      const participant = address('participant');
      return {
        participant,
        slot: r.u32('slot'),
        deliveredWh: r.u32('deliveredWh'),
        consumedWh: r.u32('consumedWh'),
      } satisfies MeterPayload;
    }
    case 'rate': {
      const counterparty = address('counterparty');
      return { counterparty, slot: r.u32('slot'), stars: r.u8('stars') } satisfies RatePayload;
    }
  }
}

/** JSON view of a payload: bigints as decimal strings, bytes as hex. */
export function marketPayloadToJSON(kind: MarketTxKindName, payload: unknown): Record<string, unknown> {
  switch (kind) {
    case 'register': {
      const p = payload as RegisterPayload;
      return { ...p, meterPublicKey: toHex(p.meterPublicKey) };
    }
    case 'market': {
      const p = payload as MarketPayload;
      if (p.action === 'close') return { action: 'close' };
      return {
        ...p,
        gridPrices: p.gridPrices.map((g) => ({
          importMicroPerKwh: g.importMicroPerKwh.toString(),
          exportMicroPerKwh: g.exportMicroPerKwh.toString(),
        })),
        shortfallPenaltyMicroPerKwh: p.shortfallPenaltyMicroPerKwh.toString(),
      };
    }
    case 'offer':
    case 'bid': {
      const p = payload as OrderPayload;
      return {
        slot: p.slot,
        energyWh: p.energyWh,
        ...(p.limitPriceMicroPerKwh === undefined ? {} : { limitPriceMicroPerKwh: p.limitPriceMicroPerKwh.toString() }),
      };
    }
    case 'cancel':
      return { orderTxHash: toHex((payload as CancelPayload).orderTxHash) };
    default:
      return { ...(payload as Record<string, unknown>) };
  }
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new GridPeerError('INVALID_ARGUMENT', `${field} must be a JSON object`, { field });
  }
  return value as Record<string, unknown>;
}

function required(json: Record<string, unknown>, name: string, prefix: string): unknown {
  if (!(name in json) || json[name] === undefined) {
    throw new GridPeerError('INVALID_ARGUMENT', `${prefix}${name} is required`, { field: `${prefix}${name}` });
  }
  return json[name];
}

const U32_MAX = 0xffffffff;

/**
 * Reads a payload from its JSON view (the API's and the CLI's input).
 * @throws GridPeerError INVALID_ARGUMENT (or CODEC_OUT_OF_RANGE) naming the field as `payload.<name>`.
 */
export function marketPayloadFromJSON(kind: MarketTxKindName, value: unknown): unknown {
  const json = object(value, 'payload');
  const at = 'payload.';
  const get = (name: string) => required(json, name, at);
  const address = (name: string) => {
    const text = get(name);
    addressToBytes(text, `${at}${name}`);
    return text as Address;
  };
  const uint = (name: string, max = U32_MAX) => parseUint(get(name), `${at}${name}`, max);
  const text = (name: string, maxBytes: number) => {
    const t = get(name);
    utf8Bytes(t, `${at}${name}`, maxBytes);
    return t as string;
  };
  switch (kind) {
    case 'register': {
      const role = get('role');
      if (role !== 'prosumer' && role !== 'consumer') {
        throw new GridPeerError('INVALID_ARGUMENT', `${at}role must be "prosumer" or "consumer"`, {
          field: `${at}role`,
        });
      }
      return {
        role,
        meterPublicKey: fromHex(get('meterPublicKey'), `${at}meterPublicKey`, PUBLIC_KEY_BYTES),
        pvW: uint('pvW'),
        batteryWh: uint('batteryWh'),
        location: json['location'] === undefined ? '' : text('location', MAX_LOCATION_BYTES),
      } satisfies RegisterPayload;
    }
    case 'approve':
      return { participant: address('participant') } satisfies ApprovePayload;
    case 'reject':
      return {
        participant: address('participant'),
        reason: json['reason'] === undefined ? '' : text('reason', MAX_REASON_BYTES),
      } satisfies RejectPayload;
    case 'admin':
      return { newAdmin: address('newAdmin') } satisfies AdminPayload;
    case 'market': {
      const action = get('action');
      if (action === 'close') return { action: 'close' } satisfies MarketClosePayload;
      if (action !== 'open') {
        throw new GridPeerError('INVALID_ARGUMENT', `${at}action must be "open" or "close"`, { field: `${at}action` });
      }
      const prices = get('gridPrices');
      if (!Array.isArray(prices)) {
        throw new GridPeerError('INVALID_ARGUMENT', `${at}gridPrices must be an array`, { field: `${at}gridPrices` });
      }
      return {
        action: 'open',
        startMs: parseUint(get('startMs'), `${at}startMs`),
        slotDurationMs: uint('slotDurationMs'),
        gateClosureLeadMs: uint('gateClosureLeadMs'),
        maxSlotsAhead: uint('maxSlotsAhead'),
        mechanism: text('mechanism', MAX_MECHANISM_BYTES),
        paramsJson: json['paramsJson'] === undefined ? '{}' : text('paramsJson', MAX_PARAMS_JSON_BYTES),
        gridAccount: address('gridAccount'),
        gridPrices: prices.map((entry, i) => {
          const price = object(entry, `${at}gridPrices[${i}]`);
          return {
            importMicroPerKwh: parseMicro(
              required(price, 'importMicroPerKwh', `${at}gridPrices[${i}].`),
              `${at}gridPrices[${i}].importMicroPerKwh`,
            ),
            exportMicroPerKwh: parseMicro(
              required(price, 'exportMicroPerKwh', `${at}gridPrices[${i}].`),
              `${at}gridPrices[${i}].exportMicroPerKwh`,
            ),
          };
        }),
        shortfallPenaltyMicroPerKwh: parseMicro(
          json['shortfallPenaltyMicroPerKwh'] ?? 0,
          `${at}shortfallPenaltyMicroPerKwh`,
        ),
      } satisfies MarketOpenPayload;
    }
    case 'offer':
    case 'bid': {
      const slot = uint('slot');
      const energyWh = uint('energyWh');
      const limit = json['limitPriceMicroPerKwh'];
      return limit === undefined || limit === null
        ? ({ slot, energyWh } satisfies OrderPayload)
        : ({
            slot,
            energyWh,
            limitPriceMicroPerKwh: parseMicro(limit, `${at}limitPriceMicroPerKwh`),
          } satisfies OrderPayload);
    }
    case 'cancel':
      return { orderTxHash: fromHex(get('orderTxHash'), `${at}orderTxHash`, 32) } satisfies CancelPayload;
    case 'meter':
      return {
        participant: address('participant'),
        slot: uint('slot'),
        deliveredWh: uint('deliveredWh'),
        consumedWh: uint('consumedWh'),
      } satisfies MeterPayload;
    case 'rate':
      return {
        counterparty: address('counterparty'),
        slot: uint('slot'),
        stars: uint('stars', 0xff),
      } satisfies RatePayload;
  }
}
