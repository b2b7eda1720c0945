// Entries → a compiled rule set, per behavior. Malformed entries are skipped
// with a located warning (`<source>:<line>`), never fatal.
import { SyError } from '../core/errors.js';
import { splitRuleLine } from '../config/rule-line.js';
import { compileCond, type CompileEnv } from '../rules/compile.js';
import type { Cond } from '../rules/cond.js';
import { parsePrefix } from '../rules/ip.js';
import type { GeoIpReader } from '../rules/matchers/geoip.js';
import type { AsnReader } from '../rules/matchers/asn.js';
import type { GeoSiteSource } from '../rules/matchers/geosite.js';
import { DomainCond } from '../rules/matchers/domain.js';
import { DomainSuffixCond } from '../rules/matchers/domain-suffix.js';
import { DomainKeywordCond } from '../rules/matchers/domain-keyword.js';
import { IpCidrCond } from '../rules/matchers/ip-cidr.js';
import { DomainSet } from '../rules/sets/domain-set.js';
import { IpSet } from '../rules/sets/ip-set.js';
import { KeywordSet } from '../rules/sets/keyword-set.js';
import type { Entry, WarningList } from './read-entries.js';
import { ClassicalRuleSet, DomainRuleSet, IpRuleSet } from './rule-sets.js';

function bad(warn: WarningList, source: string, e: Entry, expected: string, detail?: string): void {
  warn.push(new SyError('SY_ERR_PROVIDER_BAD_ENTRY', { where: `${source}:${e.line}`, value: e.value, expected, detail }));
}

export function buildDomainSet(entries: readonly Entry[], source: string, warn: WarningList): DomainRuleSet {
  const set = new DomainSet();
  for (const e of entries) {
    const why = set.addWildcard(e.value);
    if (why) bad(warn, source, e, 'a domain or Clash wildcard (example.com, +.example.com, .example.com, *.example.com)', why);
  }
  return new DomainRuleSet(set);
}

export function buildIpSet(entries: readonly Entry[], source: string, warn: WarningList): IpRuleSet {
  const set = new IpSet();
  let n = 0;
  for (const e of entries) {
    const p = parsePrefix(e.value);
    if (!p) {
      const bare = !e.value.includes('/');
      bad(warn, source, e, 'an address with a prefix length, e.g. 192.0.2.0/24', bare ? 'a prefix length is required' : undefined);
      continue;
    }
    set.add(p);
    n++;
  }
  return new IpRuleSet(set.build(), n);
}

/** GeoSite / ASN data for GEOSITE and IP-ASN entries (the same data as the top-level rules); absent: those entries are inactive. */
export interface ClassicalData {
  readonly geosite?: GeoSiteSource | null;
  readonly geositeHint?: string;
  readonly asn?: AsnReader | null;
  readonly asnHint?: string;
}

/** A lower-case ASCII name, labels non-empty, no trailing dot: normalizeHost() leaves it as it is. */
const PLAIN_NAME = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/;

export function buildClassicalSet(entries: readonly Entry[], source: string, warn: WarningList, geoip: GeoIpReader | null, data: ClassicalData = {}): ClassicalRuleSet {
  const domains = new DomainSet();
  const keywords = new KeywordSet();
  const dstIps = new IpSet();
  const srcIps = new IpSet();
  const others: Cond[] = [];
  let size = 0;
  let needsIp = false;
  let needsProcess = false;
  const warnings: SyError[] = [];
  const env: CompileEnv = { geoip, providers: null, context: 'classical', warnings, ...data };
  for (const e of entries) {
    // Fast path for the lines that make up most real lists: exactly
    // `DOMAIN-SUFFIX,name` / `DOMAIN,name` with a name that is already
    // normal (what the general path below would accept unchanged).
    const v = e.value;
    const comma = v.indexOf(',');
    if (comma === 6 || comma === 13) {
      const name = v.slice(comma + 1);
      if (PLAIN_NAME.test(name)) {
        if (comma === 13 && v.startsWith('DOMAIN-SUFFIX')) {
          domains.addSuffix(name);
          size++;
          continue;
        }
        if (comma === 6 && v.startsWith('DOMAIN')) {
          domains.addExact(name);
          size++;
          continue;
        }
      }
    }
    const where = `${source}:${e.line}`;
    let cond: Cond;
    let noResolve: boolean;
    try {
      const split = splitRuleLine(e.value, { withTarget: false, where });
      if (split.type === 'MATCH' || split.type === 'RULE-SET' || split.type === 'SUB-RULE') {
        bad(warn, source, e, 'any rule type except MATCH, RULE-SET and SUB-RULE');
        continue;
      }
      const c = compileCond(split, where, env);
      cond = c.cond;
      noResolve = c.params.noResolve;
    } catch (err) {
      bad(warn, source, e, 'TYPE,payload[,no-resolve|src]', err instanceof Error ? err.message : String(err));
      continue;
    }
    size++;
    if (cond.needsIp && !noResolve) needsIp = true;
    if (cond.needsProcess) needsProcess = true;
    if (cond instanceof DomainCond) domains.addExact(cond.name);
    else if (cond instanceof DomainSuffixCond) domains.addSuffix(cond.suffix);
    else if (cond instanceof DomainKeywordCond) keywords.add(cond.keyword);
    else if (cond instanceof IpCidrCond) (cond.onSource ? srcIps : dstIps).add(cond.prefix);
    else others.push(cond);
  }
  for (const w of warnings) warn.push(w);
  return new ClassicalRuleSet({
    domains, keywords: keywords.build(), dstIps: dstIps.build(), srcIps: srcIps.build(), others, size, needsIp, needsProcess,
  });
}
