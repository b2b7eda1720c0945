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
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isIP, type Socket } from 'node:net';
import { SyError, isSyError } from '../core/errors.js';
import { newMetadata } from '../core/metadata.js';
import type { Outbound } from '../core/outbound.js';
import type { RuleProviderConfig } from '../config/types.js';

export const DEFAULT_FETCH_TIMEOUT_MS = 20_000;
export const MAX_REDIRECTS = 5;

/** Opens a TCP connection to host/ip:port (an outbound's dialTcp, or a plain net.connect in tests). */
export type Dial = (dst: { host: string; ip: string; port: number }, signal: AbortSignal) => Promise<Socket>;

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
  return (dst, signal) =>
    ob.dialTcp(dst, newMetadata({ network: 'tcp', type: 'Inner', host: dst.host, dstIP: dst.ip, dstPort: dst.port, inboundName }), signal);
}

/** GET url through `dial`. Rejects with SY_ERR_PROVIDER_{FETCH,TIMEOUT,HTTP_STATUS,TOO_LARGE}. */
export async function download(dial: Dial, url: string, opts: DownloadOptions): Promise<Download> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  timer.unref();
  try {
    let target = url;
    for (let hop = 0; ; hop++) {
      const r = await requestOnce(dial, target, opts, ctl.signal);
      if (r.kind === 'done') return r.result;
      if (hop >= MAX_REDIRECTS) throw new SyError('SY_ERR_PROVIDER_FETCH', { where: opts.where, value: url, detail: `more than ${MAX_REDIRECTS} redirects` });
      target = new URL(r.location, target).toString();
    }
  } catch (e) {
    if (ctl.signal.aborted) throw new SyError('SY_ERR_PROVIDER_TIMEOUT', { where: opts.where, value: url, detail: `no complete answer within ${timeoutMs} ms` });
    if (isSyError(e)) throw e;
    throw new SyError('SY_ERR_PROVIDER_FETCH', { where: opts.where, value: url, cause: e });
  } finally {
    clearTimeout(timer);
  }
}

type Once = { kind: 'done'; result: Download } | { kind: 'redirect'; location: string };

function requestOnce(dial: Dial, url: string, opts: DownloadOptions, signal: AbortSignal): Promise<Once> {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    return Promise.reject(new SyError('SY_ERR_PROVIDER_FETCH', { where: opts.where, value: url, expected: 'an http:// or https:// URL' }));
  }
  const secure = u.protocol === 'https:';
  const hostname = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port || (secure ? 443 : 80));
  const ip = isIP(hostname) ? hostname : '';
  const host = ip ? '' : hostname.toLowerCase();
  const headers: Record<string, string | string[]> = { 'user-agent': 'clash.meta', accept: '*/*' };
  for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k.toLowerCase()] = [...v];
  if (opts.validators?.etag) headers['if-none-match'] = opts.validators.etag;
  if (opts.validators?.lastModified) headers['if-modified-since'] = opts.validators.lastModified;
  return new Promise<Once>((resolve, reject) => {
    const createConnection = (_o: unknown, cb: (err: Error | null, s?: Socket) => void): undefined => {
      // Outbounds hand their socket over paused; resume once the parser is attached.
      const give = (s: Socket) => {
        cb(null, s);
        setImmediate(() => {
          if (s.isPaused()) s.resume();
        });
      };
      dial({ host, ip, port }, signal).then(
        (raw) => {
          if (!secure) return give(raw);
          // `host` is what the certificate is checked against (an IP URL: its IP SAN); SNI only for names.
          const t = tls.connect({ socket: raw, host: ip || host, servername: ip ? undefined : host, ALPNProtocols: ['http/1.1'], ca: opts.ca });
          t.once('secureConnect', () => give(t));
          t.once('error', (err) => cb(err));
        },
        (err: Error) => cb(err),
      );
      return undefined;
    };
    // No `agent` option: `agent: false` makes Node ignore createConnection.
    const req = (secure ? https : http).request(u, { method: 'GET', headers, createConnection: createConnection as never, signal });
    req.once('error', reject);
    req.once('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && status !== 304 && res.headers.location) {
        res.resume();
        return resolve({ kind: 'redirect', location: res.headers.location });
      }
      if (status === 304) {
        res.resume();
        return resolve({ kind: 'done', result: { notModified: true } });
      }
      if (status < 200 || status >= 300) {
        res.resume();
        return reject(new SyError('SY_ERR_PROVIDER_HTTP_STATUS', { where: opts.where, value: status, detail: url, expected: '2xx or 304' }));
      }
      const tooLarge = (n: number) => new SyError('SY_ERR_PROVIDER_TOO_LARGE', { where: opts.where, value: n, detail: url, expected: `at most ${opts.sizeLimit} bytes (size-limit)` });
      const declared = Number(res.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > opts.sizeLimit) {
        reject(tooLarge(declared));
        return res.destroy();
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > opts.sizeLimit) {
          reject(tooLarge(size)); // first: destroy() below emits 'aborted'
          res.destroy();
          return;
        }
        chunks.push(c);
      });
      res.once('error', reject);
      res.once('aborted', () => reject(new SyError('SY_ERR_PROVIDER_FETCH', { where: opts.where, value: url, detail: 'connection closed mid-body' })));
      res.once('end', () => {
        if (!res.complete) return reject(new SyError('SY_ERR_PROVIDER_FETCH', { where: opts.where, value: url, detail: 'connection closed mid-body' }));
        const h = (k: string) => (typeof res.headers[k] === 'string' ? (res.headers[k] as string) : '');
        resolve({ kind: 'done', result: { notModified: false, body: Buffer.concat(chunks), etag: h('etag'), lastModified: h('last-modified') } });
      });
    });
    req.end();
  });
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
