// A set of Clash domain wildcards (reference.md §2.4), used by `behavior:
// domain` providers and for DOMAIN/DOMAIN-SUFFIX entries of classical sets.
// One hash of names with flag bits answers every form in one lookup per
// suffix of the host: `a.b.c` costs at most three Map lookups.
import { normalizeHost } from '../../core/address.js';
import { nameHash } from '../ctx.js';

const EXACT = 1; // example.com
const PLUS = 2; // +.example.com: itself and any subdomain
const DOT = 4; // .example.com: any subdomain, not itself
const STAR1 = 8; // *.example.com: exactly one more label

const NAME_RE = /^[a-z0-9_*-]+(?:\.[a-z0-9_*-]+)*$/;

/** Normalises a domain name for set keys; '' when invalid (slash, trailing dot, empty label, bad chars). */
export function cleanName(s: string): string {
  if (!s || s.includes('/') || s.endsWith('.') || s.includes('..') || s.startsWith('.')) return '';
  const n = normalizeHost(s.replace(/\*/g, 'xn--star'))?.replace(/xn--star/g, '*');
  return n && NAME_RE.test(n) ? n : '';
}

export class DomainSet {
  private readonly flags = new Map<string, number>();
  /** Entries with `*` inside the name (`xbox.*.microsoft.com`), as labels. */
  private readonly patterns: string[][] = [];
  /** A lone `*`: every dot-less host. */
  private starAll = false;
  size = 0;
  /**
   * A one-hash bit filter over the names (about 8 bits per name, so it stays
   * in cache): most suffixes of most hosts are in no set, and a bit test
   * avoids the Map lookup, which with 100k+ names is a cache miss.
   */
  private filter: Int32Array | null = null;
  private shift = 32;

  /** Adds a Clash wildcard entry; returns why it is invalid, or '' when added. */
  addWildcard(entry: string): string {
    const e = entry.trim();
    if (e === '*') {
      this.starAll = true;
      this.size++;
      return '';
    }
    let flag = EXACT;
    let name = e;
    if (e.startsWith('+.')) {
      flag = PLUS;
      name = e.slice(2);
    } else if (e.startsWith('.')) {
      flag = DOT;
      name = e.slice(1);
    } else if (e.startsWith('*.') && !e.slice(2).includes('*')) {
      flag = STAR1;
      name = e.slice(2);
    }
    if (name.includes('+')) return 'a + is allowed only as the leading "+."';
    const clean = cleanName(name);
    if (!clean) return 'not a valid domain (no "/", trailing dot or empty label)';
    if (clean.includes('*')) {
      if (flag === PLUS || flag === DOT) return '"*" may not follow a leading "+." or "."';
      this.patterns.push(clean.split('.'));
      this.size++;
      return '';
    }
    this.set(clean, flag);
    return '';
  }

  /** DOMAIN (exact) entry; `name` must already be normalised. */
  addExact(name: string): void {
    this.set(name, EXACT);
  }

  /** DOMAIN-SUFFIX entry: the name and any subdomain. */
  addSuffix(name: string): void {
    this.set(name, PLUS);
  }

  private set(name: string, flag: number): void {
    const f = this.flags.get(name) ?? 0;
    if ((f & flag) === 0) this.size++;
    this.flags.set(name, f | flag);
    this.filter = null;
  }

  private buildFilter(): Int32Array {
    let bits = 10;
    while (bits < 24 && 2 ** bits < this.flags.size * 8) bits++;
    const f = new Int32Array(2 ** (bits - 5));
    this.shift = 32 - bits;
    for (const name of this.flags.keys()) {
      const i = Math.imul(nameHash(name), 0x9e3779b1) >>> this.shift;
      f[i >>> 5]! |= 1 << (i & 31);
    }
    this.filter = f;
    return f;
  }

  private maybe(f: Int32Array, h: number): boolean {
    const i = Math.imul(h, 0x9e3779b1) >>> this.shift;
    return (f[i >>> 5]! & (1 << (i & 31))) !== 0;
  }

  /**
   * Whether the host whose suffixes and suffix hashes are given (see
   * MatchCtx.suffixes / suffixHashes) matches.
   */
  has(sfx: readonly string[], hashes: readonly number[]): boolean {
    const n = sfx.length;
    if (n === 0) return false;
    const flags = this.flags;
    const filter = this.filter ?? this.buildFilter();
    let f: number | undefined;
    if (this.maybe(filter, hashes[0]!)) {
      f = flags.get(sfx[0]!);
      if (f !== undefined && (f & (EXACT | PLUS)) !== 0) return true;
    }
    if (n === 1) {
      if (this.starAll) return true;
    } else {
      if (this.maybe(filter, hashes[1]!)) {
        f = flags.get(sfx[1]!);
        if (f !== undefined && (f & (PLUS | DOT | STAR1)) !== 0) return true;
      }
      for (let i = 2; i < n; i++) {
        if (!this.maybe(filter, hashes[i]!)) continue;
        f = flags.get(sfx[i]!);
        if (f !== undefined && (f & (PLUS | DOT)) !== 0) return true;
      }
    }
    return this.patterns.length > 0 && this.matchPatterns(sfx[0]!);
  }

  private matchPatterns(host: string): boolean {
    const labels = host.split('.');
    outer: for (const p of this.patterns) {
      if (p.length !== labels.length) continue;
      for (let i = 0; i < p.length; i++) if (p[i] !== '*' && p[i] !== labels[i]) continue outer;
      return true;
    }
    return false;
  }
}
