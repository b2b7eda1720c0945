// DOMAIN-WILDCARD: a glob on the host, `*` = any run of characters (dots
// included), `?` = exactly one character, case-insensitive, anchored at both
// ends (mihomo's wildcard.Match). Not the Clash `+.`/`*.` grammar of §2.4.
import type { Cond } from '../cond.js';
import type { MatchCtx } from '../ctx.js';
import { fail } from './params.js';

/** Compiles a glob to an anchored, case-insensitive RegExp; null when it has a character no name can hold. */
export function globRegex(glob: string, allowed: RegExp): RegExp | null {
  if (glob === '' || !allowed.test(glob)) return null;
  let src = '^';
  for (const ch of glob) {
    if (ch === '*') src += '.*';
    else if (ch === '?') src += '.';
    else src += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`${src}$`, 'is');
}

const HOST_GLOB = /^[a-z0-9*?._-]+$/i;

export class DomainWildcardCond implements Cond {
  readonly needsIp = false;
  readonly needsProcess = false;
  readonly size = -1;
  constructor(readonly glob: string, private readonly re: RegExp) {}
  match(c: MatchCtx): boolean {
    return c.host !== '' && this.re.test(c.host);
  }
}

export function compileDomainWildcard(payload: string, where: string): Cond {
  const g = payload.trim().toLowerCase();
  const re = globRegex(g, HOST_GLOB);
  if (!re) fail('SY_ERR_RULE_BAD_WILDCARD', where, payload, 'a host glob of letters, digits, ".", "-", "_" with * (any characters) and ? (one character), e.g. *.example.?om');
  return new DomainWildcardCond(g, re);
}
