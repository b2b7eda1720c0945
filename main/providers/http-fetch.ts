// Downloads for `type: http` rule providers (and GeoSite data): HTTP/1.1 (TLS
// for https) over a socket the caller dials — normally the provider's
// `proxy:` outbound, DIRECT by default — with an overall deadline, bounded
// redirects and a size limit that REJECTS oversize bodies (never truncates).
// Conditional requests: If-None-Match (ETag) and If-Modified-Since
// (Last-Modified); a 304 answer is "unchanged".
//
// The cache beside the local copy: `<path>.meta.json` holds the validators of
// the copy at `<path>`. The copy is written atomically (temp file + rename),
// and only by callers that validated the body first.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SyError } from '../core/errors.js';
import { httpGet, dialVia as sharedDialVia, type Dial } from '../fetch/http-get.js';
import type { Outbound } from '../core/outbound.js';
import type { RuleProviderConfig } from '../config/types.js';

export { DEFAULT_FETCH_TIMEOUT_MS, MAX_REDIRECTS, type Dial } from '../fetch/http-get.js';

/** Validators of the copy we hold; sent as conditional-request headers. */
export interface Validators {
  readonly etag: string;
  readonly lastModified: string;
}

export type Download =
  | { readonly notModified: true }
  | { readonly notModified: false; readonly body: Buffer; readonly etag: string; readonly lastModified: string };

export interface DownloadOptions {
  readonly timeoutMs?: number;
  /** bytes; a larger body fails with SY_ERR_PROVIDER_TOO_LARGE */
  readonly sizeLimit: number;
  readonly headers?: Readonly<Record<string, readonly string[]>>;
  readonly validators?: Validators;
  /** For error messages (the provider's config location). */
  readonly where: string;
  /** Extra CA certificates (tests); default the system's. */
  readonly ca?: string | Buffer;
}

/** A Dial through an outbound (mihomo: downloads go through `proxy:`). */
export function dialVia(ob: Outbound, inboundName = 'rule-provider'): Dial {
  return sharedDialVia(ob, inboundName);
}

/** GET url through `dial`. Rejects with SY_ERR_PROVIDER_{FETCH,TIMEOUT,HTTP_STATUS,TOO_LARGE}. */
export async function download(dial: Dial, url: string, opts: DownloadOptions): Promise<Download> {
  const r = await httpGet(dial, url, {
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    sizeLimit: opts.sizeLimit,
    ...(opts.headers ? { headers: opts.headers } : {}),
    ...(opts.validators?.etag ? { etag: opts.validators.etag } : {}),
    ...(opts.validators?.lastModified ? { lastModified: opts.validators.lastModified } : {}),
    where: opts.where,
    ...(opts.ca ? { ca: opts.ca } : {}),
    codes: { fetch: 'SY_ERR_PROVIDER_FETCH', timeout: 'SY_ERR_PROVIDER_TIMEOUT', status: 'SY_ERR_PROVIDER_HTTP_STATUS', tooLarge: 'SY_ERR_PROVIDER_TOO_LARGE' },
  });
  return r.notModified ? r : { notModified: false, body: r.body, etag: r.header('etag'), lastModified: r.header('last-modified') };
}

// ---- the local copy and its validators ------------------------------------

export interface CacheMeta extends Validators {
  /** sha256 of the copy (identical downloads are no-ops). */
  readonly sha256: string;
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

const metaPath = (path: string) => `${path}.meta.json`;

/** Validators stored beside the copy; empty when absent or unreadable (then we fetch unconditionally). */
export async function readCacheMeta(path: string): Promise<CacheMeta> {
  try {
    const m = JSON.parse(await readFile(metaPath(path), 'utf8')) as Partial<CacheMeta>;
    return { etag: String(m.etag ?? ''), lastModified: String(m.lastModified ?? ''), sha256: String(m.sha256 ?? '') };
  } catch {
    return { etag: '', lastModified: '', sha256: '' };
  }
}

/** Writes the copy atomically (temp + rename), then its validators. Call only with a validated body. */
export async function writeCacheAtomic(path: string, body: Buffer, meta: CacheMeta): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, body);
  await rename(tmp, path);
  const mtmp = `${metaPath(path)}.${process.pid}.tmp`;
  await writeFile(mtmp, JSON.stringify(meta));
  await rename(mtmp, metaPath(path));
}

/** The downloader a RuleProvider uses: resolves `proxy:` to an outbound (DIRECT by default). */
export type RuleDownloader = (cfg: RuleProviderConfig, validators: Validators) => Promise<Download>;

export interface RuleDownloaderDeps {
  /** Outbound by name (the generation's outbound set). */
  readonly outbound: (name: string) => Outbound | undefined;
  readonly timeoutMs?: number;
  readonly defaultSizeLimit: number;
  readonly ca?: string | Buffer;
}

export function createRuleDownloader(deps: RuleDownloaderDeps): RuleDownloader {
  return (cfg, validators) => {
    const name = cfg.proxy || 'DIRECT';
    const ob = deps.outbound(name);
    if (!ob) return Promise.reject(new SyError('SY_ERR_PROVIDER_FETCH', { where: cfg.where || cfg.name, value: name, detail: 'proxy: names no outbound' }));
    return download(dialVia(ob), cfg.url, {
      timeoutMs: deps.timeoutMs,
      sizeLimit: cfg.sizeLimit > 0 ? cfg.sizeLimit : deps.defaultSizeLimit,
      headers: cfg.header,
      validators,
      where: cfg.where || `rule-providers.${cfg.name}`,
      ca: deps.ca,
    });
  };
}

/**
 * For commands that must not touch the network (`check`, `match`): http
 * providers without a local copy load EMPTY with a warning instead of failing;
 * an update() would reject.
 */
export const offlineDownloader: RuleDownloader = (cfg) =>
  Promise.reject(new SyError('SY_ERR_PROVIDER_FETCH', { where: cfg.where || cfg.name, value: cfg.url, detail: 'this command does not download (run switchyard, or PUT /providers/rules/:name)' }));
