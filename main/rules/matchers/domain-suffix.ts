// DOMAIN-SUFFIX: host == payload or host ends with "." + payload.
import type { HostIndexSink } from '../cond.js';
import { HostNameCond } from './host-name.js';
import type { MatchCtx } from '../ctx.js';
import { domainPayload } from './domain.js';

export class DomainSuffixCond extends HostNameCond {
  private readonly dotted: string;
  constructor(readonly suffix: string) {
    super();
    this.dotted = '.' + suffix;
  }
  match(c: MatchCtx): boolean {
    const h = c.host;
    return h === this.suffix || h.endsWith(this.dotted);
  }
  protected addTo(into: HostIndexSink, idx: number): void {
    into.addSuffix(this.suffix, idx);
  }
}

export function compileDomainSuffix(payload: string, where: string): DomainSuffixCond {
  return new DomainSuffixCond(domainPayload(payload, where));
}
