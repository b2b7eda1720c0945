// The rule-type registry: one split rule (type, payload, params) → a compiled
// condition, or a located SyError. Used for the config's rules, the sub-rules
// of AND/OR/NOT and the entries of classical rule sets, so all three accept
// and reject exactly the same lines.
import { SyError } from '../core/errors.js';
import type { RuleSetProvider } from '../core/provider.js';
import { splitRuleLine } from '../config/rule-line.js';
import type { Cond } from './cond.js';
import { compileDomain } from './matchers/domain.js';
import { compileDomainSuffix } from './matchers/domain-suffix.js';
import { compileDomainKeyword } from './matchers/domain-keyword.js';
import { compileDomainRegex } from './matchers/domain-regex.js';
import { compileIpCidr } from './matchers/ip-cidr.js';
import { compileIpSuffix } from './matchers/ip-suffix.js';
import { compileGeoIp, type GeoIpReader } from './matchers/geoip.js';
import { compilePort } from './matchers/port.js';
import { compileNetwork } from './matchers/network.js';
import { compileProcessName } from './matchers/process-name.js';
import { compileUid } from './matchers/uid.js';
import { LogicCond, splitLogicPayload, type LogicOp } from './matchers/logic.js';
import { RuleSetCond } from './matchers/rule-set.js';
import { MATCH_ALL, NEVER } from './matchers/match-all.js';
import { fail, parseParams, type RuleParams } from './matchers/params.js';
import { compileDomainWildcard } from './matchers/domain-wildcard.js';
import { compileProcessPath, compileProcessRegex, compileProcessWildcard } from './matchers/process-path.js';
import { compileInbound } from './matchers/inbound.js';
import { compileDscp } from './matchers/dscp.js';
import { compileAsn, type AsnReader } from './matchers/asn.js';
import { SubRuleCond } from './matchers/sub-rule.js';
import { compileGeoSite, type GeoSiteSource } from './matchers/geosite.js';
import type { SubRuleTable } from './sub-rules.js';

/** mihomo's CamelCase API names (RuleType.String()). */
export const API_TYPES: Readonly<Record<string, string>> = {
  DOMAIN: 'Domain',
  'DOMAIN-SUFFIX': 'DomainSuffix',
  'DOMAIN-KEYWORD': 'DomainKeyword',
  'DOMAIN-REGEX': 'DomainRegex',
  'DOMAIN-WILDCARD': 'DomainWildcard',
  GEOSITE: 'GeoSite',
  GEOIP: 'GeoIP',
  'SRC-GEOIP': 'SrcGeoIP',
  'IP-ASN': 'IPASN',
  'SRC-IP-ASN': 'SrcIPASN',
  'IP-CIDR': 'IPCIDR',
  'IP-CIDR6': 'IPCIDR',
  'SRC-IP-CIDR': 'SrcIPCIDR',
  'IP-SUFFIX': 'IPSuffix',
  'SRC-IP-SUFFIX': 'SrcIPSuffix',
  'SRC-PORT': 'SrcPort',
  'DST-PORT': 'DstPort',
  'IN-PORT': 'InPort',
  NETWORK: 'Network',
  'PROCESS-NAME': 'ProcessName',
  'PROCESS-PATH': 'ProcessPath',
  'PROCESS-NAME-REGEX': 'ProcessNameRegex',
  'PROCESS-PATH-REGEX': 'ProcessPathRegex',
  'PROCESS-NAME-WILDCARD': 'ProcessNameWildcard',
  'PROCESS-PATH-WILDCARD': 'ProcessPathWildcard',
  'IN-TYPE': 'InType',
  'IN-NAME': 'InName',
  'IN-USER': 'InUser',
  DSCP: 'DSCP',
  UID: 'Uid',
  'SUB-RULE': 'SubRules',
  'RULE-SET': 'RuleSet',
  AND: 'AND',
  OR: 'OR',
  NOT: 'NOT',
  MATCH: 'Match',
};

/** mihomo types that come with a later issue: a located "not supported yet". */
export const LATER_TYPES: ReadonlySet<string> = new Set(['UID-RANGE']);

export type RuleContext = 'rules' | 'logic' | 'classical';

