// A group's members as mihomo computes them (adapter/outboundgroup/parser.go,
// groupbase.go GetProxies): the listed `proxies` (plus every config proxy for
// `include-all-proxies`, those matching `filter` when one is set), then the
// proxies of each used provider (`use`, or every provider for
// `include-all-providers`) that match `filter`; `exclude-filter` and
// `exclude-type` then drop members from the whole list. Names are unique; the
// first occurrence wins. Pure: the outbound set calls it on every provider update.
import type { GroupConfig } from '../../config/types.js';
import { compileFilter, parseTypeList } from '../../config/regex.js';
import { apiTypeOf } from '../unsupported.js';

export interface MemberContext {
  /** Names of the config's `proxies:` entries, in order. */
  readonly configProxies: readonly string[];
  /** Proxy providers in config order: name -> current proxy names. */
  readonly providers: ReadonlyMap<string, readonly string[]>;
  /** mihomo's API type of a member ('Socks5', 'Shadowsocks', 'Selector', …); undefined if unknown. */
  typeOf(name: string): string | undefined;
}

/** True when the group takes members from providers (its list changes at run time). */
export function usesProviders(g: GroupConfig): boolean {
  return (g.use?.length ?? 0) > 0 || g.includeAllProviders === true || g.includeAllProxies === true;
}

/** True when the member list is not simply `proxies` (providers, or exclusions that also drop listed members). */
export function computedMembers(g: GroupConfig): boolean {
  return usesProviders(g) || !!g.excludeFilter || !!g.excludeType;
}

export function computeMembers(g: GroupConfig, cx: MemberContext): string[] {
  // NOTE: compiled per call; config/ already refused bad patterns, and this runs only on provider updates.
  const keep = compileFilter(g.filter ?? '');
  const drop = compileFilter(g.excludeFilter ?? '');
  const types = excludedTypes(g.excludeType ?? '');
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (n: string) => {
    if (seen.has(n)) return;
    seen.add(n);
    out.push(n);
  };
  g.proxies.forEach(add);
  if (g.includeAllProxies) {
    if (keep.length === 0) cx.configProxies.forEach(add);
    // mihomo: each filter regex in turn over all proxies
    else for (const r of keep) for (const n of cx.configProxies) if (r.test(n)) add(n);
  }
  const use = g.includeAllProviders ? [...cx.providers.keys()] : g.use ?? [];
  for (const pname of new Set(use)) {
    const names = cx.providers.get(pname) ?? [];
    if (keep.length === 0) names.forEach(add);
    else for (const r of keep) for (const n of names) if (r.test(n)) add(n);
  }
  return out.filter((n) => {
    if (drop.some((r) => r.test(n))) return false;
    if (types.size === 0) return true;
    const t = cx.typeOf(n);
    return t === undefined || !types.has(t.toLowerCase());
  });
}

/** `exclude-type` names API types (`Shadowsocks|Http`); config spellings (`ss`) are accepted too. */
function excludedTypes(spec: string): Set<string> {
  const out = new Set<string>();
  for (const t of parseTypeList(spec)) {
    out.add(t);
    const api = apiTypeOf(t);
    if (api !== 'Unknown') out.add(api.toLowerCase());
  }
  return out;
}
