// RULE-SET: delegates to a provider's *current* compiled set at match time, so
// a provider update swaps atomically under running connections. `src` swaps
// source and destination for the set's match; the rule triggers resolution iff
// the set needs an IP and `no-resolve` is absent (the engine checks needsIp).
import type { RuleSetProvider } from '../../core/provider.js';
import type { RuleSetMatcher } from '../../core/rule.js';
import type { HostIndexed, HostIndexSink } from '../cond.js';
import type { MatchCtx } from '../ctx.js';

/** A RuleSetMatcher that can match on an existing context (all of ours). */
export interface CtxMatcher extends RuleSetMatcher {
  matchCtx(c: MatchCtx, swap: boolean): boolean;
  /** Host-name entries for the engine's index (see HostIndexed); absent when the set has none. */
  indexHost?(into: HostIndexSink, idx: number): void;
  /** matchCtx() without the entries indexHost() listed. */
  matchRest?(c: MatchCtx, swap: boolean): boolean;
}

function hasCtx(m: RuleSetMatcher): m is CtxMatcher {
  return typeof (m as Partial<CtxMatcher>).matchCtx === 'function';
}

export class RuleSetCond implements HostIndexed {
  constructor(readonly provider: RuleSetProvider, readonly swapSrc: boolean) {}
  get needsIp(): boolean {
    return !this.swapSrc && this.provider.current().needsIp;
  }
  get needsProcess(): boolean {
    return this.provider.current().needsProcess;
  }
  get size(): number {
    return this.provider.current().size;
  }
  match(c: MatchCtx, swap: boolean): boolean {
    const m = this.provider.current();
    const s = this.swapSrc !== swap;
    return hasCtx(m) ? m.matchCtx(c, s) : m.match(c.meta, c.state, s);
  }
  /** Indexes the provider's current set; its identity is the token (an update swaps it). */
  indexHost(into: HostIndexSink, idx: number): unknown {
    const m = this.provider.current();
    if (hasCtx(m) && m.indexHost && m.matchRest) m.indexHost(into, idx);
    return m;
  }
  hostToken(): unknown {
    return this.provider.current();
  }
  matchRest(c: MatchCtx, swap: boolean): boolean {
    const m = this.provider.current();
    const s = this.swapSrc !== swap;
    if (!hasCtx(m)) return m.match(c.meta, c.state, s);
    return m.indexHost && m.matchRest ? m.matchRest(c, s) : m.matchCtx(c, s);
  }
}
