// Download a provider's content through an outbound (the provider's `proxy`,
// DIRECT by default): HTTP/1.1 (TLS for https) over the socket the outbound
// dials, with an overall deadline and a size limit that REJECTS oversize
// content (never truncates it). Redirects are followed (at most 5).
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { isIP, type Socket } from 'node:net';
import { SyError, isSyError } from '../core/errors.js';
import { newMetadata } from '../core/metadata.js';
import type { Outbound } from '../core/outbound.js';

export const DEFAULT_FETCH_TIMEOUT_MS = 20_000;
/** Used when size-limit is 0: far above any real subscription, small enough to be safe. */
export const DEFAULT_SIZE_LIMIT = 32 * 1024 * 1024;
const MAX_REDIRECTS = 5;

export interface FetchOptions {
  timeoutMs: number;
  /** bytes; content beyond it fails with SY_ERR_PROXY_PROVIDER_TOO_LARGE */
  sizeLimit: number;
  headers: Readonly<Record<string, readonly string[]>>;
  /** ETag of the last good copy: a 304 answer means "unchanged". */
  etag?: string;
  where: string;
}

export type FetchResult =
  | { readonly notModified: true }
  | { readonly notModified: false; readonly body: string; readonly etag: string; readonly userinfo: string };

/** Rejects with SY_ERR_PROXY_PROVIDER_{TIMEOUT,TOO_LARGE,HTTP_STATUS,FETCH}. */
export async function fetchThrough(ob: Outbound, url: string, opts: FetchOptions): Promise<FetchResult> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), opts.timeoutMs);
  timer.unref();
  try {
    let target = url;
    for (let hop = 0; ; hop++) {
      const r = await requestOnce(ob, target, opts, ctl.signal);
      if (r.kind !== 'redirect') return r.result;
      if (hop >= MAX_REDIRECTS) throw new SyError('SY_ERR_PROXY_PROVIDER_FETCH', { where: opts.where, value: url, detail: 'too many redirects' });
      target = new URL(r.location, target).toString();
    }
  } catch (e) {
    if (ctl.signal.aborted) throw new SyError('SY_ERR_PROXY_PROVIDER_TIMEOUT', { where: opts.where, value: url, detail: `no complete answer within ${opts.timeoutMs} ms` });
    if (isSyError(e)) throw e;
    throw new SyError('SY_ERR_PROXY_PROVIDER_FETCH', { where: opts.where, value: url, cause: e });
  } finally {
    clearTimeout(timer);
  }
}

type Once = { kind: 'done'; result: FetchResult } | { kind: 'redirect'; location: string };

function requestOnce(ob: Outbound, url: string, opts: FetchOptions, signal: AbortSignal): Promise<Once> {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    return Promise.reject(new SyError('SY_ERR_PROXY_PROVIDER_FETCH', { where: opts.where, value: url, expected: 'an http:// or https:// URL' }));
  }
  const secure = u.protocol === 'https:';
  const hostname = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port || (secure ? 443 : 80));
  const ip = isIP(hostname) ? hostname : '';
  const host = ip ? '' : hostname.toLowerCase();
  const headers: Record<string, string | string[]> = { 'user-agent': 'clash.meta', accept: '*/*' };
  for (const [k, v] of Object.entries(opts.headers)) headers[k.toLowerCase()] = [...v];
  if (opts.etag) headers['if-none-match'] = opts.etag;
  return new Promise<Once>((resolve, reject) => {
    const createConnection = (_o: unknown, cb: (err: Error | null, s?: Socket) => void): undefined => {
      const meta = newMetadata({ network: 'tcp', type: 'Inner', host, dstIP: ip, dstPort: port, inboundName: 'proxy-provider' });
      // Outbounds hand over their socket paused (CONNECT/SOCKS replies were
      // read from it); resume once the HTTP client has attached its parser.
      const give = (s: Socket) => {
        cb(null, s);
        setImmediate(() => {
          if (s.isPaused()) s.resume();
        });
      };
      ob.dialTcp({ host, ip, port }, meta, signal).then(
        (raw) => {
          if (!secure) return give(raw);
          // `host` is what the certificate is checked against (an IP URL too; SNI only for names).
          const t = tls.connect({ socket: raw, host, servername: ip ? undefined : host, ALPNProtocols: ['http/1.1'] });
          t.once('secureConnect', () => give(t));
          t.once('error', (err) => cb(err));
        },
        (err: Error) => cb(err),
      );
      return undefined;
    };
    const mod = secure ? https : http;
    // NOTE: no `agent` option: with `agent: false` Node builds a fresh Agent and
    // ignores createConnection, which would bypass the outbound.
    const req = mod.request(u, { method: 'GET', headers, createConnection: createConnection as never, signal });
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
        return reject(new SyError('SY_ERR_PROXY_PROVIDER_HTTP_STATUS', { where: opts.where, value: status, expected: '2xx' }));
      }
      const declared = Number(res.headers['content-length'] ?? NaN);
      const tooLarge = () => new SyError('SY_ERR_PROXY_PROVIDER_TOO_LARGE', { where: opts.where, value: url, expected: `at most ${opts.sizeLimit} bytes` });
      if (Number.isFinite(declared) && declared > opts.sizeLimit) {
        res.destroy();
        return reject(tooLarge());
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > opts.sizeLimit) {
          res.destroy();
          reject(tooLarge());
          return;
        }
        chunks.push(c);
      });
      res.once('error', reject);
      res.once('end', () => {
        const etag = typeof res.headers.etag === 'string' ? res.headers.etag : '';
        const ui = res.headers['subscription-userinfo'];
        resolve({ kind: 'done', result: { notModified: false, body: Buffer.concat(chunks).toString('utf8'), etag, userinfo: typeof ui === 'string' ? ui : '' } });
      });
    });
    req.end();
  });
}

/** `upload=1; download=2; total=3; expire=4` -> mihomo's subscriptionInfo; undefined when absent or unreadable. */
export function parseUserinfo(header: string): { Upload: number; Download: number; Total: number; Expire: number } | undefined {
  if (!header) return undefined;
  const out = { Upload: 0, Download: 0, Total: 0, Expire: 0 };
  let any = false;
  for (const part of header.split(';')) {
    const m = /^\s*(upload|download|total|expire)\s*=\s*(\d+(?:\.\d+)?)\s*$/i.exec(part);
    if (!m) continue;
    const key = (m[1]![0]!.toUpperCase() + m[1]!.slice(1).toLowerCase()) as keyof typeof out;
    out[key] = Math.floor(Number(m[2]));
    any = true;
  }
  return any ? out : undefined;
}
