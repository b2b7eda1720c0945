// Downloads a subscription: node:http/https with an overall timeout, bounded
// redirects and a size limit that rejects (never truncates). A 304 answer to a
// conditional request means "unchanged"; any other non-2xx is an error.
// Every failure is a SyError located at the URL.
import http from 'node:http';
import https from 'node:https';
import { SyError } from '../core/errors.js';
import { DEFAULT_SIZE_LIMIT } from '../providers/provider.js';
import { dispositionName, parseSubscriptionInfo } from './userinfo.js';
import type { SubscriptionInfo } from './types.js';

export interface DownloadOptions {
  /** Whole request including redirects and body. */
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  /** Validators from the last download, sent as If-None-Match / If-Modified-Since. */
  etag?: string;
  lastModified?: string;
  userAgent?: string;
}

export const DOWNLOAD_DEFAULTS: DownloadOptions = {
  timeoutMs: 30_000,
  // The same limit as rule providers.
  maxBytes: DEFAULT_SIZE_LIMIT,
  maxRedirects: 5,
  // Providers choose the Clash format by user agent.
  userAgent: 'clash.meta/switchyard',
};

export type DownloadResult =
  | { notModified: true }
  | {
      notModified: false;
      body: string;
      userinfo: SubscriptionInfo | null;
      /** From content-disposition, '' when absent. */
      filename: string;
      etag?: string;
      lastModified?: string;
    };

/** Checks a subscription URL: http(s) only, no credentials in logs. */
export function checkUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch (cause) {
    throw new SyError('SY_ERR_PROFILE_BAD_URL', { value: raw, expected: 'an http:// or https:// URL', cause });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new SyError('SY_ERR_PROFILE_BAD_URL', { value: raw, expected: 'an http:// or https:// URL' });
  return u;
}

/** The URL as shown in errors and logs: no userinfo, no query (tokens live there). */
export function redactUrl(u: URL | string): string {
  try {
    const x = new URL(String(u));
    return `${x.protocol}//${x.host}${x.pathname}${x.search ? '?…' : ''}`;
  } catch {
    return '(bad url)';
  }
}

export async function download(raw: string, options: Partial<DownloadOptions> = {}): Promise<DownloadResult> {
  const o = { ...DOWNLOAD_DEFAULTS, ...options };
  const first = checkUrl(raw);
  const where = redactUrl(first);
  return new Promise<DownloadResult>((resolve, reject) => {
    let done = false;
    let current: http.ClientRequest | null = null;
    const finish = (e: SyError | null, r?: DownloadResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      current?.destroy();
      if (e) reject(e);
      else resolve(r!);
    };
    const timer = setTimeout(() => finish(new SyError('SY_ERR_PROFILE_TIMEOUT', { where, detail: `no complete answer within ${o.timeoutMs} ms` })), o.timeoutMs);

    const get = (url: URL, hops: number) => {
      const headers: Record<string, string> = { 'user-agent': o.userAgent ?? 'switchyard', accept: '*/*' };
      if (o.etag) headers['if-none-match'] = o.etag;
      if (o.lastModified) headers['if-modified-since'] = o.lastModified;
      const mod = url.protocol === 'https:' ? https : http;
      const req = mod.get(url, { headers }, (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && status !== 304 && res.headers.location) {
          res.resume();
          if (hops >= o.maxRedirects) return finish(new SyError('SY_ERR_PROFILE_REDIRECTS', { where, value: hops + 1, expected: `at most ${o.maxRedirects}` }));
          let next: URL;
          try {
            next = checkUrl(new URL(res.headers.location, url).toString());
          } catch (e) {
            return finish(e as SyError);
          }
          return get(next, hops + 1);
        }
        if (status === 304 && (o.etag || o.lastModified)) {
          res.resume();
          return finish(null, { notModified: true });
        }
        if (status < 200 || status >= 300) {
          res.resume();
          return finish(new SyError('SY_ERR_PROFILE_HTTP_STATUS', { where, value: status, expected: '2xx' }));
        }
        const declared = Number(res.headers['content-length'] ?? -1);
        if (declared > o.maxBytes) return finish(tooLarge(where, declared, o.maxBytes));
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (done) return;
          size += c.length;
          if (size > o.maxBytes) return finish(tooLarge(where, size, o.maxBytes));
          chunks.push(c);
        });
        res.on('error', (cause) => finish(new SyError('SY_ERR_PROFILE_DIAL', { where, cause })));
        res.on('aborted', () => finish(new SyError('SY_ERR_PROFILE_DIAL', { where, detail: 'the connection closed mid-body' })));
        res.on('end', () => {
          const h = res.headers;
          finish(null, {
            notModified: false,
            body: Buffer.concat(chunks).toString('utf8'),
            userinfo: parseSubscriptionInfo(h['subscription-userinfo']),
            filename: dispositionName(h['content-disposition']),
            ...(typeof h.etag === 'string' ? { etag: h.etag } : {}),
            ...(typeof h['last-modified'] === 'string' ? { lastModified: h['last-modified'] } : {}),
          });
        });
      });
      current = req;
      req.on('error', (cause) => finish(new SyError('SY_ERR_PROFILE_DIAL', { where, cause })));
    };
    get(first, 0);
  });
}

function tooLarge(where: string, bytes: number, limit: number): SyError {
  return new SyError('SY_ERR_PROFILE_TOO_LARGE', { where, value: bytes, expected: `at most ${limit} bytes` });
}
