// The compiled rule sets of the three behaviors. Each implements
// RuleSetMatcher (core/rule.ts) and matchCtx() for the engine's RULE-SET
// rules, which pass their per-connection context and skip re-parsing.
import type { Metadata } from '../core/metadata.js';
import type { MatchState } from '../core/rule.js';
import type { Cond } from '../rules/cond.js';
import { ctxOf, type MatchCtx } from '../rules/ctx.js';
import type { HostIndexSink } from '../rules/cond.js';
import type { CtxMatcher } from '../rules/matchers/rule-set.js';
import type { DomainSet } from '../rules/sets/domain-set.js';
import type { IpSet } from '../rules/sets/ip-set.js';
import type { KeywordSet } from '../rules/sets/keyword-set.js';

abstract class BaseSet implements CtxMatcher {
  abstract readonly behavior: 'domain' | 'ipcidr' | 'classical';
  abstract readonly size: number;
  abstract readonly needsIp: boolean;
  abstract readonly needsProcess: boolean;
  abstract matchCtx(c: MatchCtx, swap: boolean): boolean;
  match(meta: Metadata, state: MatchState, src: boolean): boolean {
    return this.matchCtx(ctxOf(meta, state), src);
  }
}

/** behavior: domain — Clash wildcards on the host. */
export class DomainRuleSet extends BaseSet {
  readonly behavior = 'domain' as const;
  readonly needsIp = false;
  readonly needsProcess = false;
  constructor(private readonly set: DomainSet) {
    super();
  }
  get size(): number {
    return this.set.size;
  }
  matchCtx(c: MatchCtx): boolean {
    return c.host !== '' && this.set.has(c.host, c.suffixOffsets(), c.suffixHashes());
  }
  indexHost(into: HostIndexSink, idx: number): void {
    this.set.forEachName((name, hash, flags) => into.addName(name, hash, flags, idx));
  }
  matchRest(c: MatchCtx): boolean {
    return this.set.hasRest(c.host);
  }
}

/** behavior: ipcidr — the destination (or, with `src`, the source) address. */
export class IpRuleSet extends BaseSet {
  readonly behavior = 'ipcidr' as const;
  readonly needsProcess = false;
  constructor(private readonly set: IpSet, readonly size: number) {
    super();
  }
  get needsIp(): boolean {
    return this.size > 0;
  }
  matchCtx(c: MatchCtx, swap: boolean): boolean {
    return this.set.has(swap ? c.src : c.dst);
  }
}

export interface ClassicalParts {
  /** DOMAIN and DOMAIN-SUFFIX entries. */
  readonly domains: DomainSet;
  readonly keywords: KeywordSet;
  /** IP-CIDR/IP-CIDR6 entries (destination). */
  readonly dstIps: IpSet;
  /** SRC-IP-CIDR and IP-CIDR,src entries. */
  readonly srcIps: IpSet;
  /** Everything else, tested in order. */
  readonly others: readonly Cond[];
  readonly size: number;
  readonly needsIp: boolean;
  readonly needsProcess: boolean;
}

/** behavior: classical — a linear OR of rules, with the simple types indexed together. */
export class ClassicalRuleSet extends BaseSet {
  readonly behavior = 'classical' as const;
  readonly size: number;
  readonly needsIp: boolean;
  readonly needsProcess: boolean;
  constructor(private readonly p: ClassicalParts) {
    super();
    this.size = p.size;
    this.needsIp = p.needsIp;
    this.needsProcess = p.needsProcess;
  }
  matchCtx(c: MatchCtx, swap: boolean): boolean {
    const p = this.p;
    if (c.host !== '' && (p.domains.has(c.host, c.suffixOffsets(), c.suffixHashes()) || p.keywords.has(c.host))) return true;
    return this.matchAddrs(c, swap);
  }
  indexHost(into: HostIndexSink, idx: number): void {
    this.p.domains.forEachName((name, hash, flags) => into.addName(name, hash, flags, idx));
    for (const w of this.p.keywords.words) into.addKeyword(w, idx);
  }
  /** matchCtx() without the DOMAIN / DOMAIN-SUFFIX / DOMAIN-KEYWORD entries. */
  matchRest(c: MatchCtx, swap: boolean): boolean {
    return this.p.domains.hasRest(c.host) || this.matchAddrs(c, swap);
  }
  /** The IP entries and the rest of the entries, tested in order. */
  private matchAddrs(c: MatchCtx, swap: boolean): boolean {
    const p = this.p;
    if (!p.dstIps.empty) {
      const dst = swap ? c.src : c.dst;
      if (dst.fam !== 0 && p.dstIps.has(dst)) return true;
    }
    if (!p.srcIps.empty) {
      const src = swap ? c.dst : c.src;
      if (src.fam !== 0 && p.srcIps.has(src)) return true;
    }
    for (const o of p.others) if (o.match(c, swap)) return true;
    return false;
  }
}
