// Per-type validation of one split rule line, for the config loader's
// `validateRule` hook: returns every error, located; [] when the rule is good.
// GEOSITE is accepted here (it loads as inactive with a warning at compile).
import { SyError } from '../core/errors.js';
import type { SplitRule } from '../config/rule-line.js';
import { compileCond } from './compile.js';

export interface ValidateOptions {
  /** Names of the defined rule providers; when given, RULE-SET names are checked. */
  readonly providers?: ReadonlySet<string> | ReadonlyMap<string, unknown> | readonly string[];
}

function names(p: ValidateOptions['providers']): ReadonlySet<string> | undefined {
  if (!p) return undefined;
  if (Array.isArray(p)) return new Set(p);
  if (p instanceof Map) return new Set(p.keys());
  return p as ReadonlySet<string>;
}

export function validateRuleLine(rule: SplitRule, where: string, opts: ValidateOptions = {}): SyError[] {
  try {
    compileCond(rule, where, {
      geoip: null,
      providers: null,
      providerNames: names(opts.providers),
      context: rule.target === '' && rule.type !== 'MATCH' ? 'classical' : 'rules',
      warnings: [],
    });
    return [];
  } catch (e) {
    return [e instanceof SyError ? e : new SyError('SY_ERR_RULE_SYNTAX', { where, value: `${rule.type},${rule.payload}`, cause: e })];
  }
}

/** The hook in the shape the config loader takes (`opts.validateRule`). */
export function ruleValidator(opts: ValidateOptions = {}): (rule: SplitRule, where: string, index: number) => SyError[] {
  return (rule, where) => validateRuleLine(rule, where, opts);
}