export interface CompileEnv {
  /** null: GEOIP country rules compile but never match (validation only). */
  readonly geoip: GeoIpReader | null;
  /** null: RULE-SET names are not checked (validation without providers). */
  readonly providers: ReadonlyMap<string, RuleSetProvider> | null;
  /** Names known to exist when `providers` is null (config validation). */
  readonly providerNames?: ReadonlySet<string>;
  readonly context: RuleContext;
  /** Warnings (GEOSITE inactive, UID 0) are appended here. */
  readonly warnings: SyError[];
  /**
   * ASN data for IP-ASN / SRC-IP-ASN; null or absent: those rules load as
   * inactive (a warning each, never match). `asnHint` says how to get it.
   */
  readonly asn?: AsnReader | null;
  readonly asnHint?: string;
  /** The config's `sub-rules:`; absent: SUB-RULE names are checked against `subRuleNames` only. */
  readonly subRules?: SubRuleTable;
  /** GeoSite data for GEOSITE; null or absent: those rules are inactive (a located warning each, `geositeHint` says how to get it). */
  readonly geosite?: GeoSiteSource | null;
  readonly geositeHint?: string;
  readonly subRuleNames?: ReadonlySet<string>;
}

export interface CompiledCond {
  readonly cond: Cond;
  readonly params: RuleParams;
  readonly apiType: string;
}

export interface RuleText {
  readonly type: string;
  readonly payload: string;
  readonly params: readonly string[];
  /** The rule's target (SUB-RULE: the sub-rules name); absent in logic/classical entries. */
  readonly target?: string;
}

/** Compiles one rule (without its target). Throws a located SyError. */
export function compileCond(rule: RuleText, where: string, env: CompileEnv): CompiledCond {
  const type = rule.type.toUpperCase();
  const apiType = API_TYPES[type];
  if (apiType === undefined) {
    if (type === 'GEOSITE' || LATER_TYPES.has(type)) {
      // handled below
    } else fail('SY_ERR_RULE_UNSUPPORTED', where, rule.type, `one of ${Object.keys(API_TYPES).join(', ')}`);
  }
  if (LATER_TYPES.has(type)) fail('SY_ERR_RULE_NOT_YET', where, rule.type);
  const params = parseParams(rule.params, where);
  if (type === 'MATCH' && env.context !== 'rules') {
    fail('SY_ERR_RULE_NOT_ALLOWED', where, type, env.context === 'logic' ? 'a sub-rule other than MATCH' : 'a rule type other than MATCH');
  }
  if (type !== 'MATCH' && rule.payload.trim() === '') fail('SY_ERR_RULE_EMPTY_PAYLOAD', where, `${rule.type},`);
  const cond = type === 'SUB-RULE' ? compileSubRule(rule.payload, rule.target ?? '', where, env) : build(type, rule.payload, params, where, env);
  return { cond, params, apiType: apiType ?? 'GeoSite' };
}

function build(type: string, payload: string, params: RuleParams, where: string, env: CompileEnv): Cond {
  switch (type) {
    case 'DOMAIN':
      return compileDomain(payload, where);
    case 'DOMAIN-SUFFIX':
      return compileDomainSuffix(payload, where);
    case 'DOMAIN-KEYWORD':
      return compileDomainKeyword(payload, where);
    case 'DOMAIN-REGEX':
      return compileDomainRegex(payload, where);
    case 'IP-CIDR':
    case 'IP-CIDR6':
      return compileIpCidr(payload, params.src, where);
    case 'SRC-IP-CIDR':
      return compileIpCidr(payload, true, where);
    case 'IP-SUFFIX':
      return compileIpSuffix(payload, params.src, where);
    case 'SRC-IP-SUFFIX':
      return compileIpSuffix(payload, true, where);
    case 'GEOIP':
      return compileGeoIp(payload, env.geoip, params.src, where);
    case 'DST-PORT':
      return compilePort('dst', payload, where);
    case 'SRC-PORT':
      return compilePort('src', payload, where);
    case 'IN-PORT':
      return compilePort('in', payload, where);
    case 'NETWORK':
      return compileNetwork(payload, where);
    case 'PROCESS-NAME':
      return compileProcessName(payload, where);
    case 'UID': {
      const { cond, namesRoot } = compileUid(payload, where);
      if (namesRoot) env.warnings.push(new SyError('SY_ERR_RULE_BAD_UID', { where, value: payload, detail: 'uid 0 (root) never matches' }));
      return cond;
    }
    case 'GEOSITE':
      return compileGeoSite(payload, where, env.geosite, env.warnings, env.geositeHint);
    case 'RULE-SET':
      return ruleSet(payload, params, where, env);
    case 'AND':
    case 'OR':
    case 'NOT':
      return logic(type, payload, where, env);
    case 'DOMAIN-WILDCARD':
      return compileDomainWildcard(payload, where);
    case 'SRC-GEOIP':
      return compileGeoIp(payload, env.geoip, true, where);
    case 'IP-ASN':
    case 'SRC-IP-ASN':
      return asn(type, payload, params, where, env);
    case 'PROCESS-PATH':
      return compileProcessPath(payload, where);
    case 'PROCESS-NAME-REGEX':
      return compileProcessRegex('name', payload, where);
    case 'PROCESS-PATH-REGEX':
      return compileProcessRegex('path', payload, where);
    case 'PROCESS-NAME-WILDCARD':
      return compileProcessWildcard('name', payload, where);
    case 'PROCESS-PATH-WILDCARD':
      return compileProcessWildcard('path', payload, where);
    case 'IN-TYPE':
      return compileInbound('type', payload, where);
    case 'IN-NAME':
      return compileInbound('name', payload, where);
    case 'IN-USER':
      return compileInbound('user', payload, where);
    case 'DSCP':
      return compileDscp(payload, where);
    case 'MATCH':
      return MATCH_ALL;
    default:
      return fail('SY_ERR_RULE_UNSUPPORTED', where, type);
  }
}

