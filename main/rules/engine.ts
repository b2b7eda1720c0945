// The compiled rule engine (RuleEngine of core/rule.ts): first match wins, no
// match → DIRECT. Lazy resolution and process lookup follow mihomo
// (reference.md §2.2): matchFrom() yields {need:'ip'} at the first rule that
// may resolve when the connection has a host but no IP and was not resolved
// yet, and {need:'process'} per find-process-mode; the caller fills the
// metadata, marks the state and resumes at `at`. decide() does that loop and
// stays synchronous when nothing had to be looked up.
//
// Lifecycle: compiled once per config load; immutable except for per-rule
// disable flags and hit counters. Rule sets are read through their provider's
// current() at match time, so provider updates need no recompile.
import type { Config } from '../config/types.js';
import type { Logger } from '../core/logger.js';
import type { Metadata } from '../core/metadata.js';
import type { RuleSetProvider } from '../core/provider.js';
import type {
  Decision, MatchState, MatchStep, ProcessLookup, Resolver, RuleEngine, RuleInfo, TargetCheck,
} from '../core/rule.js';
import { SyError, SyErrorList } from '../core/errors.js';
import { splitRuleLine } from '../config/rule-line.js';
import { isHostIndexed, type Cond, type HostIndexed } from './cond.js';
import { HostIndex } from './sets/host-index.js';
import { MatchCtx, ctxOf } from './ctx.js';
import { compileCond, type CompileEnv } from './compile.js';
import type { GeoIpReader } from './matchers/geoip.js';
import type { RuleParams } from './matchers/params.js';
import { buildSegments, type Segment } from './segments.js';
import { SubRuleCond } from './matchers/sub-rule.js';
import { SubRuleTable } from './sub-rules.js';
import { openAsnIn, type AsnReader } from './asn.js';
import { asnHint } from '../geodata/asn-file.js';
import type { GeoSiteSource } from './matchers/geosite.js';
import { geoSiteHint, needsGeoSite, openGeoSite } from '../geodata/files.js';

export interface EngineDeps {
  readonly geoip: GeoIpReader;
  readonly providers: ReadonlyMap<string, RuleSetProvider>;
  readonly targets: TargetCheck;
  readonly logger: Logger;
  /**
   * ASN data for IP-ASN / SRC-IP-ASN. Absent: ASN.mmdb (or GeoLite2-ASN.mmdb)
   * in the config's home is read when a rule needs it; null or no file: those
   * rules are inactive, with a warning each.
   */
  readonly asn?: AsnReader | null;
  /**
   * GeoSite data for GEOSITE. Absent: GeoSite.dat beside the config file or in
   * the config home is read when a rule needs it; null or no file: GEOSITE
   * rules are inactive, with a located warning each.
   */
  readonly geosite?: GeoSiteSource | null;
  /** false: match host names rule by rule, without the HostIndex (tests compare both). Default true. */
  readonly hostIndex?: boolean;
}

const NONE = 0x7fffffff;
/** Warnings that mean "this rule never matches" (RuleInfo.inactive). */
const INACTIVE_CODES: ReadonlySet<string> = new Set(['SY_ERR_RULE_ASN_MISSING', 'SY_ERR_RULE_GEOSITE_MISSING', 'SY_ERR_RULE_NOT_YET']);
const NO_MATCH: Decision = Object.freeze({ target: 'DIRECT', rule: null });
const NO_MATCH_STEP: MatchStep = Object.freeze({ done: true, decision: NO_MATCH });

/** The engine; `warnings` lists rules loaded as inactive (GEOSITE) and similar. */
export class CompiledEngine implements RuleEngine {
  readonly rules: readonly RuleInfo[];
  private readonly n: number;
  private readonly disabled: Uint8Array;
  private readonly hits: Float64Array;
  private readonly hitAt: Float64Array;
  /** Decisions that ended at index j (n = no match): a decision passed every rule before its end. */
  private readonly ends: Float64Array;
  private readonly endAt: Float64Array;
  private readonly steps: MatchStep[];
  /** A context for the next decision (matching allocates nothing per connection). */
  private spare: MatchCtx | null = null;
  /** Pre-built yields per rule index (matchFrom allocates nothing on its hot path). */
  private readonly needIp: MatchStep[];
  private readonly needProcess: MatchStep[];
  /** The segment containing each rule index (undefined for RULE-SET rules and short runs). */
  private readonly segOf: (Segment | undefined)[];
  /** Host-name entries of every HostIndexed rule (null: none); tokens[i] = the data it was built from. */
  private hostIx: HostIndex | null = null;
  private readonly tokens: unknown[];
  private readonly indexed: Uint8Array;
  /** A provider's data changed since hostIx was built: rebuild (rate-limited). */
  private stale = false;
  private builtAt = 0;
  private readonly testFn = (c: MatchCtx, i: number, cond: Cond): boolean => this.test(c, i, cond);

