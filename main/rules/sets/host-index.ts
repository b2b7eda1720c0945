// One index over the host-name conditions of a whole rule list: DOMAIN,
// DOMAIN-SUFFIX and DOMAIN-KEYWORD rules, and the names and keywords of the
// domain/classical rule sets and GEOSITE categories the list uses. For a host
// it answers, in one walk over the host's suffixes (one probe each) and one
// keyword pass, "the smallest rule index whose host-name entries match" —
// where matching rule by rule would probe every set for every suffix. Values
// per name: the smallest rule index matching when the name is the whole host
// (EXACT, PLUS), the parent (PLUS, DOT, STAR1), or a farther ancestor (PLUS,
// DOT) — the DomainSet semantics of reference.md §2.4.
//
// Layout: one Int32Array, 5 words per slot [hash, hash2, v0, v1, v2], so a
// probe touches one cache line. A name is identified by its 64-bit
// fingerprint (nameHash, nameHash2: independent 32-bit hashes of the same
// characters): comparing the stored string instead would cost a cache miss
// per hit. Two different names agree on both with probability 2^-64 per
// compared slot; a decision compares about one slot that the bit filter let
// through, so a false match is not expected in the life of any installation.
// Built once per compile (and again when a provider's data changes); the
// engine decides what a rule's answer is from it (see HostIndexed).
import { DOT, EXACT, PLUS, STAR1 } from './domain-set.js';
import { KeywordIndex } from './keyword-index.js';
import { nameHash, nameHash2, type MatchCtx } from '../ctx.js';

export const NONE = 0x7fffffff;
const W = 5; // words per slot

export class HostIndex {
  private tab: Int32Array;
  private mask: number;
  private shift: number;
  private filter: Int32Array | null = null;
  private filterShift = 32;
  private readonly keywords = new KeywordIndex();
  size = 0;

  /** `expected`: about how many names will be added (pre-sizes the table). */
  constructor(expected = 0) {
    let cap = 16;
    while (cap < expected * 1.6) cap *= 2;
    this.tab = new Int32Array(cap * W);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
  }

  get keywordCount(): number {
    return this.keywords.size;
  }

  /** Adds a name with DomainSet flag bits for rule `idx` (hash = nameHash(name)). */
  addName(name: string, hash: number, flags: number, idx: number): void {
    if ((this.size + 1) * 10 > (this.mask + 1) * 7) this.grow();
    const h = hash || 1;
    const h2 = nameHash2(name);
    const t = this.tab;
    let slot = Math.imul(h, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const o = slot * W;
      const hv = t[o]!;
      if (hv === 0) {
        t[o] = h;
        t[o + 1] = h2;
        t[o + 2] = NONE;
        t[o + 3] = NONE;
        t[o + 4] = NONE;
        this.size++;
        break;
      }
      if (hv === h && t[o + 1] === h2) break;
      slot = (slot + 1) & this.mask;
    }
    const o = slot * W;
    if ((flags & (EXACT | PLUS)) !== 0 && idx < t[o + 2]!) t[o + 2] = idx;
    if ((flags & (PLUS | DOT | STAR1)) !== 0 && idx < t[o + 3]!) t[o + 3] = idx;
    if ((flags & (PLUS | DOT)) !== 0 && idx < t[o + 4]!) t[o + 4] = idx;
  }

  addExact(name: string, idx: number): void {
    this.addName(name, nameHash(name), EXACT, idx);
  }

  addSuffix(name: string, idx: number): void {
    this.addName(name, nameHash(name), PLUS, idx);
  }

  /** Keywords must be added in ascending rule order (the engine adds rules in order). */
  addKeyword(word: string, idx: number): void {
    this.keywords.add(word, idx);
  }

  /** Builds the bit filter (~8 bits per name); call once after adding. */
  seal(): this {
    let bits = 10;
    while (bits < 24 && 2 ** bits < this.size * 8) bits++;
    const f = new Int32Array(2 ** (bits - 5));
    this.filterShift = 32 - bits;
    const t = this.tab;
    for (let o = 0; o < t.length; o += W) {
      const h = t[o]!;
      if (h === 0) continue;
      const b = Math.imul(h, 0x85ebca6b) >>> this.filterShift;
      f[b >>> 5]! |= 1 << (b & 31);
    }
    this.filter = f;
    return this;
  }

  /** Smallest rule index whose indexed entries match the context's host, or NONE. */
  first(c: MatchCtx): number {
    let best = NONE;
    const f = this.filter;
    if (this.size > 0 && f !== null) {
      const n = c.scanSuffixes();
      const h1s = c.sh1;
      const h2s = c.sh2;
      const t = this.tab;
      const mask = this.mask;
      const shift = this.shift;
      const fs = this.filterShift;
      // j = 0 is the last label; the whole host is j = n - 1, its parent n - 2.
      for (let j = 0; j < n; j++) {
        const h = h1s[j]! || 1;
        const b = Math.imul(h, 0x85ebca6b) >>> fs;
        if ((f[b >>> 5]! & (1 << (b & 31))) === 0) continue;
        let slot = Math.imul(h, 0x9e3779b1) >>> shift;
        for (;;) {
          const o = slot * W;
          const hv = t[o]!;
          if (hv === 0) break;
          if (hv === h && t[o + 1] === h2s[j]) {
            const up = n - 1 - j; // labels removed from the host
            const x = t[o + (up === 0 ? 2 : up === 1 ? 3 : 4)]!;
            if (x < best) best = x;
            break;
          }
          slot = (slot + 1) & mask;
        }
      }
    }
    if (this.keywords.size > 0) best = this.keywords.first(c.host, best);
    return best;
  }

  private grow(): void {
    const cap = (this.mask + 1) * 2;
    const old = this.tab;
    const t = new Int32Array(cap * W);
    this.tab = t;
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
    for (let o = 0; o < old.length; o += W) {
      const h = old[o]!;
      if (h === 0) continue;
      let slot = Math.imul(h, 0x9e3779b1) >>> this.shift;
      while (t[slot * W] !== 0) slot = (slot + 1) & this.mask;
      t.set(old.subarray(o, o + W), slot * W);
    }
  }
}
