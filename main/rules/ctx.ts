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
  src: Addr = emptyAddr();
  private hostRaw = '';
  private dstRaw = '';
  private srcRaw = '';
  private sfx: string[] | null = null;
  private sfxHash: number[] | null = null;

  /** Re-reads the metadata fields that changed since the last call. */
  refresh(meta: Metadata, state: MatchState): this {
    this.meta = meta;
    this.state = state;
    const h = meta.sniffHost || meta.host;
    if (h !== this.hostRaw) {
      this.hostRaw = h;
      this.host = h ? normalizeHost(h) : '';
      this.sfx = null;
      this.sfxHash = null;
    }
    if (meta.dstIP !== this.dstRaw) {
      this.dstRaw = meta.dstIP;
      parseAddr(meta.dstIP, this.dst);
      state.dstCountry = undefined; // the cached country belonged to the old IP
    }
    if (meta.srcIP !== this.srcRaw) {
      this.srcRaw = meta.srcIP;
      parseAddr(meta.srcIP, this.src);
      state.srcCountry = undefined;
    }
    return this;
  }

  /** `a.b.c` → [`a.b.c`, `b.c`, `c`]; [] for an empty host. Computed once per host. */
  suffixes(): string[] {
    if (this.sfx) return this.sfx;
    const h = this.host;
    const out: string[] = [];
    if (h) {
      out.push(h);
      let i = h.indexOf('.');
      while (i >= 0) {
        out.push(h.slice(i + 1));
        i = h.indexOf('.', i + 1);
      }
    }
    this.sfx = out;
    return out;
  }

  /** nameHash() of each entry of suffixes(), in the same order, from one pass over the host. */
  suffixHashes(): number[] {
    if (this.sfxHash) return this.sfxHash;
    const h = this.host;
    const n = this.suffixes().length;
    const out: number[] = new Array(n);
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
}

const HASH_SEED = 0x811c9dc5 | 0;

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
