// GEOSITE,category[@attr|@!attr]: a GeoSite category compiled into the same
// indexes DOMAIN / DOMAIN-SUFFIX / DOMAIN-KEYWORD / DOMAIN-REGEX use (one
// DomainSet lookup per host suffix, one keyword pass, then the regexes), so a
// GEOSITE rule costs what the equivalent rule set costs. The data comes in
// through CompileEnv (main/geodata decodes GeoSite.dat); without data the
// rule loads as inactive with a located warning and never matches; a
// category the data lacks is a located error (as in mihomo).
import { SyError } from '../../core/errors.js';
import { newMetadata } from '../../core/metadata.js';
import type { Cond, HostIndexed, HostIndexSink } from '../cond.js';
import { ctxOf, type MatchCtx } from '../ctx.js';
import { cleanName, DomainSet } from '../sets/domain-set.js';
import { KeywordSet } from '../sets/keyword-set.js';
import { NEVER } from './match-all.js';

/** What GEOSITE needs from the data (geodata's GeoSiteDb provides it). */
export interface GeoSiteSource {
  /** The file it came from (messages). */
  readonly source: string;
  category(spec: string, where: string): { exact: readonly string[]; suffix: readonly string[]; keyword: readonly string[]; regex: readonly string[] };
  /** Compiled categories, shared by every rule that names the same spec. */
  readonly compiled: Map<string, unknown>;
}

const PLAIN = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/;

export class GeoSiteCond implements HostIndexed {
  readonly needsIp = false;
  readonly needsProcess = false;
  constructor(
    readonly spec: string,
    private readonly domains: DomainSet,
    private readonly keywords: KeywordSet,
    private readonly regexes: readonly RegExp[],
    readonly size: number,
  ) {}
  match(c: MatchCtx): boolean {
    const h = c.host;
    if (h === '') return false;
    if (this.domains.has(h, c.suffixOffsets(), c.suffixHashes())) return true;
    if (this.keywords.has(h)) return true;
    for (const re of this.regexes) if (re.test(h)) return true;
    return false;
  }
  indexHost(into: HostIndexSink, idx: number): unknown {
    this.domains.forEachName((name, hash, flags) => into.addName(name, hash, flags, idx));
    for (const w of this.keywords.words) into.addKeyword(w, idx);
    return this;
  }
  hostToken(): unknown {
    return this;
  }
  matchRest(c: MatchCtx): boolean {
    const h = c.host;
    if (h === '') return false;
    if (this.domains.hasRest(h)) return true;
    for (const re of this.regexes) if (re.test(h)) return true;
    return false;
  }
}

/** Compiles (or reuses) a category; throws SY_ERR_RULE_GEOSITE_CATEGORY at `where` when absent. */
export function geoSiteCond(spec: string, data: GeoSiteSource, where: string, warnings?: SyError[]): GeoSiteCond {
  const key = spec.trim().toLowerCase();
  const hit = data.compiled.get(key);
  if (hit instanceof GeoSiteCond) return hit;
  const e = data.category(spec.trim(), where);
  const domains = new DomainSet();
  const keywords = new KeywordSet();
  const regexes: RegExp[] = [];
  let bad = 0;
  // Most names are plain lower-case ASCII already: skip the IDNA normaliser for them.
  const clean = (n: string) => (PLAIN.test(n) ? n : cleanName(n));
  for (const n of e.exact) {
    const c = clean(n);
    if (c) domains.addExact(c);
    else bad++;
  }
  for (const n of e.suffix) {
    const c = clean(n);
    if (c) domains.addSuffix(c);
    else bad++;
  }
  for (const k of e.keyword) keywords.add(k);
  for (const r of e.regex) {
    try {
      regexes.push(new RegExp(r, 'i'));
    } catch {
      bad++;
    }
  }
  if (bad > 0 && warnings) warnings.push(new SyError('SY_ERR_RULE_GEOSITE_DATA', { where, value: spec, detail: `${bad} entries of the category are malformed and were skipped` }));
  const cond = new GeoSiteCond(key, domains, keywords.build(), regexes, e.exact.length + e.suffix.length + e.keyword.length + e.regex.length - bad);
  data.compiled.set(key, cond);
  return cond;
}

/**
 * GEOSITE in rules: with data, the compiled category; without, NEVER plus one
 * located warning saying how to get the data (`hint`).
 */
export function compileGeoSite(payload: string, where: string, data: GeoSiteSource | null | undefined, warnings: SyError[], hint?: string): Cond {
  if (!data) {
    warnings.push(new SyError('SY_ERR_RULE_GEOSITE_MISSING', { where, value: `GEOSITE,${payload}`, detail: `loaded as inactive, never matches${hint ? `: ${hint}` : ''}` }));
    return NEVER;
  }
  return geoSiteCond(payload, data, where, warnings);
}

/** For DNS (`geosite:` keys): host → whether the category holds it. */
export function geoSiteHostMatcher(data: GeoSiteSource, spec: string, where: string): (host: string) => boolean {
  const cond = geoSiteCond(spec, data, where);
  const state = { resolved: true, processLooked: true };
  return (host) => cond.match(ctxOf(newMetadata({ network: 'udp', type: 'DNS', host }), state));
}
