// IP-CIDR / IP-CIDR6 (aliases) and SRC-IP-CIDR: the address lies in the prefix.
// An empty or invalid address never matches. `src` on IP-CIDR matches the
// source address (and implies no-resolve).
import type { Cond } from '../cond.js';
import type { MatchCtx } from '../ctx.js';
import { parsePrefix, prefixContains, type Prefix } from '../ip.js';
import { fail } from './params.js';

export class IpCidrCond implements Cond {
  readonly needsProcess = false;
  readonly size = -1;
  readonly needsIp: boolean;
  /** `onSource`: match the source address (SRC-IP-CIDR, or IP-CIDR with src). */
  constructor(readonly prefix: Prefix, readonly onSource: boolean) {
    this.needsIp = !onSource;
  }
  match(c: MatchCtx, swap: boolean): boolean {
    return prefixContains(this.prefix, this.onSource !== swap ? c.src : c.dst);
  }
}

export function prefixPayload(payload: string, where: string): Prefix {
  const p = parsePrefix(payload.trim());
  if (!p) fail('SY_ERR_RULE_BAD_CIDR', where, payload, 'an address with a prefix length, e.g. 192.0.2.0/24 or 2001:db8::/32');
  return p;
}

export function compileIpCidr(payload: string, onSource: boolean, where: string): IpCidrCond {
  return new IpCidrCond(prefixPayload(payload, where), onSource);
}