  constructor(
    infos: RuleInfo[],
    private readonly conds: readonly Cond[],
    private readonly params: readonly RuleParams[],
    segments: readonly (Segment | undefined)[],
    private readonly targets: TargetCheck,
    private readonly processMode: 'strict' | 'always' | 'off',
    readonly warnings: readonly SyError[],
    useHostIndex = true,
  ) {
    this.rules = infos;
    this.n = infos.length;
    this.segOf = new Array(this.n).fill(undefined);
    for (const seg of segments) if (seg) for (let j = seg.start; j < seg.end; j++) this.segOf[j] = seg;
    this.disabled = new Uint8Array(this.n);
    this.hits = new Float64Array(this.n);
    this.hitAt = new Float64Array(this.n);
    this.ends = new Float64Array(this.n + 1);
    this.endAt = new Float64Array(this.n + 1);
    this.needIp = infos.map((_, at) => Object.freeze({ done: false as const, need: 'ip' as const, at }));
    this.needProcess = infos.map((_, at) => Object.freeze({ done: false as const, need: 'process' as const, at }));
    this.steps = infos.map((r) => Object.freeze({ done: true as const, decision: Object.freeze({ target: r.target, rule: r }) }));
    this.tokens = new Array(this.n).fill(undefined);
    this.indexed = new Uint8Array(this.n);
    if (useHostIndex) this.refreshHostIndex();
  }

  /**
   * (Re)builds the HostIndex from every HostIndexed rule's current data. The
   * engine does this itself (at most every 5 s) after it notices a provider
   * update; an owner that knows of one may call it at once.
   */
  refreshHostIndex(): void {
    let expected = 0;
    for (let i = 0; i < this.n; i++) {
      const c = this.conds[i]!;
      if (isHostIndexed(c)) {
        this.indexed[i] = 1;
        expected += Math.max(1, c.size);
      }
    }
    const ix = new HostIndex(expected);
    for (let i = 0; i < this.n; i++) if (this.indexed[i] === 1) this.tokens[i] = (this.conds[i] as HostIndexed).indexHost(ix, i);
    this.hostIx = ix.size > 0 || ix.keywordCount > 0 ? ix.seal() : null;
    this.stale = false;
    this.builtAt = Date.now();
  }

  /** The HostIndex answer for the context's host (cached in the context); -1 when there is none. */
  private hostFirst(c: MatchCtx): number {
    const ix = this.hostIx;
    if (ix === null || c.host === '') return -1;
    if (c.hostIxOf !== ix) {
      c.hostIxOf = ix;
      c.hostFirst = ix.first(c);
    }
    return c.hostFirst;
  }

  /** Does rule i's condition match? Uses the HostIndex answer where it is current. */
  private test(c: MatchCtx, i: number, cond: Cond): boolean {
    if (this.indexed[i] === 1 && c.host !== '') {
      const hc = cond as HostIndexed;
      if (hc.hostToken() !== this.tokens[i]) {
        this.stale = true;
        return cond.match(c, false);
      }
      const f = this.hostFirst(c);
      if (f === i) return true;
      if (f > i || this.hostIx === null) return hc.matchRest(c, false);
    }
    return cond.match(c, false);
  }

  matchFrom(meta: Metadata, state: MatchState, from: number): MatchStep {
    // The context lives in state.scratch only while a decision is suspended
    // (a lookup pending); a decision made in one run writes nothing into the
    // caller's state, so its objects keep their shape.
    let c = state.scratch as MatchCtx | undefined;
    const held = c instanceof MatchCtx;
    if (!held) {
      c = this.spare ?? new MatchCtx();
      this.spare = null;
      c.reset();
    }
    c!.refresh(meta, state);
    const step = this.run(c!, meta, state, from);
    if (this.stale && Date.now() - this.builtAt > 5000) this.refreshHostIndex();
    if (step.done) {
      // The decision is final: keep the context for the next connection.
      if (held) state.scratch = undefined;
      this.spare = c!;
    } else if (!held) state.scratch = c;
    return step;
  }

