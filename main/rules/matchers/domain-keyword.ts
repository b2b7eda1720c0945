// DOMAIN-KEYWORD: the host contains the payload (case-insensitive). An empty host never matches.
import type { HostIndexed, HostIndexSink } from '../cond.js';
import type { MatchCtx } from '../ctx.js';
import { fail } from './params.js';

export class DomainKeywordCond implements HostIndexed {
  readonly needsIp = false;
  readonly needsProcess = false;
  readonly size = -1;
  constructor(readonly keyword: string) {}
  match(c: MatchCtx): boolean {
    return c.host !== '' && c.host.includes(this.keyword);
  }
  indexHost(into: HostIndexSink, idx: number): unknown {
    into.addKeyword(this.keyword, idx);
    return this;
  }
  hostToken(): unknown {
    return this;
  }
  matchRest(): boolean {
    return false;
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
