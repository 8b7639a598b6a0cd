/**
 * @module ledger/codec
 * The canonical binary encoding: the only bytes that are hashed and signed (DESIGN.md §4). Fixed field order,
 * big-endian integers, length-prefixed variable fields. Decoding is strict: every byte has one meaning, so a
 * value has exactly one encoding and any changed byte either fails to decode or changes the decoded value.
 */
import { GridPeerError } from '../errors/index.js';

/** Growable byte writer. */
export class Writer {
  private buffer: Buffer;
  private length = 0;

  constructor(initialBytes = 256) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  private ensure(extraBytes: number): void {
    const needed = this.length + extraBytes;
    if (needed <= this.buffer.length) return;
    const next = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(next, 0, 0, this.length);
    this.buffer = next;
  }

  u8(value: number): this {
    this.ensure(1);
    this.buffer.writeUInt8(value, this.length);
    this.length += 1;
    return this;
  }

  u16(value: number): this {
    this.ensure(2);
    this.buffer.writeUInt16BE(value, this.length);
    this.length += 2;
    return this;
  }

  u32(value: number): this {
    this.ensure(4);
    this.buffer.writeUInt32BE(value, this.length);
    this.length += 4;
    return this;
  }

  /** Unsigned 64-bit integer from a bigint. */
  u64(value: bigint): this {
    this.ensure(8);
    this.buffer.writeBigUInt64BE(value, this.length);
    this.length += 8;
    return this;
  }

  /** Unsigned 64-bit integer from a safe-integer number (Wh, ms). */
  u64n(value: number): this {
    return this.u64(BigInt(value));
  }

  /** Fixed-length bytes: the length is part of the schema, not the encoding. */
  fixed(bytes: Uint8Array, expectedLength: number): this {
    if (bytes.length !== expectedLength) {
      throw new GridPeerError('CODEC_BAD_VALUE', `expected ${expectedLength} bytes, got ${bytes.length}`);
    }
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
    return this;
  }

  /** Variable-length bytes with a u8 length prefix (≤ 255 bytes). */
  bytes8(bytes: Uint8Array): this {
    if (bytes.length > 0xff)
      throw new GridPeerError('CODEC_OUT_OF_RANGE', `field longer than 255 bytes (${bytes.length})`);
    this.u8(bytes.length);
    return this.raw(bytes);
  }

  /** Variable-length bytes with a u32 length prefix. */
  bytes32(bytes: Uint8Array): this {
    this.u32(bytes.length);
    return this.raw(bytes);
  }

  raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
    return this;
  }

  /** A copy of the written bytes. */
  finish(): Uint8Array {
    return new Uint8Array(this.buffer.subarray(0, this.length));
  }
}

/** Strict reader over a byte array; every read checks bounds. */
export class Reader {
  private offset = 0;
  private readonly view: Buffer;

  constructor(
    bytes: Uint8Array,
    private readonly what = 'value',
  ) {
    this.view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.view.length - this.offset;
  }

  private take(byteCount: number, field: string): number {
    if (this.offset + byteCount > this.view.length) {
      throw new GridPeerError('CODEC_TRUNCATED', `${this.what}: truncated while reading ${field}`, {
        field,
        offset: this.offset,
        needed: byteCount,
      });
    }
    const at = this.offset;
    this.offset += byteCount;
    return at;
  }

  u8(field: string): number {
    return this.view.readUInt8(this.take(1, field));
  }

  u16(field: string): number {
    return this.view.readUInt16BE(this.take(2, field));
  }

  u32(field: string): number {
    return this.view.readUInt32BE(this.take(4, field));
  }

  u64(field: string): bigint {
    return this.view.readBigUInt64BE(this.take(8, field));
  }

  /** A u64 that must fit a JS safe integer (Wh, ms). */
  u64n(field: string): number {
    const value = this.u64(field);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new GridPeerError('CODEC_OUT_OF_RANGE', `${this.what}: ${field} exceeds 2^53-1`, {
        field,
        value: value.toString(),
      });
    }
    return Number(value);
  }

  fixed(byteCount: number, field: string): Uint8Array {
    const at = this.take(byteCount, field);
    return new Uint8Array(this.view.subarray(at, at + byteCount));
  }

  bytes8(field: string, maxBytes = 0xff): Uint8Array {
    const length = this.u8(field);
    if (length > maxBytes) {
      throw new GridPeerError('CODEC_OUT_OF_RANGE', `${this.what}: ${field} longer than ${maxBytes} bytes`, {
        field,
        length,
      });
    }
    return this.fixed(length, field);
  }

  bytes32(field: string, maxBytes: number): Uint8Array {
    const length = this.u32(field);
    if (length > maxBytes) {
      throw new GridPeerError('CODEC_OUT_OF_RANGE', `${this.what}: ${field} longer than ${maxBytes} bytes`, {
        field,
        length,
      });
    }
    return this.fixed(length, field);
  }

  /** Rejects leftover bytes, so one value has exactly one encoding. */
  end(): void {
    if (this.offset !== this.view.length) {
      throw new GridPeerError(
        'CODEC_TRAILING_BYTES',
        `${this.what}: ${this.view.length - this.offset} trailing bytes`,
        {
          trailing: this.view.length - this.offset,
        },
      );
    }
  }
}
