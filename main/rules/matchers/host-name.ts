// The base of DOMAIN / DOMAIN-SUFFIX / DOMAIN-KEYWORD: the whole condition is
// one host-name entry, which the engine's HostIndex holds (see HostIndexed),
// so nothing is left for matchRest() and the data never changes.
import type { HostIndexed, HostIndexSink } from '../cond.js';
import type { MatchCtx } from '../ctx.js';

export abstract class HostNameCond implements HostIndexed {
  readonly needsIp = false;
  readonly needsProcess = false;
  readonly size = -1;
  abstract match(c: MatchCtx): boolean;
  /** Adds the entry under rule index `idx`. */
  protected abstract addTo(into: HostIndexSink, idx: number): void;
  indexHost(into: HostIndexSink, idx: number): unknown {
    this.addTo(into, idx);
    return this;
  }
  hostToken(): unknown {
    return this;
  }
  matchRest(): boolean {
    return false;
  }
}
