// `rules:` — each entry a string, split with the Clash grammar; targets and
// RULE-SET names are checked later in cross-check.ts, once every name is known.
import { SyError, isSyError } from '../core/errors.js';
import type { Diagnostics } from './diagnostics.js';
import { readSeq, shown } from './read.js';
import { splitRuleLine, type SplitRule } from './rule-line.js';
import type { RuleLine } from './types.js';
import type { LEntry, Pos } from './yaml-tree.js';

/** A rule line that split cleanly, kept for the cross-reference checks. */
export interface ParsedRule {
  readonly index: number;
  readonly split: SplitRule;
  readonly where: string;
  readonly pos: Pos;
  /** Key path when not `rules[index]` (rules of `sub-rules:`). */
  readonly path?: string;
}

export function readRules(d: Diagnostics, e: LEntry, base = 'rules'): { lines: RuleLine[]; parsed: ParsedRule[] } {
  const lines: RuleLine[] = [];
  const parsed: ParsedRule[] = [];
  const seq = readSeq(d, e.value, base, 'a list of rule lines such as "DOMAIN-SUFFIX,example.com,DIRECT"');
  if (!seq) return { lines, parsed };
  // In a flow list (`rules: [a, b]`) YAML splits unquoted rules at their commas.
  const flow = seq.items.some((it, i) => i > 0 && it.pos.line === seq.items[i - 1]!.pos.line);
  seq.items.forEach((item, i) => {
    const path = `${base}[${i}]`;
    const where = d.where(item.pos, path);
    if (item.kind !== 'scalar' || typeof item.value !== 'string') {
      d.error('SY_ERR_CONFIG_RULE_SYNTAX', item.pos, path, {
        value: shown(item),
        expected: 'a string such as "DOMAIN-SUFFIX,example.com,DIRECT" (quote lines that contain ": " or start with special characters)',
      });
      return;
    }
    try {
      const split = splitRuleLine(item.value, { where });
      lines.push({ raw: item.value, where });
      parsed.push({ index: i, split, where, pos: item.pos, ...(base === 'rules' ? {} : { path }) });
    } catch (err) {
      if (!isSyError(err)) throw err;
      const hint = 'in a flow list [a, b] every comma separates items: quote each rule ("DOMAIN,a.com,DIRECT") or use a block list';
      d.add(flow ? new SyError(err.code, { ...err.context, detail: `${err.context.detail ?? ''}; ${hint}` }) : err);
    }
  });
  return { lines, parsed };
}

/**
 * `sub-rules:` — a map of name → rule lines, each line as in `rules:`
 * (SUB-RULE may nest; the rule layer rejects cycles). Returns the lines per
 * name and the split rules for the cross-reference checks.
 */
export function readSubRules(d: Diagnostics, e: LEntry): { sets: Record<string, RuleLine[]>; parsed: ParsedRule[] } {
  const sets: Record<string, RuleLine[]> = {};
  const parsed: ParsedRule[] = [];
  if (e.value.kind !== 'map') {
    d.error('SY_ERR_CONFIG_RULE_SYNTAX', e.value.pos, 'sub-rules', {
      value: shown(e.value),
      expected: 'a map of name → list of rule lines, e.g. "sub-rules: {web: [\'DOMAIN,a.com,DIRECT\']}"',
    });
    return { sets, parsed };
  }
  for (const entry of e.value.entries) {
    const r = readRules(d, entry, `sub-rules.${entry.key}`);
    sets[entry.key] = r.lines;
    parsed.push(...r.parsed);
  }
  return { sets, parsed };
}
