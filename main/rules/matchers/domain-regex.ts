// DOMAIN-REGEX: unanchored, case-insensitive regular expression on the host.
// mihomo uses .NET-flavoured regexp2; JavaScript's syntax covers what rule
// lists use (anchors, classes, groups, quantifiers).
import type { Cond } from '../cond.js';
import type { MatchCtx } from '../ctx.js';
import { fail } from './params.js';

export class DomainRegexCond implements Cond {
  readonly needsIp = false;
  readonly needsProcess = false;
  readonly size = -1;
  constructor(readonly re: RegExp) {}
  match(c: MatchCtx): boolean {
    return c.host !== '' && this.re.test(c.host);
  }
}

export function compileRegex(payload: string, where: string): RegExp {
  if (!payload) fail('SY_ERR_RULE_EMPTY_PAYLOAD', where, payload, 'a regular expression');
  try {
    return new RegExp(payload, 'i');
  } catch (e) {
    return fail('SY_ERR_RULE_BAD_REGEX', where, payload, 'a valid regular expression', (e as Error).message);
  }
}

export function compileDomainRegex(payload: string, where: string): Cond {
  return new DomainRegexCond(compileRegex(payload, where));
}
