// DOMAIN-SUFFIX: host == payload or host ends with "." + payload.
import type { Cond } from '../cond.js';
import type { MatchCtx } from '../ctx.js';
import { domainPayload } from './domain.js';

export class DomainSuffixCond implements Cond {
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
}

export function compileDomainSuffix(payload: string, where: string): Cond {
  return new DomainSuffixCond(domainPayload(payload, where));
}
