// An open-addressing hash table of domain names, looked up by (host, offset,
// hash) so that testing every suffix of a host allocates no substrings: the
// caller passes the suffix's start offset in the host and its nameHash(), the
// table compares 32-bit hashes in one typed array (one cache line per probe)
// and verifies the name only on a hash match.
import { nameHash } from '../ctx.js';

export class NameTable {
  private hashes = new Int32Array(16);
  private keys: string[] = new Array<string>(16);
  private vals = new Int32Array(16);
  private mask = 15;
  private shift = 28;
  size = 0;
  /**
   * For big tables, a bit filter of ~8 bits per name (128 KiB for 100k names,
   * so it stays in cache): most suffixes of most hosts are in no set, and one
   * bit test then replaces a probe into the multi-megabyte table.
   */
  private filter: Int32Array | null = null;
  private filterShift = 32;

  /** Sets `name` to `merge(old, val)` (or `val` when new). */
  set(name: string, val: number, merge: (old: number, val: number) => number = (_o, v) => v): void {
    this.filter = null;
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    const h = nameHash(name) || 1;
    let slot = Math.imul(h, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const hv = this.hashes[slot]!;
      if (hv === 0) {
        this.hashes[slot] = h;
        this.keys[slot] = name;
        this.vals[slot] = val;
        this.size++;
        return;
      }
      if (hv === h && this.keys[slot] === name) {
        this.vals[slot] = merge(this.vals[slot]!, val);
        return;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  /** The value for host.slice(offset) whose nameHash is `hash`, or -1. */
  get(host: string, offset: number, hash: number): number {
    const h = hash || 1;
    const f = this.filter;
    if (f !== null) {
      const b = Math.imul(h, 0x85ebca6b) >>> this.filterShift;
      if ((f[b >>> 5]! & (1 << (b & 31))) === 0) return -1;
    } else if (this.size > 4096) {
      this.buildFilter();
      return this.get(host, offset, hash);
    }
    const hashes = this.hashes;
    let slot = Math.imul(h, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const hv = hashes[slot]!;
      if (hv === 0) return -1;
      if (hv === h) {
        const k = this.keys[slot]!;
        if (k.length === host.length - offset && host.startsWith(k, offset)) return this.vals[slot]!;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  /** Calls fn(name, nameHash(name), value) for every entry (no allocation per entry). */
  forEach(fn: (name: string, hash: number, val: number) => void): void {
    for (let i = 0; i <= this.mask; i++) if (this.hashes[i] !== 0) fn(this.keys[i]!, this.hashes[i]!, this.vals[i]!);
  }

  /** Every (name, value). */
  *entries(): IterableIterator<[string, number]> {
    for (let i = 0; i <= this.mask; i++) if (this.hashes[i] !== 0) yield [this.keys[i]!, this.vals[i]!];
  }

  private buildFilter(): void {
    let bits = 10;
    while (bits < 24 && 2 ** bits < this.size * 8) bits++;
    const f = new Int32Array(2 ** (bits - 5));
    this.filterShift = 32 - bits;
    for (let i = 0; i <= this.mask; i++) {
      const h = this.hashes[i]!;
      if (h === 0) continue;
      const b = Math.imul(h, 0x85ebca6b) >>> this.filterShift;
      f[b >>> 5]! |= 1 << (b & 31);
    }
    this.filter = f;
  }

  /** Doubles the capacity, re-placing entries by their stored hashes (names are not re-hashed). */
  private grow(): void {
    const oh = this.hashes;
    const ok = this.keys;
    const ov = this.vals;
    const cap = (this.mask + 1) * 2;
    this.hashes = new Int32Array(cap);
    this.keys = new Array<string>(cap);
    this.vals = new Int32Array(cap);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
    for (let i = 0; i < oh.length; i++) {
      const h = oh[i]!;
      if (h === 0) continue;
      let slot = Math.imul(h, 0x9e3779b1) >>> this.shift;
      while (this.hashes[slot] !== 0) slot = (slot + 1) & this.mask;
      this.hashes[slot] = h;
      this.keys[slot] = ok[i]!;
      this.vals[slot] = ov[i]!;
    }
  }
}
