// Indexes for runs of consecutive simple rules in the main list, so a config
// with hundreds of DOMAIN-SUFFIX / IP-CIDR lines is not scanned line by line.
// A group answers "the smallest rule index in the run whose condition
// matches" (first match wins); the engine then applies that rule's target
// check and, if it falls through, continues rule by rule after it.
import type { Cond } from './cond.js';
import type { MatchCtx } from './ctx.js';
import { DomainCond } from './matchers/domain.js';
import { DomainSuffixCond } from './matchers/domain-suffix.js';
import { DomainKeywordCond } from './matchers/domain-keyword.js';
import { IpCidrCond } from './matchers/ip-cidr.js';
import { prefixContains, type Prefix } from './ip.js';
import type { RuleParams } from './matchers/params.js';

/** A run of rules [start, end) answered by one index. */
export interface RuleGroup {
  readonly start: number;
  readonly end: number;
  /** Smallest matching rule index in the run, or -1. */
  first(c: MatchCtx): number;
}

/** Runs shorter than this are evaluated rule by rule. */
export const MIN_GROUP = 4;

const NONE = 0x7fffffff;

class DomainGroup implements RuleGroup {
  private readonly exact = new Map<string, number>();
  private readonly suffix = new Map<string, number>();
  private readonly keywords: { kw: string; idx: number }[] = [];
  constructor(readonly start: number, readonly end: number, conds: readonly Cond[]) {
    // Insert in reverse so the smallest index wins for duplicate names.
    for (let i = end - 1; i >= start; i--) {
      const c = conds[i];
      if (c instanceof DomainCond) this.exact.set(c.name, i);
      else if (c instanceof DomainSuffixCond) this.suffix.set(c.suffix, i);
    }
    for (let i = start; i < end; i++) {
      const c = conds[i];
      if (c instanceof DomainKeywordCond) this.keywords.push({ kw: c.keyword, idx: i });
    }
  }
  first(c: MatchCtx): number {
    if (c.host === '') return -1;
    const sfx = c.suffixes();
    let best = this.exact.get(sfx[0]!) ?? NONE;
    for (let i = 0; i < sfx.length; i++) {
      const v = this.suffix.get(sfx[i]!);
      if (v !== undefined && v < best) best = v;
    }
    for (const k of this.keywords) {
      if (k.idx >= best) break;
      if (c.host.includes(k.kw)) {
        best = k.idx;
        break;
      }
    }
    return best === NONE ? -1 : best;
  }
}

class IpGroup implements RuleGroup {
  /** IPv4: per prefix length, masked network → smallest rule index. */
  private readonly byLen: { len: number; map: Map<number, number> }[] = [];
  private readonly v6: { p: Prefix; idx: number }[] = [];
  constructor(readonly start: number, readonly end: number, conds: readonly Cond[], private readonly onSource: boolean) {
    const lens = new Map<number, Map<number, number>>();
    for (let i = end - 1; i >= start; i--) {
      const p = (conds[i] as IpCidrCond).prefix;
      if (p.fam === 6) continue;
      let m = lens.get(p.bits);
      if (!m) lens.set(p.bits, (m = new Map()));
      m.set(p.lo4, i);
    }
    for (const [len, map] of [...lens].sort((a, b) => b[0] - a[0])) this.byLen.push({ len, map });
    for (let i = start; i < end; i++) {
      const p = (conds[i] as IpCidrCond).prefix;
      if (p.fam === 6) this.v6.push({ p, idx: i });
    }
  }
  first(c: MatchCtx): number {
    const a = this.onSource ? c.src : c.dst;
    if (a.fam === 4) {
      let best = NONE;
      for (const { len, map } of this.byLen) {
        const key = len === 0 ? 0 : len === 32 ? a.v4 : ((a.v4 >>> (32 - len)) * 2 ** (32 - len)) >>> 0;
        const v = map.get(key);
        if (v !== undefined && v < best) best = v;
      }
      return best === NONE ? -1 : best;
    }
    if (a.fam === 6) {
      for (const { p, idx } of this.v6) if (prefixContains(p, a)) return idx;
    }
    return -1;
  }
}

type Kind = 'domain' | 'ip-dst' | 'ip-dst-nr' | 'ip-src' | null;

function kindOf(cond: Cond, params: RuleParams): Kind {
  if (cond instanceof DomainCond || cond instanceof DomainSuffixCond || cond instanceof DomainKeywordCond) return 'domain';
  if (cond instanceof IpCidrCond) return cond.onSource ? 'ip-src' : params.noResolve ? 'ip-dst-nr' : 'ip-dst';
  return null;
}

/** Builds groups over maximal runs of one kind; returns groupAt[start] = group. */
export function buildGroups(conds: readonly Cond[], params: readonly RuleParams[]): (RuleGroup | undefined)[] {
  const at: (RuleGroup | undefined)[] = new Array(conds.length).fill(undefined);
  let i = 0;
  while (i < conds.length) {
    const k = kindOf(conds[i]!, params[i]!);
    let j = i + 1;
    if (k) while (j < conds.length && kindOf(conds[j]!, params[j]!) === k) j++;
    if (k && j - i >= MIN_GROUP) {
      at[i] = k === 'domain' ? new DomainGroup(i, j, conds) : new IpGroup(i, j, conds, k === 'ip-src');
    }
    i = j;
  }
  return at;
}
