// One "generation" of routing state built from a Config: outbounds, rule
// providers and the compiled rules. A reload builds a new generation next to
// the running one and swaps it in only when everything built; established
// connections keep the sockets they have.
import type { Config } from '../config/types.js';
import type { Logger } from '../core/logger.js';
import type { Resolver } from '../core/rule.js';
import { SyError, SyErrorList, isSyError } from '../core/errors.js';
import { buildOutbounds, type OutboundSet, type SocketFactory, type StateStore } from '../outbound/index.js';
import { loadRuleProviders, type RuleProvider } from '../providers/provider.js';
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
}

export interface GenerationDeps {
  sockets: SocketFactory;
  resolver: Resolver;
  state: StateStore;
  geoip: GeoIpReader;
  logger: Logger;
}

/** Builds everything or throws SyErrorList with every error (nothing is left running). */
export async function buildGeneration(config: Config, deps: GenerationDeps): Promise<Generation> {
  const base = buildOutbounds(config, { sockets: deps.sockets, resolver: deps.resolver, state: deps.state, logger: deps.logger });
  // Proxy providers download through an outbound and feed group members; they
  // run and stop with the outbound set (refresh timers, health checks).
  const pp = await loadProxyProviders(config.proxyProviders ?? {}, base, { logger: deps.logger });
  const outbounds: OutboundSet = {
    ...base,
    start() {
      base.start();
      for (const p of pp.providers.values()) p.start();
    },
    close() {
      for (const p of pp.providers.values()) p.close();
      base.close();
    },
  };
  const { providers, errors: ruleErrors } = await loadRuleProviders(config.ruleProviders, { logger: deps.logger, geoip: deps.geoip });
  const errors = [...pp.errors, ...ruleErrors];
  for (const p of providers.values()) for (const w of p.lastWarnings()) deps.logger.warn(w.message, { code: w.code });
  if (errors.length > 0) {
    outbounds.close();
    throw new SyErrorList('SY_ERR_ENGINE_START', errors, { where: config.file || '<config>' });
  }
  let rules: CompiledEngine;
  try {
    rules = compileRules(config, { geoip: deps.geoip, providers, targets: outbounds, logger: deps.logger });
  } catch (e) {
    outbounds.close();
    if (e instanceof SyErrorList) throw e;
    throw new SyErrorList('SY_ERR_ENGINE_START', [isSyError(e) ? e : new SyError('SY_ERR_ENGINE_START', { cause: e })]);
  }
  for (const w of rules.warnings) deps.logger.warn(w.message, { code: w.code });
  return { config, outbounds, providers, rules, proxyProviders: pp.providers };
}