function asn(type: string, payload: string, params: RuleParams, where: string, env: CompileEnv): Cond {
  const reader = env.asn ?? null;
  const cond = compileAsn(payload, reader, type === 'SRC-IP-ASN' || params.src, where);
  if (reader === null) {
    env.warnings.push(new SyError('SY_ERR_RULE_ASN_MISSING', {
      where, value: `${type},${payload}`,
      detail: `loaded as inactive: it never matches until ASN data is present${env.asnHint ? ` (${env.asnHint})` : ''}`,
    }));
  }
  return cond;
}

/** SUB-RULE: the payload is one parenthesised condition; the target names a set of `sub-rules:`. */
export function compileSubRule(payload: string, name: string, where: string, env: CompileEnv): Cond {
  if (env.context !== 'rules') fail('SY_ERR_RULE_NOT_ALLOWED', where, 'SUB-RULE', 'SUB-RULE only in rules: or sub-rules:');
  let subs: string[];
  try {
    subs = splitLogicPayload('NOT', `(${payload.trim()})`, where);
  } catch (e) {
    return fail('SY_ERR_RULE_BAD_LOGIC', where, payload, 'SUB-RULE,(TYPE,payload),name — one parenthesised condition', e instanceof SyError ? e.context.detail : undefined);
  }
  const w = `${where} SUB-RULE`;
  const split = splitRuleLine(subs[0]!, { withTarget: false, where: w });
  if (split.type === 'MATCH' || split.type === 'SUB-RULE') fail('SY_ERR_RULE_NOT_ALLOWED', w, split.type, 'a condition other than MATCH or SUB-RULE');
  const c = compileCond(split, w, { ...env, context: 'logic' });
  const n = name.trim();
  if (env.subRules) return new SubRuleCond(n, c.cond, c.cond.needsIp && !c.params.noResolve, env.subRules.get(n, where, env));
  if (env.subRuleNames && !env.subRuleNames.has(n)) {
    fail('SY_ERR_RULE_UNKNOWN_SUBRULE', where, n, env.subRuleNames.size ? `one of ${[...env.subRuleNames].join(', ')}` : 'a name defined under sub-rules:');
  }
  return new SubRuleCond(n, c.cond, false, []);
}

function ruleSet(name: string, params: RuleParams, where: string, env: CompileEnv): Cond {
  if (env.context === 'classical') fail('SY_ERR_RULE_NOT_ALLOWED', where, 'RULE-SET', 'a rule type other than RULE-SET inside a rule set');
  const n = name.trim();
  if (env.providers) {
    const p = env.providers.get(n);
    if (!p) fail('SY_ERR_RULE_UNKNOWN_PROVIDER', where, n, `one of: ${[...env.providers.keys()].join(', ') || '(none defined)'}`);
    return new RuleSetCond(p, params.src);
  }
  if (env.providerNames && !env.providerNames.has(n)) {
    fail('SY_ERR_RULE_UNKNOWN_PROVIDER', where, n, `one of: ${[...env.providerNames].join(', ') || '(none defined)'}`);
  }
  return NEVER;
}

function logic(op: LogicOp, payload: string, where: string, env: CompileEnv): Cond {
  const subs = splitLogicPayload(op, payload, where);
  const subEnv: CompileEnv = { ...env, context: env.context === 'classical' ? 'classical' : 'logic' };
  const parts = subs.map((text, i) => {
    const w = `${where} ${op}[${i}]`;
    const split = splitRuleLine(text, { withTarget: false, where: w });
    if (split.type === 'MATCH' || split.type === 'SUB-RULE') {
      fail('SY_ERR_RULE_NOT_ALLOWED', w, split.type, 'a sub-rule other than MATCH or SUB-RULE');
    }
    const c = compileCond(split, w, subEnv);
    return { cond: c.cond, resolves: c.cond.needsIp && !c.params.noResolve };
  });
  return new LogicCond(op, parts);
}
