// DOMAIN: the (normalised) host equals the payload.
import type { HostIndexSink } from '../cond.js';
import { HostNameCond } from './host-name.js';
import type { MatchCtx } from '../ctx.js';
import { cleanName } from '../sets/domain-set.js';
import { fail } from './params.js';

export class DomainCond extends HostNameCond {
  constructor(readonly name: string) {
    super();
  }
  match(c: MatchCtx): boolean {
    return c.host === this.name;
  }
  protected addTo(into: HostIndexSink, idx: number): void {
    into.addExact(this.name, idx);
  }
}

/** Payload → normalised domain (lower case, IDNA, no trailing dot), or a located error. */
export function domainPayload(payload: string, where: string): string {
  const p = payload.trim();
  const n = cleanName(p.endsWith('.') ? p.slice(0, -1) : p);
  if (!n || n.includes('*')) fail('SY_ERR_RULE_BAD_DOMAIN', where, payload, 'a domain name such as example.com');
  return n;
}

export function compileDomain(payload: string, where: string): DomainCond {
  return new DomainCond(domainPayload(payload, where));
}
