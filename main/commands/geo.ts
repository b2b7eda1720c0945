// `switchyard geo update [--config FILE] [--url URL] [--asn]`: downloads
// GeoSite.dat from `geox-url.geosite` and, when the config's rules use
// IP-ASN / SRC-IP-ASN (or with --asn), the ASN mmdb from `geox-url.asn`
// (mihomo's keys and defaults), with the rule-provider machinery — size limit
// that rejects, conditional request (ETag / Last-Modified kept beside the
// file), validated BEFORE an atomic swap — into the place the rules read them
// from (beside the config, else the config home). With --config the download
// is routed as the running core routes it: the config's rules are compiled
// and the URL's host goes through the outbound they choose (a proxy when the
// rules say so); a config whose rules cannot be compiled falls back to a
// direct connection, said on stderr. A failed, oversized or invalid download
// leaves the last good copy in place. Exit 0 when every file is current, 1
// on any error.
import net from 'node:net';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import { SyErrorList, isSyError } from '../core/errors.js';
import { createLogHub } from '../core/logger.js';
import { DEFAULT_GEOSITE_URL, GEOSITE_SIZE_LIMIT } from '../geodata/files.js';
import { decodeGeoSite } from '../geodata/geosite.js';
import type { Dial } from '../fetch/http-get.js';
import { ruleValidator } from '../rules/validate.js';
import { openGeoIpLazy } from '../rules/geoip.js';
import { UpstreamResolver } from '../dns/resolver.js';
import type { Resolver } from '../core/rule.js';
import { buildGeneration, type Generation } from '../engine/generation.js';
import { coreSockets } from '../engine/sockets.js';
import { systemResolver } from '../engine/system-resolver.js';
import { openStateStore } from '../engine/state-store.js';
import { dialByRules, geoFileOf, neededGeoFiles, updateGeoFile, type GeoFile } from '../engine/geodata.js';

export interface GeoUpdateOptions {
  readonly url: string;
  /** Where GeoSite.dat lives. */
  readonly target: string;
  /** How to reach the server; default a direct TCP connection. */
  readonly dial?: Dial;
  readonly sizeLimit?: number;
  readonly timeoutMs?: number;
}

export type GeoUpdateResult = { readonly status: 'unchanged' } | { readonly status: 'updated'; readonly categories: number; readonly bytes: number };

const directDial: Dial = (dst, signal) =>
  new Promise((resolve, reject) => {
    const s = net.connect({ host: dst.ip || dst.host, port: dst.port, signal });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });

/** Downloads and installs GeoSite data; rejects with a coded error and keeps the old file on any failure. */
export async function geoUpdate(o: GeoUpdateOptions): Promise<GeoUpdateResult> {
  let categories = 0;
  const file: GeoFile = {
    kind: 'geosite', url: o.url, target: o.target, where: 'geox-url.geosite', sizeLimit: o.sizeLimit ?? GEOSITE_SIZE_LIMIT,
    validate: (body) => `${(categories = decodeGeoSite(body, o.url).categories.length)} categories`,
  };
  const r = await updateGeoFile(file, o.dial ?? directDial, o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {});
  return r.status === 'unchanged' ? r : { status: 'updated', categories, bytes: r.bytes };
}

/** `geox-url.geosite` of a config file ('' when absent). */
export function geositeUrlOf(text: string): string {
  try {
    const doc = parse(text) as { 'geox-url'?: { geosite?: unknown } } | null;
    const u = doc?.['geox-url']?.geosite;
    return typeof u === 'string' ? u.trim() : '';
  } catch {
    return '';
  }
}

/** The config's rules and outbounds, for routing the download as the core would; closed by the caller. */
async function routedDial(config: Config, err: (s: string) => void): Promise<{ dial: Dial; close(): void; routes: string[] }> {
  const log = createLogHub({ sink: null }).logger;
  const resolver: Resolver & { close?(): void } = config.dns.nameserver.length > 0
    ? new UpstreamResolver({ nameservers: config.dns.nameserver, defaultNameservers: config.dns.defaultNameserver, ipv6: config.dns.ipv6, logger: log })
    : systemResolver(config.ipv6);
  const state = openStateStore(join(config.home, 'switchyard-state.json'), log);
  const readOnly = { get: (k: string) => state.get(k), set() {}, flush() {} };
  let gen: Generation;
  try {
    gen = await buildGeneration(config, { sockets: coreSockets(0, null).outbound, resolver, state: readOnly, geoip: openGeoIpLazy(config.geoipDatabase || undefined), logger: log });
  } catch (e) {
    const why = e instanceof SyErrorList ? e.errors.map((x) => x.message).join('; ') : isSyError(e) ? e.message : String(e);
    err(`warning: the config's rules cannot be compiled (${why}); downloading directly\n`);
    resolver.close?.();
    return { dial: directDial, close() {}, routes: [] };
  }
  const routes: string[] = [];
  const dial = dialByRules({ engine: () => gen.rules, mode: () => config.mode, outbounds: () => gen.outbounds, resolver }, 'geo-update', (chain, host) => routes.push(`${host} via ${[...chain].reverse().join(' -> ')}`));
  return {
    dial,
    routes,
    close() {
      gen.outbounds.close();
      resolver.close?.();
    },
  };
}

/** Where the command writes (tests capture it). */
export interface GeoIo {
  out(s: string): void;
  err(s: string): void;
}

const STDIO: GeoIo = { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) };

export async function geoUpdateCommand(opts: { config?: string; url?: string; asn?: boolean }, io: GeoIo = STDIO): Promise<number> {
  const { out, err } = io;
  let files: GeoFile[];
  let routed: { dial: Dial; close(): void; routes: string[] } = { dial: directDial, close() {}, routes: [] };
  if (opts.config) {
    const loaded = await loadConfig(opts.config, { validateRule: ruleValidator() });
    if (!loaded.config) {
      for (const e of loaded.errors) err(`error ${e.code}: ${e.message}\n`);
      return 1;
    }
    const config = loaded.config;
    const url = opts.url || geositeUrlOf(readFileSync(opts.config, 'utf8')) || config.geoxUrl?.geosite || '';
    const geosite = geoFileOf('geosite', { ...config, geoxUrl: { geosite: url, asn: config.geoxUrl?.asn ?? '' } });
    files = [geosite, ...neededGeoFiles(config, opts.asn ? { asn: true } : {}).filter((f) => f.kind === 'asn')];
    routed = await routedDial(config, err);
  } else {
    const home = process.cwd();
    const c = { file: '', home, geoxUrl: { geosite: opts.url || DEFAULT_GEOSITE_URL, asn: '' } };
    files = [geoFileOf('geosite', c), ...(opts.asn ? [geoFileOf('asn', c)] : [])];
  }
  let failed = false;
  try {
    for (const f of files) {
      const before = routed.routes.length;
      try {
        const r = await updateGeoFile(f, routed.dial);
        const via = routed.routes.slice(before).at(-1);
        out(r.status === 'unchanged' ? `${f.target}: up to date (${f.url})\n` : `${f.target}: updated from ${f.url} — ${r.summary}, ${r.bytes} bytes${via ? ` (${via})` : ''}\n`);
      } catch (e) {
        if (!isSyError(e)) throw e;
        failed = true;
        err(`error ${e.code}: ${e.message}\n${existsSync(f.target) ? `${f.target}: kept the last good copy\n` : ''}`);
      }
    }
  } finally {
    routed.close();
  }
  return failed ? 1 : 0;
}

