// Indexes for runs of consecutive rules in the main list ("segments"), so a
// config with hundreds of rules is not scanned line by line. Every rule except
// RULE-SET joins a segment: DOMAIN / DOMAIN-SUFFIX / DOMAIN-KEYWORD go into one
// hash of names, IP-CIDR(6) / SRC-IP-CIDR into per-prefix-length hashes, the
// rest (ports, NETWORK, GEOIP, regex, logic, process, MATCH) into a short list
// tested in order. A segment answers "the smallest rule index in the run whose
// condition matches now" (first match wins). The engine still applies lazy
// resolution and process lookup exactly at the rule that triggers them: a
// match found *before* that rule wins; otherwise it yields there.
import type { Cond } from './cond.js';
import type { MatchCtx } from './ctx.js';
import { DomainCond } from './matchers/domain.js';
import { DomainSuffixCond } from './matchers/domain-suffix.js';
import { DomainKeywordCond } from './matchers/domain-keyword.js';
import { IpCidrCond } from './matchers/ip-cidr.js';
import { PortCond } from './matchers/port.js';
import { ProcessNameCond } from './matchers/process-name.js';
import { RuleSetCond } from './matchers/rule-set.js';
import { KeywordIndex } from './sets/keyword-index.js';
import { NameTable } from './sets/name-table.js';
import { prefixContains, type Addr, type Prefix } from './ip.js';
import type { RuleParams } from './matchers/params.js';

/** Runs shorter than this are evaluated rule by rule. */
export const MIN_SEGMENT = 4;

const NONE = 0x7fffffff;
const keepFirst = (old: number): number => old; // rules are added in index order: the first wins

/**
 * IP-CIDR rules of a segment: IPv4 prefixes cut into elementary intervals,
 * each labelled with the smallest rule index covering it, so a lookup is one
 * binary search; IPv6 prefixes (rare in rule lists) are tested in order.
 */