  private run(c: MatchCtx, meta: Metadata, state: MatchState, from: number): MatchStep {
    const { conds, params, segOf, disabled, n } = this;
    const mode = this.processMode;
    let i = from < 0 ? 0 : from;
    let linearEnd = 0; // rules before this index are evaluated one by one
    while (i < n) {
      if (disabled[i] === 1) {
        i++;
        continue;
      }
      let k = i;
      const seg = i >= linearEnd ? segOf[i] : undefined;
      if (seg !== undefined) {
        if (!state.processLooked && mode === 'always') return this.needProcess[i]!;
        if (c.pendSeg === seg && c.pendAt === i && state.processLooked) {
          // Resumed after a process lookup: only process rules can have changed.
          const best = seg.firstProcess(c, i, c.pendK < 0 ? NONE : c.pendK);
          k = best === NONE ? -1 : best;
        } else k = seg.first(c, this.hostFirst(c), this.testFn);
        c.pendSeg = null;
        if (k >= 0 && k < i) {
          // A rule before `i` matches only now (e.g. after resolution): mihomo
          // evaluated it earlier, so it must not count. Go rule by rule.
          linearEnd = seg.end;
          continue;
        }
        const p = !state.resolved && meta.dstIP === '' && c.host !== '' ? this.nextEnabled(seg.resolving, i) : -1;
        const q = !state.processLooked && mode === 'strict' ? this.nextEnabled(seg.process, i) : -1;
        const trig = p < 0 ? q : q < 0 ? p : Math.min(p, q);
        if (trig >= 0 && (k < 0 || k >= trig)) {
          if (trig === p) return this.needIp[trig]!;
          c.pendSeg = seg;
          c.pendAt = trig;
          c.pendK = k;
          return this.needProcess[trig]!;
        }
        if (k < 0) {
          i = seg.end;
          continue;
        }
        if (disabled[k] === 1) {
          i = k + 1;
          continue;
        }
      } else {
        const cond = conds[i]!;
        if (!state.processLooked && mode !== 'off' && (mode === 'always' || cond.needsProcess)) {
          return this.needProcess[i]!;
        }
        if (!state.resolved && meta.dstIP === '' && c.host !== '' && !params[i]!.noResolve && cond.needsIp) {
          return this.needIp[i]!;
        }
        if (!this.test(c, i, cond)) {
          i++;
          continue;
        }
      }
      this.hits[k]!++;
      const now = state.now ?? Date.now();
      this.hitAt[k] = now;
      const sub = conds[k] instanceof SubRuleCond;
      // A SUB-RULE's target is the one its sub-list matched (re-run: an
      // indexed segment may have tested other rules since).
      if (sub) conds[k]!.match(c, false);
      const target = sub ? c.subTarget : this.rules[k]!.target;
      const st = this.targets.status(target, meta.network);
      if (st === 'ok') {
        this.ends[k]!++;
        this.endAt[k] = now;
        return sub ? { done: true, decision: Object.freeze({ target, rule: this.rules[k]! }) } : this.steps[k]!;
      }
      i = k + 1; // PASS, a missing target, or UDP to a TCP-only proxy: next rule
    }
    this.ends[n]!++;
    this.endAt[n] = state.now ?? Date.now();
    return NO_MATCH_STEP;
  }

  /** First index >= from in an ascending list whose rule is enabled; -1 if none. */
  private nextEnabled(list: readonly number[], from: number): number {
    for (const x of list) if (x >= from && this.disabled[x] !== 1) return x;
    return -1;
  }

  decide(meta: Metadata, deps: { resolver: Resolver; process?: ProcessLookup }): Decision | Promise<Decision> {
    const state: MatchState = { resolved: false, processLooked: false };
    const step = this.matchFrom(meta, state, 0);
    if (step.done) return step.decision;
    return this.resume(meta, state, step, deps);
  }

  private async resume(
    meta: Metadata,
    state: MatchState,
    first: MatchStep,
    deps: { resolver: Resolver; process?: ProcessLookup },
  ): Promise<Decision> {
    let step = first;
    for (let guard = 0; !step.done && guard < 4; guard++) {
      if (step.need === 'ip') {
        const host = ctxOf(meta, state).host;
        let ips: string[] = [];
        try {
          ips = await deps.resolver.resolve(host);
        } catch {
          ips = []; // a failed resolution counts as "no IP"
        }
        state.resolved = true;
        const ip = ips.find((x) => !x.includes(':')) ?? ips[0];
        if (ip) meta.dstIP = ip;
      } else {
        if (deps.process) {
          try {
            await deps.process.lookup(meta);
          } catch {
            /* unknown process: process rules simply do not match */
          }
        }
        state.processLooked = true;
      }
      step = this.matchFrom(meta, state, step.at);
    }
    return step.done ? step.decision : NO_MATCH;
  }

