// PROCESS-PATH (full executable path, case-insensitive equality, as mihomo's
// strings.EqualFold), and the -REGEX (IgnoreCase, unanchored) and -WILDCARD
// (glob) forms of PROCESS-NAME and PROCESS-PATH. Only local traffic has a
// process; an unknown process never matches.
import type { Cond } from '../cond.js';
import type { MatchCtx } from '../ctx.js';
import { compileRegex } from './domain-regex.js';
import { globRegex } from './domain-wildcard.js';
import { fail } from './params.js';

export type ProcessField = 'name' | 'path';

function field(c: MatchCtx, f: ProcessField): string {
  const m = c.meta;
  return (f === 'name' ? m.process : m.processPath) ?? '';
}

export class ProcessPathCond implements Cond {
  readonly needsIp = false;
  readonly needsProcess = true;
  readonly size = -1;
  constructor(readonly path: string) {}
  match(c: MatchCtx): boolean {
    const p = c.meta.processPath;
    return p !== undefined && p !== '' && (p === this.path || p.toLowerCase() === this.path);
  }
}

/** A regular expression or a glob on the process name or path. */
export class ProcessPatternCond implements Cond {
  readonly needsIp = false;
  readonly needsProcess = true;
  readonly size = -1;
  constructor(readonly field: ProcessField, private readonly re: RegExp) {}
  match(c: MatchCtx): boolean {
    const v = field(c, this.field);
    return v !== '' && this.re.test(v);
  }
}

export function compileProcessPath(payload: string, where: string): Cond {
  const p = payload.trim();
  if (!p.startsWith('/')) fail('SY_ERR_RULE_BAD_PROCESS', where, payload, 'an absolute executable path, e.g. /usr/bin/curl');
  return new ProcessPathCond(p.toLowerCase());
}

export function compileProcessRegex(f: ProcessField, payload: string, where: string): Cond {
  return new ProcessPatternCond(f, compileRegex(payload.trim(), where));
}

export function compileProcessWildcard(f: ProcessField, payload: string, where: string): Cond {
  const re = globRegex(payload.trim(), /^[^\0]+$/);
  if (!re) fail('SY_ERR_RULE_BAD_WILDCARD', where, payload, 'a process name or path glob with * and ?');
  return new ProcessPatternCond(f, re);
}
