// A set of Clash domain wildcards (reference.md §2.4), used by `behavior:
// domain` providers and for DOMAIN/DOMAIN-SUFFIX entries of classical sets.
// One hash of names with flag bits answers every form in one lookup per
// suffix of the host: `a.b.c` costs at most three Map lookups.
import { normalizeHost } from '../../core/address.js';
import { NameTable } from './name-table.js';

export const EXACT = 1; // example.com
export const PLUS = 2; // +.example.com: itself and any subdomain
export const DOT = 4; // .example.com: any subdomain, not itself
export const STAR1 = 8; // *.example.com: exactly one more label

const NAME_RE = /^[a-z0-9_*-]+(?:\.[a-z0-9_*-]+)*$/;

/** Normalises a domain name for set keys; '' when invalid (slash, trailing dot, empty label, bad chars). */
export function cleanName(s: string): string {
  if (!s || s.includes('/') || s.endsWith('.') || s.includes('..') || s.startsWith('.')) return '';
  const n = s.includes('*') ? normalizeHost(s.replace(/\*/g, 'xn--star'))?.replace(/xn--star/g, '*') : normalizeHost(s);
  return n && NAME_RE.test(n) ? n : '';
}

export class DomainSet {
  /** name → flag bits */
  private readonly flags = new NameTable();
  /** Entries with `*` inside the name (`xbox.*.microsoft.com`), as labels. */
  private readonly patterns: string[][] = [];
  /** A lone `*`: every dot-less host. */
  private starAll = false;
  size = 0;

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
    let added = true; // merge() runs only when the name is already there
    this.flags.set(name, flag, (old, f) => {
      added = (old & f) === 0;
      return old | f;
    });
    if (added) this.size++;
  }

  /** Whether the host (normalised) with the given suffix offsets and hashes (see MatchCtx) matches. */
  has(host: string, offs: readonly number[], hashes: readonly number[]): boolean {
    const n = offs.length;
    if (n === 0) return false;
    const t = this.flags;
    let f = t.get(host, 0, hashes[0]!);
    if (f > 0 && (f & (EXACT | PLUS)) !== 0) return true;
    if (n === 1) {
      if (this.starAll) return true;
    } else {
      f = t.get(host, offs[1]!, hashes[1]!);
      if (f > 0 && (f & (PLUS | DOT | STAR1)) !== 0) return true;
      for (let i = 2; i < n; i++) {
        f = t.get(host, offs[i]!, hashes[i]!);
        if (f > 0 && (f & (PLUS | DOT)) !== 0) return true;
      }
    }
    return this.patterns.length > 0 && this.matchPatterns(host);
  }

  /**
   * Calls fn(name, hash, flags) for every hashed name (flags: EXACT | PLUS |
   * DOT | STAR1). The entries not listed — `*` inside a name and a lone `*` —
   * are what hasRest() tests: has() === (some listed name matches) || hasRest().
   */
  forEachName(fn: (name: string, hash: number, flags: number) => void): void {
    this.flags.forEach(fn);
  }

  /** The part of has() that forEachName() does not list. */
  hasRest(host: string): boolean {
    if (host === '') return false;
    if (this.starAll && host.indexOf('.') < 0) return true;
    return this.patterns.length > 0 && this.matchPatterns(host);
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
