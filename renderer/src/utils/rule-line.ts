// Rule lines as the config writes them (`TYPE,payload,target[,no-resolve]`):
// built from the editor's fields and split back for editing. Pure.
import { parse } from 'yaml';

/** Rule types the editor offers (the engine accepts more; a raw line is kept as written). */
export const RULE_TYPES = [
  'DOMAIN', 'DOMAIN-SUFFIX', 'DOMAIN-KEYWORD', 'DOMAIN-REGEX', 'IP-CIDR', 'IP-CIDR6', 'SRC-IP-CIDR', 'GEOIP',
  'DST-PORT', 'SRC-PORT', 'NETWORK', 'PROCESS-NAME', 'RULE-SET', 'MATCH',
] as const;
/** Types where `no-resolve` means something. */
export const RESOLVING = new Set(['IP-CIDR', 'IP-CIDR6', 'GEOIP', 'RULE-SET']);

export interface RuleFields {
  type: string;
  payload: string;
  target: string;
  noResolve: boolean;
}

/** The config line for the fields (MATCH has no payload). */
export function buildRuleLine(f: RuleFields): string {
  const parts = f.type === 'MATCH' ? [f.type, f.target.trim()] : [f.type, f.payload.trim(), f.target.trim()];
  if (f.noResolve && RESOLVING.has(f.type)) parts.push('no-resolve');
  return parts.join(',');
}

/** Splits a config rule line into the editor's fields (extra options other than no-resolve are dropped). */
export function splitRuleLine(line: string): RuleFields {
  const parts = line.split(',').map((p) => p.trim());
  const type = (parts[0] ?? '').toUpperCase();
  if (type === 'MATCH') return { type, payload: '', target: parts[1] ?? '', noResolve: false };
  return { type, payload: parts[1] ?? '', target: parts[2] ?? '', noResolve: parts.slice(3).includes('no-resolve') };
}

/** The `rules:` lines of a config text ([] when absent or unparsable). */
export function ruleLinesOf(yamlText: string): string[] {
  try {
    const doc = parse(yamlText) as { rules?: unknown } | null;
    return Array.isArray(doc?.rules) ? doc.rules.map((r) => String(r)) : [];
  } catch {
    return [];
  }
}

/** `proxies:` entries of a config text by name (for editing a SOCKS5 upstream). */
export function proxiesOf(yamlText: string): Record<string, Record<string, unknown>> {
  try {
    const doc = parse(yamlText) as { proxies?: unknown } | null;
    const out: Record<string, Record<string, unknown>> = {};
    for (const p of Array.isArray(doc?.proxies) ? doc.proxies : []) if (p && typeof p === 'object' && 'name' in p) out[String((p as { name: unknown }).name)] = p as Record<string, unknown>;
    return out;
  } catch {
    return {};
  }
}

/**
 * Where each old rule index lands after a rule edit (-1 = deleted), so the
 * page can carry the rules' disabled flags over the reload the edit causes.
 */
export function remapIndex(old: number, op: { op: string; index?: number; from?: number; to?: number }, count: number): number {
  switch (op.op) {
    case 'rule.insert': {
      const at = op.index ?? count;
      return old >= at ? old + 1 : old;
    }
    case 'rule.delete':
      return old === op.index ? -1 : old > op.index! ? old - 1 : old;
    case 'rule.move': {
      const { from, to } = op as { from: number; to: number };
      if (old === from) return to;
      if (from < to && old > from && old <= to) return old - 1;
      if (from > to && old >= to && old < from) return old + 1;
      return old;
    }
    default:
      return old;
  }
}

/** How many rules a profile's override puts before and after the profile's own rules. */
export function overrideRuleCounts(overrideYaml: string): { prepend: number; append: number } {
  try {
    const doc = parse(overrideYaml) as Record<string, unknown> | null;
    const len = (k: string) => (Array.isArray(doc?.[k]) ? (doc[k] as unknown[]).length : 0);
    return { prepend: len('prepend-rules'), append: len('append-rules') };
  } catch {
    return { prepend: 0, append: 0 };
  }
}
