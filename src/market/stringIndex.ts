/**
 * @module market/stringIndex
 * Interns strings to dense indices 0, 1, 2, … in first-seen order: an open-addressing hash table in typed arrays
 * (FNV-1a over the UTF-16 code units, linear probing). For the million participants or order ids of a large slot it
 * is several times faster than a `Map<string, number>` or a `Set<string>` and leaves almost nothing for the
 * garbage collector (two typed arrays instead of a million table entries).
 */

const EMPTY = -1;

/** FNV-1a over the string's UTF-16 code units, 32 bits (a value that is not a string, from unchecked JSON, hashes as its `String`). */
function hashString(value: string): number {
  const s = typeof value === 'string' ? value : String(value);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

function tableSizeFor(entries: number): number {
  let size = 16;
  while (size < entries * 2) size *= 2;
  return size;
}

export class StringIndex {
  /** The strings by index. */
  readonly keys: string[] = [];
  private hashes: Int32Array;
  /** Per slot: the index of the string there, or EMPTY. */
  private table: Int32Array;
  private mask: number;

  /** @param expected how many strings will probably be added (the table then never grows). */
  constructor(expected = 0) {
    const size = tableSizeFor(expected);
    this.table = new Int32Array(size).fill(EMPTY);
    this.mask = size - 1;
    this.hashes = new Int32Array(Math.max(8, expected));
  }

  get size(): number {
    return this.keys.length;
  }

  /** The index of `s`, or -1 when it was never added. */
  find(s: string): number {
    const hash = hashString(s);
    const { table, hashes, keys, mask } = this;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const index = table[slot]!;
      if (index === EMPTY) return -1;
      if (hashes[index] === hash && keys[index] === s) return index;
    }
  }

  /** The index of `s`, added (as index {@link size}) when absent. */
  intern(s: string): number {
    const hash = hashString(s);
    const { table, hashes, keys, mask } = this;
    let slot = hash & mask;
    for (; ; slot = (slot + 1) & mask) {
      const index = table[slot]!;
      if (index === EMPTY) break;
      if (hashes[index] === hash && keys[index] === s) return index;
    }
    const index = keys.length;
    keys.push(s);
    if (index === hashes.length) {
      const grown = new Int32Array(hashes.length * 2);
      grown.set(hashes);
      this.hashes = grown;
    }
    this.hashes[index] = hash;
    table[slot] = index;
    if (keys.length * 2 > table.length) this.rehash();
    return index;
  }

  private rehash(): void {
    const size = this.table.length * 2;
    const table = new Int32Array(size).fill(EMPTY);
    const mask = size - 1;
    const hashes = this.hashes;
    for (let index = 0; index < this.keys.length; index++) {
      let slot = hashes[index]! & mask;
      while (table[slot] !== EMPTY) slot = (slot + 1) & mask;
      table[slot] = index;
    }
    this.table = table;
    this.mask = mask;
  }
}
