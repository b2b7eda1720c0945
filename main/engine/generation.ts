// One "generation" of routing state built from a Config: outbounds, rule
// providers and the compiled rules. A reload builds a new generation next to
// the running one and swaps it in only when everything built; established
// connections keep the sockets they have.
import type { Config } from '../config/types.js';
import type { Logger } from '../core/logger.js';
import type { Resolver } from '../core/rule.js';
import { SyError, SyErrorList, isSyError } from '../core/errors.js';
import { buildOutbounds, type OutboundSet, type SocketFactory, type StateStore } from '../outbound/index.js';
import { DEFAULT_SIZE_LIMIT, loadRuleProviders, type RuleProvider } from '../providers/provider.js';
import { createRuleDownloader } from '../providers/http-fetch.js';
import { startRefresh, type RefreshHandle, type RefreshItem } from '../providers/refresh.js';
import { openGeoData } from '../geodata/open.js';
import { geoSiteHostMatcher } from '../rules/matchers/geosite.js';
import { compileRules, type CompiledEngine } from '../rules/engine.js';
import type { GeoIpReader } from '../rules/geoip.js';
import { loadProxyProviders, type ProxyProvider } from '../proxy-providers/index.js';

export interface Generation {
  readonly config: Config;
  readonly outbounds: OutboundSet;
  readonly providers: ReadonlyMap<string, RuleProvider>;
  readonly rules: CompiledEngine;
  /** `proxy-providers:`; started and closed with `outbounds` (its start()/close() include them). */
  readonly proxyProviders: ReadonlyMap<string, ProxyProvider>;
  /** DNS `geosite:` keys: host → in the category; null without GeoSite data (or an unknown category). */
  geositeMatcher(spec: string): ((host: string) => boolean) | null;
  /** Local geodata files found malformed (with `badGeoData: 'warn'`): treated as missing, to be downloaded again. */
  readonly geoBad?: { readonly geosite: boolean; readonly asn: boolean };
}

export interface GenerationDeps {
  sockets: SocketFactory;
  resolver: Resolver;
  /** Resolves the proxies' server names (dns.proxy-server-nameserver); absent = `resolver`. */
  serverResolver?: Resolver;
  state: StateStore;
  geoip: GeoIpReader;
  logger: Logger;
  /**
   * A malformed local GeoSite.dat / ASN.mmdb: 'fatal' (default; check, match)
   * fails the build, located; 'warn' (the running core, as mihomo) reports it
   * and loads the rules that need it inactive until a download replaces it.
   */
  badGeoData?: 'fatal' | 'warn';
}