class PrefixIndex {
  private pending: { p: Prefix; idx: number }[] = [];
  /** Interval starts, ascending; interval j is [starts[j], starts[j+1]). */
  private starts = new Float64Array(0);
  /** Smallest covering rule index per interval, or NONE. */
  private best = new Int32Array(0);
  private readonly v6: { p: Prefix; idx: number }[] = [];
  add(p: Prefix, idx: number): void {
    if (p.fam === 6) this.v6.push({ p, idx });
    else this.pending.push({ p, idx });
  }
  seal(): this {
    const cuts = new Set<number>();
    for (const { p } of this.pending) {
      cuts.add(p.lo4);
      cuts.add(p.hi4 + 1);
    }
    const starts = [...cuts].sort((a, b) => a - b);
    const best = new Int32Array(starts.length).fill(NONE);
    for (const { p, idx } of this.pending) {
      // Intervals inside [lo4, hi4]: from the one starting at lo4 up to the one before hi4 + 1.
      let j = lowerBound(starts, p.lo4);
      for (; j < starts.length && starts[j]! <= p.hi4; j++) if (idx < best[j]!) best[j] = idx;
    }
    this.starts = Float64Array.from(starts);
    this.best = best;
    this.pending = [];
    return this;
  }
  get empty(): boolean {
    return this.starts.length === 0 && this.v6.length === 0;
  }
  first(a: Addr, best: number): number {
    if (a.fam === 4) {
      const s = this.starts;
      let lo = 0;
      let hi = s.length - 1;
      let j = -1; // last start <= x
      const x = a.v4;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (s[mid]! <= x) {
          j = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (j >= 0) {
        const v = this.best[j]!;
        if (v < best) best = v;
      }
    } else if (a.fam === 6) {
      for (const { p, idx } of this.v6) {
        if (idx >= best) break;
        if (prefixContains(p, a)) return idx;
      }
    }
    return best;
  }
}

function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class Segment {
  private readonly exact = new NameTable();
  private readonly suffix = new NameTable();
  private readonly keywords = new KeywordIndex();
  /** DST-PORT rules: port → smallest index (null when the segment has none). */
  private dstPorts: Int32Array | null = null;
  /** PROCESS-NAME rules: lower-cased name → smallest index. */
  private readonly procs = new Map<string, number>();
  private readonly dst = new PrefixIndex();
  private readonly src = new PrefixIndex();
  private readonly others: { cond: Cond; idx: number }[] = [];
  /** Indexes of rules that may trigger resolution / need the process, ascending. */
  readonly resolving: number[] = [];
  readonly process: number[] = [];

  constructor(readonly start: number, readonly end: number, conds: readonly Cond[], params: readonly RuleParams[]) {
    for (let i = start; i < end; i++) {
      const c = conds[i]!;
      if (c.needsIp && !params[i]!.noResolve) this.resolving.push(i);
      if (c.needsProcess) this.process.push(i);
      if (c instanceof DomainCond) this.exact.set(c.name, i, keepFirst);
      else if (c instanceof DomainSuffixCond) this.suffix.set(c.suffix, i, keepFirst); else if (c instanceof DomainKeywordCond) this.keywords.add(c.keyword, i);
      else if (c instanceof IpCidrCond) (c.onSource ? this.src : this.dst).add(c.prefix, i);
      else if (c instanceof PortCond && c.kind === 'dst') this.addDstPort(c, i);
      else if (c instanceof ProcessNameCond) {
        if (!this.procs.has(c.name)) this.procs.set(c.name, i);
      } else this.others.push({ cond: c, idx: i });
    }

    this.dst.seal();
    this.src.seal();
  }

  private addDstPort(c: PortCond, idx: number): void {
    if (!this.dstPorts) this.dstPorts = new Int32Array(65536).fill(NONE);
    const t = this.dstPorts;
    const r = c.ranges;
    for (let j = 0; j < r.length; j += 2) for (let p = r[j]!; p <= r[j + 1]!; p++) if (t[p]! > idx) t[p] = idx;
  }

  /** Smallest index >= from of a process-dependent rule that matches now, below `best`; else `best`. */
  firstProcess(c: MatchCtx, from: number, best: number): number {
    if (this.procs.size > 0) {
      const pn = c.meta.process;
      if (pn) {
        const v = this.procs.get(pn.toLowerCase());
        if (v !== undefined && v >= from && v < best) best = v;
      }
    }
    for (const o of this.others) {
      if (o.idx >= best) break;
      if (o.idx >= from && o.cond.needsProcess && o.cond.match(c, false)) return o.idx;
    }
    return best;
  }

  /**
   * Smallest matching rule index in [start, end), or -1. `f` is the engine's
   * HostIndex answer for the host (-1: none available): the smallest index of
   * the whole list whose host-name entries match, so when it is >= start it
   * settles every DOMAIN / DOMAIN-SUFFIX / DOMAIN-KEYWORD rule here at once;
   * below start (an earlier match was passed over) the segment's own tables
   * answer. `test` matches one other rule (the engine's, index-aware).
   */
  first(c: MatchCtx, f: number, test: (c: MatchCtx, idx: number, cond: Cond) => boolean): number {
    let best = NONE;
    const host = c.host;
    if (f >= this.start) {
      if (f < this.end) best = f;
    } else if (host !== '') {
      const hashes = c.suffixHashes();
      if (this.exact.size > 0) {
        const v = this.exact.get(host, 0, hashes[0]!);
        if (v >= 0) best = v;
      }
      const sm = this.suffix;
      if (sm.size > 0) {
        const offs = c.suffixOffsets();
        for (let i = 0; i < offs.length; i++) {
          const v = sm.get(host, offs[i]!, hashes[i]!);
          if (v >= 0 && v < best) best = v;
        }
      }
      if (this.keywords.size > 0) best = this.keywords.first(host, best);
    }
    if (this.dstPorts !== null) {
      const v = this.dstPorts[c.meta.dstPort & 0xffff]!;
      if (v < best) best = v;
    }
    if (this.procs.size > 0) {
      const pn = c.meta.process;
      if (pn) {
        const v = this.procs.get(pn.toLowerCase());
        if (v !== undefined && v < best) best = v;
      }
    }
    if (c.dst.fam !== 0 && !this.dst.empty) best = this.dst.first(c.dst, best);
    if (!this.src.empty && c.src.fam !== 0) best = this.src.first(c.src, best);
    for (const o of this.others) {
      if (o.idx >= best) break;
      if (test(c, o.idx, o.cond)) {
        best = o.idx;
        break;
      }
    }
    return best === NONE ? -1 : best;
  }
}

/** Builds segments over maximal runs of rules other than RULE-SET; returns segAt[start] = segment. */
export function buildSegments(conds: readonly Cond[], params: readonly RuleParams[]): (Segment | undefined)[] {
  const at: (Segment | undefined)[] = new Array(conds.length).fill(undefined);
  let i = 0;
  while (i < conds.length) {
    if (conds[i] instanceof RuleSetCond) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < conds.length && !(conds[j] instanceof RuleSetCond)) j++;
    if (j - i >= MIN_SEGMENT) at[i] = new Segment(i, j, conds, params);
    i = j;
  }
  return at;
}
