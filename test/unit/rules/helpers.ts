// Test helpers: compile a YAML config's rules into an engine, with real
// components (config loader, rule validator, providers from inline payloads).
import { parseConfig } from '../../../main/config/load.js';
import type { Config } from '../../../main/config/types.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import { newMetadata, type Metadata } from '../../../main/core/metadata.js';
import type { Decision, Resolver, TargetCheck } from '../../../main/core/rule.js';
import { compileRules, type CompiledEngine } from '../../../main/rules/engine.js';
import { NO_GEOIP, type GeoIpReader } from '../../../main/rules/geoip.js';
import { configTargetCheck } from '../../../main/rules/targets.js';
import { ruleValidator } from '../../../main/rules/validate.js';
import { loadRuleProviders, type RuleProvider } from '../../../main/providers/provider.js';

export const PROXIES = `proxies:
  - {name: P, type: socks5, server: 198.51.100.1, port: 1080, udp: true}
  - {name: TCPONLY, type: socks5, server: 198.51.100.2, port: 1080, udp: false}
proxy-groups:
  - {name: G, type: select, proxies: [P, DIRECT]}
`;

export function configOf(yaml: string, file = '/tmp/sy-rules-test/config.yaml'): Config {
  const r = parseConfig(yaml, file, { validateRule: ruleValidator() });
  if (!r.config) throw new Error('config did not load:\n' + r.errors.map((e) => e.message).join('\n'));
  return r.config;
}

/** Rules (one per line) with the standard proxies; plus optional extra YAML (rule-providers: ...). */
export async function engineFor(
  rules: string[],
  opts: { extra?: string; geoip?: GeoIpReader; targets?: TargetCheck; findProcess?: string } = {},
): Promise<{ engine: CompiledEngine; config: Config; providers: Map<string, RuleProvider> }> {
  const yaml =
    PROXIES +
    (opts.findProcess ? `find-process-mode: ${opts.findProcess}\n` : '') +
    (opts.extra ?? '') +
    'rules:\n' +
    rules.map((r) => `  - ${JSON.stringify(r)}`).join('\n') +
    '\n';
  const config = configOf(yaml);
  const geoip = opts.geoip ?? NO_GEOIP;
  const { providers, errors } = await loadRuleProviders(config.ruleProviders, { logger: NULL_LOGGER, geoip });
  if (errors.length) throw errors[0];
  const engine = compileRules(config, { geoip, providers, targets: opts.targets ?? configTargetCheck(config), logger: NULL_LOGGER });
  return { engine, config, providers };
}

export function meta(init: Partial<Metadata> = {}): Metadata {
  return newMetadata({ network: 'tcp', type: 'TProxy', dstPort: 443, srcIP: '192.0.2.10', srcPort: 40000, ...init });
}

/** A resolver answering from a table and counting its queries. */
export function tableResolver(table: Record<string, string[]>): Resolver & { queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    async resolve(host: string) {
      queries.push(host);
      return table[host] ?? [];
    },
  };
}

/** `TYPE payload → target` of a decision, or `DIRECT (none)`. */
export function show(d: Decision): string {
  return d.rule ? `${d.rule.type} ${d.rule.payload} → ${d.target}` : `${d.target} (none)`;
}

export async function decide(engine: CompiledEngine, m: Metadata, resolver: Resolver = tableResolver({})): Promise<Decision> {
  return await engine.decide(m, { resolver });
}