/** Builds everything or throws SyErrorList with every error (nothing is left running). */
export async function buildGeneration(config: Config, deps: GenerationDeps): Promise<Generation> {
  let ppRef: { providers: ReadonlyMap<string, ProxyProvider> } | undefined;
  const resolver = serverAwareResolver(config, deps, () => ppRef?.providers);
  const base = buildOutbounds(config, { sockets: deps.sockets, resolver, state: deps.state, logger: deps.logger });
  // Proxy providers download through an outbound and feed group members; they
  // run and stop with the outbound set (refresh timers, health checks).
  const pp = (ppRef = await loadProxyProviders(config.proxyProviders ?? {}, base, { logger: deps.logger }));
  // http rule providers download through their `proxy:` outbound (DIRECT by
  // default) and refresh on a jittered schedule that runs with the generation.
  const download = createRuleDownloader({ outbound: (name) => base.get(name), defaultSizeLimit: DEFAULT_SIZE_LIMIT });
  let refresh: RefreshHandle | undefined;
  const outbounds: OutboundSet = {
    ...base,
    start() {
      base.start();
      for (const p of pp.providers.values()) p.start();
      refresh ??= startRefresh(refreshItems(config, providers), { logger: deps.logger });
    },
    close() {
      refresh?.stop();
      for (const p of pp.providers.values()) p.close();
      base.close();
    },
  };
  // GeoSite / ASN data, shared by GEOSITE / IP-ASN rules, the same lines in
  // classical rule sets, and DNS `geosite:` keys.
  const geo = openGeoData(config, (e) => deps.logger.warn(e.message, { code: e.code }));
  const geosite = geo.geosite;
  const data = { geosite, geositeHint: geo.geositeHint, asn: geo.asn, asnHint: geo.asnHint };
  const { providers, errors: ruleErrors } = await loadRuleProviders(config.ruleProviders, { logger: deps.logger, geoip: deps.geoip, download, data });
  const tolerate = deps.badGeoData === 'warn';
  for (const e of tolerate ? geo.errors : []) deps.logger.warn(`${e.message}; treated as missing until a good copy is downloaded`, { code: e.code });
  const errors = [...pp.errors, ...ruleErrors, ...(tolerate ? [] : geo.errors)];
  for (const p of providers.values()) for (const w of p.lastWarnings()) deps.logger.warn(w.message, { code: w.code });
  if (errors.length > 0) {
    outbounds.close();
    throw new SyErrorList('SY_ERR_ENGINE_START', errors, { where: config.file || '<config>' });
  }
  let rules: CompiledEngine;
  try {
    rules = compileRules(config, { geoip: deps.geoip, providers, targets: outbounds, logger: deps.logger, geosite, asn: geo.asn });
  } catch (e) {
    outbounds.close();
    if (e instanceof SyErrorList) throw e;
    throw new SyErrorList('SY_ERR_ENGINE_START', [isSyError(e) ? e : new SyError('SY_ERR_ENGINE_START', { cause: e })]);
  }
  for (const w of rules.warnings) deps.logger.warn(w.message, { code: w.code });
  const geositeMatchers = new Map<string, ((host: string) => boolean) | null>();
  const geositeMatcher = (spec: string) => {
    const key = spec.trim().toLowerCase();
    if (!geositeMatchers.has(key)) {
      let m: ((host: string) => boolean) | null = null;
      if (geosite) {
        try {
          m = geoSiteHostMatcher(geosite, spec, 'dns geosite:');
        } catch (e) {
          deps.logger.warn('dns: geosite category unavailable', { category: spec, error: e });
        }
      }
      geositeMatchers.set(key, m);
    }
    return geositeMatchers.get(key)!;
  };
  return { config, outbounds, providers, rules, proxyProviders: pp.providers, geositeMatcher, geoBad: geo.bad };
}

/** http providers: fetch at once when there is no local copy or it is older than `interval`. */
function refreshItems(config: Config, providers: ReadonlyMap<string, RuleProvider>): RefreshItem[] {
  const out: RefreshItem[] = [];
  const now = Date.now();
  for (const p of providers.values()) {
    const cfg = config.ruleProviders[p.name];
    if (!cfg || cfg.type !== 'http') continue;
    const due = p.localMtime === 0 ? 0 : cfg.interval > 0 ? Math.max(0, p.localMtime + cfg.interval * 1000 - now) : -1;
    if (due < 0) continue;
    out.push({ provider: p, interval: cfg.interval, firstDelayMs: due });
  }
  return out;
}

/**
 * The outbounds' resolver: the proxies' server names (config proxies and
 * proxy-provider proxies) go to `serverResolver`, everything else (DIRECT
 * destinations) to the main resolver. Without a separate serverResolver it
 * is the main resolver itself.
 */
function serverAwareResolver(config: Config, deps: GenerationDeps, providers: () => ReadonlyMap<string, ProxyProvider> | undefined): Resolver {
  const server = deps.serverResolver;
  if (!server || server === deps.resolver) return deps.resolver;
  const own = new Set(config.proxies.map((p) => p.server.toLowerCase()));
  // One Set per provider proxy list (a provider replaces its list on update).
  const sets = new WeakMap<readonly unknown[], Set<string>>();
  const isServer = (h: string): boolean => {
    if (own.has(h)) return true;
    for (const p of providers()?.values() ?? []) {
      const list = p.proxies();
      let set = sets.get(list);
      if (!set) sets.set(list, (set = new Set(list.map((c) => c.server.toLowerCase()))));
      if (set.has(h)) return true;
    }
    return false;
  };
  return { resolve: (host) => (isServer(host.toLowerCase()) ? server : deps.resolver).resolve(host) };
}
