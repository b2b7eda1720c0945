// The per-connection match context: the normalised host, its suffixes and the
// parsed addresses, computed once and reused by every rule (and every rule set)
// a connection is matched against. It lives in MatchState.scratch, so it is
// owned by the connection and needs no module state.
import type { Metadata } from '../core/metadata.js';
import type { MatchState } from '../core/rule.js';
import { normalizeHost } from '../core/address.js';
import { emptyAddr, parseAddr, type Addr } from './ip.js';

export class MatchCtx {
  meta!: Metadata;
  state!: MatchState;
  /** Normalised rule host (sniffed host first): lower case, IDNA, no trailing dot. */
  host = '';
  dst: Addr = emptyAddr();
  private readonly srcAddr: Addr = emptyAddr();
  private hostRaw = '';
  private dstRaw = '';
  private srcRaw: string | null = null;
  private sfx: string[] | null = null;
  private sfxOff: number[] | null = null;
  private sfxHash: number[] | null = null;
  /**
   * Set by the engine when a segment yields for a process lookup: the
   * segment's answer so far (`pendK`, -1 = none) for rules from `pendAt`, so
   * the resumed match only re-tests the process rules.
   */
  pendSeg: object | null = null;
  pendAt = -1;
  pendK = -1;
  /** Target of the sub-rule a SUB-RULE matched (set by SubRuleCond.match). */
  subTarget = '';
  /**
   * GeoIP country of dst / src for this connection (upper case; null = none;
   * undefined = not looked up yet). Kept here, not in MatchState, so a
   * decision writes nothing into the caller's objects.
   */
  dstCountry: string | null | undefined = undefined;
  srcCountry: string | null | undefined = undefined;
  /** The engine's HostIndex answer for `host` (valid while hostIxOf is that index). */
  hostFirst = -1;
  hostIxOf: object | null = null;

  /** scanSuffixes(): how many suffixes are in sh1/sh2 (-1: not scanned for this host). */
  private scanned = -1;
  /** nameHash / nameHash2 of each suffix, shortest first (sh1[0] = the last label). */
  sh1 = new Int32Array(32);
  sh2 = new Int32Array(32);
  private readonly offBuf: number[] = [];
  private readonly hashBuf: number[] = [];

  /** Forgets everything (the engine reuses contexts across decisions). */
  reset(): this {
    this.hostRaw = '\u0000';
    this.dstRaw = '\u0000';
    this.srcRaw = null;
    this.sfx = null;
    this.sfxOff = null;
    this.sfxHash = null;
    this.scanned = -1;
    this.pendSeg = null;
    this.dstCountry = undefined;
    this.srcCountry = undefined;
    this.hostIxOf = null;
    return this;
  }

  /** Re-reads the metadata fields that changed since the last call. */
  refresh(meta: Metadata, state: MatchState): this {
    this.meta = meta;
    this.state = state;
    const h = meta.sniffHost || meta.host;
    if (h !== this.hostRaw) {
      this.hostRaw = h;
      this.host = h ? hostKey(h) : '';
      this.sfx = null;
      this.sfxOff = null;
      this.sfxHash = null;
        this.scanned = -1;
      this.hostIxOf = null;
    }
    if (meta.dstIP !== this.dstRaw) {
      this.dstRaw = meta.dstIP;
      parseAddr(meta.dstIP, this.dst);
      this.dstCountry = undefined; // the cached country belonged to the old IP
    }
    return this;
  }

  /** The parsed source address (parsed on first use). */
  get src(): Addr {
    const raw = this.meta.srcIP;
    if (raw !== this.srcRaw) {
      this.srcRaw = raw;
      parseAddr(raw, this.srcAddr);
      this.srcCountry = undefined;
    }
    return this.srcAddr;
  }

  /** `a.b.c` → [`a.b.c`, `b.c`, `c`]; [] for an empty host. Allocates; prefer suffixOffsets(). */
  suffixes(): string[] {
    if (this.sfx) return this.sfx;
    this.sfx = this.suffixOffsets().map((o) => this.host.slice(o));
    return this.sfx;
  }

