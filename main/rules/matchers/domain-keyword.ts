// DOMAIN-KEYWORD: the host contains the payload (case-insensitive). An empty host never matches.
import type { HostIndexSink } from '../cond.js';
import { HostNameCond } from './host-name.js';
import type { MatchCtx } from '../ctx.js';
import { fail } from './params.js';

export class DomainKeywordCond extends HostNameCond {
  constructor(readonly keyword: string) {
    super();
  }
  match(c: MatchCtx): boolean {
    return c.host !== '' && c.host.includes(this.keyword);
  }
  protected addTo(into: HostIndexSink, idx: number): void {
    into.addKeyword(this.keyword, idx);
  }
}

export function keywordPayload(payload: string, where: string): string {
  const k = payload.trim().toLowerCase();
  if (!k || /[\s,/]/.test(k)) fail('SY_ERR_RULE_BAD_DOMAIN', where, payload, 'a keyword without spaces, commas or slashes');
  return k;
}

export function compileDomainKeyword(payload: string, where: string): DomainKeywordCond {
  return new DomainKeywordCond(keywordPayload(payload, where));
}
