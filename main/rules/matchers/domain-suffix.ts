// DOMAIN-SUFFIX: host == payload or host ends with "." + payload.
import type { HostIndexed, HostIndexSink } from '../cond.js';
import type { MatchCtx } from '../ctx.js';
import { domainPayload } from './domain.js';

export class DomainSuffixCond implements HostIndexed {
  readonly needsIp = false;
  readonly needsProcess = false;
  readonly size = -1;
  private readonly dotted: string;
  constructor(readonly suffix: string) {
    this.dotted = '.' + suffix;
  }
  match(c: MatchCtx): boolean {
    const h = c.host;
    return h === this.suffix || h.endsWith(this.dotted);
  }
  indexHost(into: HostIndexSink, idx: number): unknown {
    into.addSuffix(this.suffix, idx);
    return this;
  }
  hostToken(): unknown {
    return this;
  }
  matchRest(): boolean {
    return false;
  }
}

export function compileDomainSuffix(payload: string, where: string): DomainSuffixCond {
  return new DomainSuffixCond(domainPayload(payload, where));
}
