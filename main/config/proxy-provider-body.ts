// The content of a proxy provider (a subscription): a Clash YAML document
// with a `proxies:` list, read by the same proxy parser as the config's
// `proxies:` (so unsupported types load as unavailable members with one
// warning each). Then the provider's own filters and `override` apply, in
// mihomo's order: filter, exclude-filter, exclude-type, then override.
import { SyError, SyErrorList } from '../core/errors.js';
import type { ProxyConfig, ProxyProviderConfig } from './types.js';
import { Diagnostics } from './diagnostics.js';
import { parseYamlTree } from './yaml-tree.js';
import { readProxies } from './proxies.js';
import { newRefs } from './refs.js';
import { compileFilter, parseTypeList } from './regex.js';

export interface ProviderBody {
  readonly proxies: readonly ProxyConfig[];
  /** Located warnings (unsupported types, ignored options). */
  readonly warnings: readonly SyError[];
}

export type BodyOptions = Pick<ProxyProviderConfig, 'override' | 'filter' | 'excludeFilter' | 'excludeType'>;

/**
 * Parse and filter a provider body. `file` names it in locations (the cache
 * path or the URL). Throws SyErrorList('SY_ERR_PROXY_PROVIDER_PARSE') carrying
 * every located error: a body with any broken proxy is refused as a whole
 * (mihomo does the same), so the last good list stays in use.
 */
export function parseProxyProviderBody(text: string, file: string, opts: BodyOptions): ProviderBody {
  const d = new Diagnostics(file);
  const fail = (detail: string): never => {
    throw new SyErrorList('SY_ERR_PROXY_PROVIDER_PARSE', d.errors, { where: file, detail });
  };
  const tree = parseYamlTree(text, d);
  if (!tree || d.errors.length > 0) fail('not YAML');
  if (tree!.kind !== 'map') {
    d.error('SY_ERR_PROXY_PROVIDER_PARSE', tree!.pos, '', { expected: 'a mapping with a proxies: list' });
    fail('not a mapping');
  }
  const entry = tree!.kind === 'map' ? tree!.entries.find((e) => e.key === 'proxies') : undefined;
  if (!entry) {
    d.error('SY_ERR_PROXY_PROVIDER_PARSE', tree!.pos, 'proxies', { expected: 'a proxies: list (Clash YAML; share links are not supported)' });
    fail('no proxies: list');
  }
  const cx = { d, home: '', draft: {}, ignored: [], refs: newRefs() };
  const parsed = readProxies(cx, entry!);
  const seen = new Map<string, number>();
  parsed.forEach((p, i) => {
    if (seen.has(p.name)) d.error('SY_ERR_CONFIG_DUPLICATE_NAME', entry!.value.pos, `proxies[${i}].name`, { value: p.name, expected: 'proxy names unique within the provider' });
    seen.set(p.name, i);
  });
  if (d.errors.length > 0) fail(`${d.errors.length} error(s) in the proxies list`);
  return { proxies: applyOverride(filterProxies(parsed, opts), opts.override), warnings: d.warnings };
}

/** The provider-level filters (names and types). */
export function filterProxies(list: readonly ProxyConfig[], opts: BodyOptions): ProxyConfig[] {
  const keep = compileFilter(opts.filter);
  const drop = compileFilter(opts.excludeFilter);
  const types = parseTypeList(opts.excludeType);
  return list.filter((p) => {
    if (keep.length > 0 && !keep.some((r) => r.test(p.name))) return false;
    if (drop.some((r) => r.test(p.name))) return false;
    return !types.has(p.type.toLowerCase());
  });
}

/** `override:` — udp, skip-cert-verify, additional-prefix/suffix and proxy-name renames. */
export function applyOverride(list: readonly ProxyConfig[], override: Readonly<Record<string, unknown>>): ProxyConfig[] {
  const renames = (Array.isArray(override['proxy-name']) ? override['proxy-name'] : []) as { pattern: string; target: string }[];
  const compiled = renames.map((r) => ({ re: globalRegex(r.pattern), target: r.target }));
  const prefix = typeof override['additional-prefix'] === 'string' ? override['additional-prefix'] : '';
  const suffix = typeof override['additional-suffix'] === 'string' ? override['additional-suffix'] : '';
  return list.map((p) => {
    let name = p.name;
    for (const r of compiled) name = name.replace(r.re, r.target);
    name = `${prefix}${name}${suffix}`;
    return {
      ...p,
      name,
      udp: typeof override.udp === 'boolean' ? override.udp : p.udp,
      skipCertVerify: typeof override['skip-cert-verify'] === 'boolean' ? override['skip-cert-verify'] : p.skipCertVerify,
    };
  });
}

function globalRegex(src: string): RegExp {
  try {
    return new RegExp(src, 'gu');
  } catch {
    return new RegExp(src, 'g');
  }
}
