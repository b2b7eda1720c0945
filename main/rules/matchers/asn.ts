// IP-ASN / SRC-IP-ASN: the autonomous system number of the destination (or
// source) address from an ASN mmdb (GeoLite2-ASN field names), compared as
// numbers. Without ASN data the rule is inactive (never matches); compile
// reports that once per rule.
import type { Cond } from '../cond.js';
import type { MatchCtx } from '../ctx.js';
import { fail } from './params.js';

/** ASN lookups (see rules/asn.ts). */
export interface AsnReader {
  /** AS number of the address, null when unknown. `ip` is normalised text. */
  asn(ip: string): number | null;
  readonly size?: number;
}

export class AsnCond implements Cond {
  readonly needsProcess = false;
  readonly needsIp: boolean;
  readonly size: number;
  constructor(readonly asn: number, private readonly reader: AsnReader | null, readonly onSource: boolean) {
    this.needsIp = !onSource;
    this.size = reader?.size ?? 0;
  }
  match(c: MatchCtx, swap: boolean): boolean {
    if (this.reader === null) return false;
    const useSrc = this.onSource !== swap;
    const a = useSrc ? c.src : c.dst;
    if (a.fam === 0) return false;
    return this.reader.asn(useSrc ? c.meta.srcIP : c.meta.dstIP) === this.asn;
  }
}

export function compileAsn(payload: string, reader: AsnReader | null, onSource: boolean, where: string): AsnCond {
  const p = payload.trim().replace(/^AS/i, '');
  if (!/^\d{1,10}$/.test(p) || Number(p) > 0xffffffff) fail('SY_ERR_RULE_BAD_ASN', where, payload, 'an AS number such as 13335 (or AS13335)');
  return new AsnCond(Number(p), reader, onSource);
}