  /** Start offsets in `host` of each suffix: `a.b.c` → [0, 2, 4]; [] for an empty host. */
  suffixOffsets(): number[] {
    if (this.sfxOff) return this.sfxOff;
    const h = this.host;
    const out = this.offBuf;
    out.length = 0;
    if (h) {
      out.push(0);
      let i = h.indexOf('.');
      while (i >= 0) {
        out.push(i + 1);
        i = h.indexOf('.', i + 1);
      }
    }
    this.sfxOff = out;
    return out;
  }

  /** nameHash() of each suffix, in suffixOffsets() order, from one pass over the host. */
  suffixHashes(): number[] {
    if (this.sfxHash) return this.sfxHash;
    const h = this.host;
    const n = this.suffixOffsets().length;
    const out = this.hashBuf;
    out.length = n;
    let x = HASH_SEED;
    let k = n - 1;
    for (let i = h.length - 1; i >= 0; i--) {
      const ch = h.charCodeAt(i);
      if (ch === 46) out[k--] = x; // the suffix after this dot is complete
      x = Math.imul(x ^ ch, 0x01000193);
    }
    if (k === 0) out[0] = x;
    this.sfxHash = out;
    return out;
  }

  /**
   * Fills sh1 / sh2 with nameHash() / nameHash2() of every suffix of the host
   * in one backward pass, shortest first (`a.b.c` → c, b.c, a.b.c); returns
   * how many (0 for an empty host). Allocates nothing for hosts of < 32 labels.
   */
  scanSuffixes(): number {
    if (this.scanned >= 0) return this.scanned;
    const h = this.host;
    let n = 0;
    if (h !== '') {
      let x1 = HASH_SEED;
      let x2 = HASH2_SEED;
      for (let i = h.length - 1; i >= 0; i--) {
        const ch = h.charCodeAt(i);
        if (ch === 46) {
          if (n === this.sh1.length) this.growScan();
          this.sh1[n] = x1;
          this.sh2[n++] = fin2(x2);
        }
        x1 = Math.imul(x1 ^ ch, 0x01000193);
        x2 = Math.imul(x2 ^ ch, 0x5bd1e995);
      }
      if (n === this.sh1.length) this.growScan();
      this.sh1[n] = x1;
      this.sh2[n++] = fin2(x2);
    }
    this.scanned = n;
    return n;
  }

  private growScan(): void {
    const a = new Int32Array(this.sh1.length * 2);
    a.set(this.sh1);
    const b = new Int32Array(this.sh2.length * 2);
    b.set(this.sh2);
    this.sh1 = a;
    this.sh2 = b;
  }

}

/** normalizeHost, with a no-allocation path for hosts that are already normal. */
function hostKey(h: string): string {
  const n = h.length;
  for (let i = 0; i < n; i++) {
    const c = h.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 95)) return normalizeHost(h);
  }
  return h.charCodeAt(n - 1) === 46 ? normalizeHost(h) : h;
}

const HASH_SEED = 0x811c9dc5 | 0;
const HASH2_SEED = 0x2545f491 | 0;

/**
 * A second 32-bit hash with the same suffix property (last to first): another
 * seed and multiplier, and a finaliser that mixes the high bits down, so it
 * does not follow nameHash().
 */
export function nameHash2(name: string): number {
  let x = HASH2_SEED;
  for (let i = name.length - 1; i >= 0; i--) x = Math.imul(x ^ name.charCodeAt(i), 0x5bd1e995);
  return fin2(x);
}

function fin2(x: number): number {
  const y = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  return y ^ (y >>> 13);
}

/** FNV-1a over the name's characters from last to first (so every suffix hash falls out of one pass). */
export function nameHash(name: string): number {
  let x = HASH_SEED;
  for (let i = name.length - 1; i >= 0; i--) x = Math.imul(x ^ name.charCodeAt(i), 0x01000193);
  return x;
}

/** The context for (meta, state), created on first use. */
export function ctxOf(meta: Metadata, state: MatchState): MatchCtx {
  let c = state.scratch as MatchCtx | undefined;
  if (!(c instanceof MatchCtx)) {
    c = new MatchCtx();
    state.scratch = c;
  }
  return c.refresh(meta, state);
}
