// Where GeoSite data lives and when a config needs it. mihomo's layout:
// `GeoSite.dat` in the home directory, which is the config file's directory;
// switchyard looks beside the config file first, then in the config home.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../config/types.js';
import { SyError } from '../core/errors.js';
import { decodeGeoSite, type GeoSiteDb } from './geosite.js';

export const GEOSITE_FILES = ['GeoSite.dat', 'geosite.dat'] as const;
/** mihomo's default `geox-url.geosite`. */
export const DEFAULT_GEOSITE_URL = 'https://github.com/MetaCubeX/meta-rules-dat/releases/download/latest/geosite.dat';
/** Far above real GeoSite.dat files (~10 MB). */
export const GEOSITE_SIZE_LIMIT = 64 * 1024 * 1024;

/** Directories searched, in order. */
export function geoSiteDirs(configFile: string, home: string): string[] {
  const dirs = configFile ? [dirname(configFile)] : [];
  if (home && !dirs.includes(home)) dirs.push(home);
  return dirs;
}

/** The first GeoSite file found; '' when none. */
export function findGeoSite(configFile: string, home: string): string {
  for (const d of geoSiteDirs(configFile, home)) {
    for (const f of GEOSITE_FILES) {
      const p = join(d, f);
      try {
        if (statSync(p).isFile()) return p;
      } catch {
        /* next */
      }
    }
  }
  return '';
}

/** Where `geo update` writes and what the inactive-rule warning suggests. */
export function geoSiteTarget(configFile: string, home: string): string {
  return findGeoSite(configFile, home) || join(geoSiteDirs(configFile, home)[0] ?? '.', GEOSITE_FILES[0]);
}

export function geoSiteHint(configFile: string, home: string): string {
  return `no ${GEOSITE_FILES[0]} beside the config or in ${home || 'the config home'}; the running core downloads it from geox-url.geosite in the background, or run \`switchyard geo update${configFile ? ` --config ${configFile}` : ''}\``;
}

/** Opens the GeoSite data; null when there is none; SY_ERR_RULE_GEOSITE_DATA when it is unreadable or malformed. */
export function openGeoSite(configFile: string, home: string): GeoSiteDb | null {
  const path = findGeoSite(configFile, home);
  if (!path) return null;
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (cause) {
    throw new SyError('SY_ERR_RULE_GEOSITE_DATA', { where: path, cause });
  }
  return decodeGeoSite(data, path);
}

/** Whether the rules (also inside AND/OR/NOT and sub-rules) or DNS (nameserver-policy, fake-ip-filter, fallback-filter.geosite) use GeoSite. */
export function needsGeoSite(config: Config): boolean {
  const re = /(^|[,(\s])GEOSITE\s*,/i;
  if (config.rules.some((l) => re.test(l.raw))) return true;
  for (const lines of Object.values(config.subRules ?? {})) if (lines.some((l) => re.test(l.raw))) return true;
  const dns = config.dns;
  return Object.keys(dns.nameserverPolicy ?? {}).some((k) => k.split(',').some((x) => /^geosite:/i.test(x.trim())))
    || (dns.fakeIpFilter ?? []).some((k) => /^geosite:/i.test(k.trim()))
    || (dns.fallbackFilter?.geosite ?? []).length > 0;
}

/**
 * GeoSite data decoded on first use (a classical rule set may hold GEOSITE
 * lines; the file is read only when one is compiled). Decoding errors surface
 * from category() as SY_ERR_RULE_GEOSITE_DATA, located at the entry.
 */
export class LazyGeoSite {
  private db: GeoSiteDb | undefined;
  readonly compiled = new Map<string, unknown>();
  constructor(readonly source: string) {}
  category(spec: string, where: string): ReturnType<GeoSiteDb['category']> {
    if (!this.db) {
      let data: Buffer;
      try {
        data = readFileSync(this.source);
      } catch (cause) {
        throw new SyError('SY_ERR_RULE_GEOSITE_DATA', { where: this.source, cause });
      }
      this.db = decodeGeoSite(data, this.source);
    }
    return this.db.category(spec, where);
  }
}

/** Whether the rules (also inside AND/OR/NOT and sub-rules) use the ASN database. */
export function needsAsnData(config: Config): boolean {
  const re = /(^|[,(\s])(SRC-)?IP-ASN\s*,/i;
  if (config.rules.some((l) => re.test(l.raw))) return true;
  return Object.values(config.subRules ?? {}).some((lines) => lines.some((l) => re.test(l.raw)));
}
