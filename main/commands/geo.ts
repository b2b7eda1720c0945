// `switchyard geo update [--config FILE] [--url URL]`: downloads GeoSite.dat
// from `geox-url.geosite` (mihomo's key and default) with the rule-provider
// machinery — size limit that rejects, conditional request (ETag /
// Last-Modified kept beside the file), validated by decoding BEFORE an atomic
// swap — into the place GEOSITE rules read it from (beside the config, else
// the config home). A failed, oversized or undecodable download leaves the
// last good copy in place. Exit 0 when the data is current, 1 on error.
import net from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { loadConfig } from '../config/load.js';
import { SyError } from '../core/errors.js';
import { DEFAULT_GEOSITE_URL, GEOSITE_SIZE_LIMIT, geoSiteTarget } from '../geodata/files.js';
import { decodeGeoSite } from '../geodata/geosite.js';
import { download, readCacheMeta, sha256, writeCacheAtomic, type Dial } from '../providers/http-fetch.js';

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
  const have = existsSync(o.target);
  const meta = have ? await readCacheMeta(o.target) : { etag: '', lastModified: '', sha256: '' };
  const r = await download(o.dial ?? directDial, o.url, {
    timeoutMs: o.timeoutMs,
    sizeLimit: o.sizeLimit ?? GEOSITE_SIZE_LIMIT,
    validators: meta,
    where: `geox-url.geosite`,
  });
  if (r.notModified) return { status: 'unchanged' };
  const sum = sha256(r.body);
  if (have && sum === sha256(readFileSync(o.target))) {
    await writeCacheAtomic(o.target, r.body, { etag: r.etag, lastModified: r.lastModified, sha256: sum });
    return { status: 'unchanged' };
  }
  const db = decodeGeoSite(r.body, o.url); // validates; throws SY_ERR_RULE_GEOSITE_DATA
  await writeCacheAtomic(o.target, r.body, { etag: r.etag, lastModified: r.lastModified, sha256: sum });
  return { status: 'updated', categories: db.categories.length, bytes: r.body.length };
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

export async function geoUpdateCommand(opts: { config?: string; url?: string }): Promise<number> {
  let file = '';
  let home = process.cwd();
  let url = opts.url ?? '';
  if (opts.config) {
    const loaded = await loadConfig(opts.config);
    if (!loaded.config) {
      for (const e of loaded.errors) process.stderr.write(`error ${e.code}: ${e.message}\n`);
      return 1;
    }
    file = loaded.config.file;
    home = loaded.config.home;
    url ||= geositeUrlOf(readFileSync(opts.config, 'utf8'));
  }
  url ||= DEFAULT_GEOSITE_URL;
  const target = geoSiteTarget(file, home);
  try {
    const r = await geoUpdate({ url, target });
    process.stdout.write(r.status === 'unchanged' ? `${target}: up to date (${url})\n` : `${target}: updated from ${url} — ${r.categories} categories, ${r.bytes} bytes\n`);
    return 0;
  } catch (e) {
    if (e instanceof SyError) {
      process.stderr.write(`error ${e.code}: ${e.message}\n${existsSync(target) ? `${target}: kept the last good copy\n` : ''}`);
      return 1;
    }
    throw e;
  }
}
