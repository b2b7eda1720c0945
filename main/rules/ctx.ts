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

  /** Re-reads the metadata fields that changed since the last call. */
  refresh(meta: Metadata, state: MatchState): this {
    this.meta = meta;
    this.state = state;
    const h = meta.sniffHost || meta.host;
    if (h !== this.hostRaw) {
      this.hostRaw = h;
      this.host = h ? normalizeHost(h) : '';
      this.sfx = null;
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
