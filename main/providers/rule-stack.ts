// Builds what `match` and `check` share: config (with the rule validator),
// GeoIP reader, loaded rule providers and the compiled engine. Collects every
// error instead of stopping at the first.
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import { SyError, SyErrorList, isSyError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { compileRules, type CompiledEngine } from '../rules/engine.js';
import { openGeoIp, type GeoIpReader } from '../rules/geoip.js';
import { configTargetCheck } from '../rules/targets.js';
import { ruleValidator } from '../rules/validate.js';
import { loadRuleProviders, type RuleProvider } from './provider.js';
import { offlineDownloader } from './http-fetch.js';
import { openGeoData } from '../geodata/open.js';

export interface RuleStack {
  config: Config | null;
  engine: CompiledEngine | null;
  providers: Map<string, RuleProvider>;
  errors: SyError[];
  warnings: SyError[];
}

function flatten(e: unknown, where: string): SyError[] {
  if (e instanceof SyErrorList) return [...e.errors];
  if (isSyError(e)) return [e];
  return [new SyError('SY_ERR_RULE_COMPILE', { where, cause: e })];
}

export async function buildRuleStack(file: string, logger: Logger): Promise<RuleStack> {
  const out: RuleStack = { config: null, engine: null, providers: new Map(), errors: [], warnings: [] };
  const loaded = await loadConfig(file, { validateRule: ruleValidator() });
  out.errors.push(...loaded.errors);
  out.warnings.push(...loaded.warnings);
  const config = loaded.config;
  if (!config) return out;
  out.config = config;
  let geoip: GeoIpReader;
  try {
    geoip = await openGeoIp(config.geoipDatabase || undefined);
  } catch (e) {
    out.errors.push(...flatten(e, config.file));
    return out;
  }
  // http providers without a local copy: a warning (run downloads them), never a download here.
  // GEOSITE / IP-ASN lines of classical sets use the same data as the rules.
  const geo = openGeoData(config, (e) => out.warnings.push(e));
  const data = { geosite: geo.geosite, geositeHint: geo.geositeHint, asn: geo.asn, asnHint: geo.asnHint };
  const { providers, errors } = await loadRuleProviders(config.ruleProviders, { logger, geoip, download: offlineDownloader, data });
  out.providers = providers;
  out.errors.push(...errors, ...geo.errors);
  for (const p of providers.values()) out.warnings.push(...p.lastWarnings());
  if (errors.length > 0) return out;
  try {
    const engine = compileRules(config, { geoip, providers, targets: configTargetCheck(config), logger, geosite: geo.geosite, asn: geo.asn });
    out.warnings.push(...engine.warnings);
    out.engine = engine;
  } catch (e) {
    out.errors.push(...flatten(e, config.file));
  }
  return out;
}