  setDisabled(index: number, disabled: boolean): void {
    if (index >= 0 && index < this.n) this.disabled[index] = disabled ? 1 : 0;
  }

  stats(index: number): { disabled: boolean; hitCount: number; hitAt: number; missCount: number; missAt: number } {
    if (index < 0 || index >= this.n) return { disabled: false, hitCount: 0, hitAt: 0, missCount: 0, missAt: 0 };
    let reached = 0;
    let missAt = 0;
    for (let j = index; j <= this.n; j++) {
      reached += this.ends[j]!;
      if (j > index && this.endAt[j]! > missAt) missAt = this.endAt[j]!;
    }
    const hitCount = this.hits[index]!;
    return { disabled: this.disabled[index] === 1, hitCount, hitAt: this.hitAt[index]!, missCount: Math.max(0, reached - hitCount), missAt };
  }
}

/**
 * Compiles the config's rules. Throws SyErrorList (SY_ERR_RULE_COMPILE) with
 * every rule error, each located by the rule's `where`.
 */
export function compileRules(config: Config, deps: EngineDeps): CompiledEngine {
  const errors: SyError[] = [];
  const warnings: SyError[] = [];
  const env0: CompileEnv = { geoip: deps.geoip, providers: deps.providers, context: 'rules', warnings };
  let asn = deps.asn;
  if (asn === undefined && needsAsn(config)) {
    try {
      asn = openAsnIn(config.home);
    } catch (e) {
      errors.push(e instanceof SyError ? e : new SyError('SY_ERR_RULE_ASN_DB', { where: config.home, cause: e }));
      asn = null;
    }
  }
  let geosite = deps.geosite;
  if (geosite === undefined && needsGeoSite(config)) {
    try {
      geosite = openGeoSite(config.file, config.home);
    } catch (e) {
      errors.push(e instanceof SyError ? e : new SyError('SY_ERR_RULE_GEOSITE_DATA', { where: config.home, cause: e }));
      geosite = null;
    }
  }
  const subRules = new SubRuleTable(config.subRules ?? {}, compileCond);
  const env: CompileEnv = {
    ...env0, asn: asn ?? null, asnHint: asnHint(config.home, config.file), subRules,
    geosite: geosite ?? null, geositeHint: geoSiteHint(config.file, config.home),
  };
  const infos: RuleInfo[] = [];
  const conds: Cond[] = [];
  const params: RuleParams[] = [];
  config.rules.forEach((line, index) => {
    try {
      const split = splitRuleLine(line.raw, { where: line.where });
      const w0 = warnings.length;
      const c = compileCond({ ...split, target: split.target }, line.where, env);
      const cond = c.cond;
      const inactive = warnings.slice(w0).find((w) => INACTIVE_CODES.has(w.code));
      infos.push({
        index: infos.length,
        type: split.type,
        apiType: c.apiType,
        payload: split.type === 'MATCH' ? '' : split.payload.trim(),
        target: split.target,
        params: Object.freeze([...split.params]),
        get size() {
          return cond.size;
        },
        where: line.where,
        ...(inactive ? { inactive: inactive.message } : {}),
      });
      conds.push(cond);
      params.push(c.params);
    } catch (e) {
      errors.push(e instanceof SyError ? e : new SyError('SY_ERR_RULE_SYNTAX', { where: line.where, value: line.raw, cause: e }));
      void index;
    }
  });
  errors.push(...subRules.errors);
  if (errors.length > 0) throw new SyErrorList('SY_ERR_RULE_COMPILE', errors);
  for (const w of warnings) deps.logger.warn(w.message, { code: w.code });
  return new CompiledEngine(infos, conds, params, buildSegments(conds, params), deps.targets, config.findProcessMode, warnings, deps.hostIndex !== false);
}

/** Does any rule (or sub-rule) use ASN data? (Only then is ASN.mmdb read.) */
function needsAsn(config: Config): boolean {
  const has = (raw: string) => /(^|[,(\s])(SRC-)?IP-ASN\s*,/i.test(raw);
  if (config.rules.some((r) => has(r.raw))) return true;
  return Object.values(config.subRules ?? {}).some((list) => list.some((r) => has(r.raw)));
}
