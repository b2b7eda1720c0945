// Clash domain wildcard sets (reference §2.4), as used by `fake-ip-filter`
// and `hosts` keys:
//   example.com      exact name only
//   *.example.com    exactly one extra label; a lone `*` matches dot-less names;
//                    `*` may stand for any single label, also mid-name (xbox.*.microsoft.com)
//   +.example.com    example.com and any depth of subdomains
//   .example.com     any depth of subdomains, not example.com itself
// Matching is case-insensitive. Invalid entries (a `/`, a trailing `.`, empty
// labels, `geosite:`/`rule-set:` references we cannot resolve here) are
// skipped and reported as coded warnings, never fatal.
import { SyError } from '../core/errors.js';
import { normalizeHost } from '../core/address.js';

type Mode = 'exact' | 'plus' | 'dot';
interface Pattern {
  readonly mode: Mode;
  readonly labels: readonly string[]; // may contain '*'
}

export interface DomainSet<T = true> {
  /** The value of the first matching pattern (in list order among equally specific kinds), or undefined. */
  lookup(host: string): T | undefined;
  has(host: string): boolean;
  readonly size: number;
}

export interface CompileResult<T> {
  readonly set: DomainSet<T>;
  readonly warnings: readonly SyError[];
}

/** Parses one pattern; a SyError (not thrown) when invalid. */
export function parsePattern(raw: string, where: string): Pattern | SyError {
  const bad = (detail: string) => new SyError('SY_ERR_DNS_BAD_PATTERN', { where, value: raw, detail });
  let s = raw.trim().toLowerCase();
  if (!s) return bad('empty');
  if (/^(geosite|rule-set):/.test(s)) return bad('geosite:/rule-set: references are not supported here yet');
  if (s.includes('/')) return bad("contains '/'");
  if (s.endsWith('.')) return bad("ends with '.'");
  let mode: Mode = 'exact';
  if (s.startsWith('+.')) {
    mode = 'plus';
    s = s.slice(2);
  } else if (s.startsWith('.')) {
    mode = 'dot';
    s = s.slice(1);
  }
  const labels = s.split('.');
  for (const l of labels) {
    if (l === '') return bad('empty label');
    if (l !== '*' && (l.includes('*') || l.includes('+'))) return bad("'*' must be a whole label; '+.' only as a prefix");
  }
  const norm = labels.map((l) => (l === '*' ? l : normalizeHost(l)));
  if (norm.some((l) => !l)) return bad('not a valid domain name');
  return { mode, labels: norm };
}

/** Compiles patterns (with a value each) into a set. Exact and wildcard-free suffix patterns are hashed. */
export function compileDomainSet<T>(entries: readonly (readonly [string, T])[], where = 'fake-ip-filter'): CompileResult<T> {
  const warnings: SyError[] = [];
  const exact = new Map<string, T>();
  const plus = new Map<string, T>();
  const dot = new Map<string, T>();
  const wild: { p: Pattern; v: T }[] = [];
  entries.forEach(([raw, v], i) => {
    const p = parsePattern(raw, `${where}[${i}]`);
    if (p instanceof SyError) return void warnings.push(p);
    if (p.labels.includes('*')) return void wild.push({ p, v });
    const name = p.labels.join('.');
    const m = p.mode === 'exact' ? exact : p.mode === 'plus' ? plus : dot;
    if (!m.has(name)) m.set(name, v);
  });
  const lookup = (rawHost: string): T | undefined => {
    const host = normalizeHost(rawHost);
    if (!host) return undefined;
    const e = exact.get(host);
    if (e !== undefined) return e;
    const own = plus.get(host);
    if (own !== undefined) return own;
    for (let i = host.indexOf('.'); i >= 0; i = host.indexOf('.', i + 1)) {
      const suffix = host.slice(i + 1);
      const v = plus.get(suffix) ?? dot.get(suffix);
      if (v !== undefined) return v;
    }
    if (wild.length === 0) return undefined;
    const labels = host.split('.');
    for (const { p, v } of wild) if (matchLabels(p, labels)) return v;
    return undefined;
  };
  const size = exact.size + plus.size + dot.size + wild.length;
  return { set: { lookup, has: (h) => lookup(h) !== undefined, size }, warnings };
}

/** A plain filter set (fake-ip-filter). */
export function compileDomainFilter(patterns: readonly string[], where = 'fake-ip-filter'): CompileResult<true> {
  return compileDomainSet(patterns.map((p) => [p, true] as const), where);
}

function matchLabels(p: Pattern, host: readonly string[]): boolean {
  const n = p.labels.length;
  if (p.mode === 'exact' ? host.length !== n : p.mode === 'dot' ? host.length <= n : host.length < n) return false;
  const off = host.length - n;
  for (let i = 0; i < n; i++) {
    const pl = p.labels[i]!;
    if (pl !== '*' && pl !== host[off + i]) return false;
  }
  return true;
}
