// One HTTP(S) GET over a socket the caller dials (normally an outbound's
// dialTcp, so rule and proxy subscriptions go through their `proxy:`), shared
// by rule providers, proxy providers and GeoSite downloads: an overall
// deadline, bounded redirects, a size limit that REJECTS oversize bodies
// (never truncates), and conditional requests (ETag / Last-Modified → 304).
// Each caller names its own error codes.
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { isIP, type Socket } from 'node:net';
import { SyError, isSyError } from '../core/errors.js';
import type { ErrorCode } from '../core/error-codes.js';
import { newMetadata } from '../core/metadata.js';
import type { Outbound } from '../core/outbound.js';

export const DEFAULT_FETCH_TIMEOUT_MS = 20_000;
export const MAX_REDIRECTS = 5;

/** Opens a TCP connection to host/ip:port (an outbound's dialTcp, or a plain net.connect in tests). */
export type Dial = (dst: { host: string; ip: string; port: number }, signal: AbortSignal) => Promise<Socket>;

/** A Dial through an outbound (mihomo: downloads go through `proxy:`). */
export function dialVia(ob: Outbound, inboundName: string): Dial {
  return (dst, signal) =>
    ob.dialTcp(dst, newMetadata({ network: 'tcp', type: 'Inner', host: dst.host, dstIP: dst.ip, dstPort: dst.port, inboundName }), signal);
}

/** The codes a caller's failures carry. */
export interface GetErrorCodes {
  fetch: ErrorCode;
  timeout: ErrorCode;
  status: ErrorCode;
  tooLarge: ErrorCode;
}

export interface GetOptions {
  readonly timeoutMs?: number;
  /** bytes; a larger body fails with codes.tooLarge */
  readonly sizeLimit: number;
  readonly headers?: Readonly<Record<string, readonly string[]>>;
  readonly etag?: string;
  readonly lastModified?: string;
  /** For error messages (the provider's config location). */
  readonly where: string;
  /** Extra CA certificates (tests); default the system's. */
  readonly ca?: string | Buffer;
  readonly codes: GetErrorCodes;
}

export type GetResult =
  | { readonly notModified: true }
  | { readonly notModified: false; readonly body: Buffer; readonly header: (name: string) => string };

/** GET url through `dial`; rejects with the caller's codes. */
export async function httpGet(dial: Dial, url: string, opts: GetOptions): Promise<GetResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  timer.unref();
  try {
    let target = url;
    for (let hop = 0; ; hop++) {
      const r = await requestOnce(dial, target, opts, ctl.signal);
      if (r.kind === 'done') return r.result;
      if (hop >= MAX_REDIRECTS) throw new SyError(opts.codes.fetch, { where: opts.where, value: url, detail: `more than ${MAX_REDIRECTS} redirects` });
      target = new URL(r.location, target).toString();
    }
  } catch (e) {
    if (ctl.signal.aborted) throw new SyError(opts.codes.timeout, { where: opts.where, value: url, detail: `no complete answer within ${timeoutMs} ms` });
    if (isSyError(e)) throw e;
    throw new SyError(opts.codes.fetch, { where: opts.where, value: url, cause: e });
  } finally {
    clearTimeout(timer);
  }
}

type Once = { kind: 'done'; result: GetResult } | { kind: 'redirect'; location: string };

function requestOnce(dial: Dial, url: string, opts: GetOptions, signal: AbortSignal): Promise<Once> {
  const c = opts.codes;
  let u: URL;
  try {
    u = new URL(url);
  } catch (cause) {
    return Promise.reject(new SyError(c.fetch, { where: opts.where, value: url, cause, expected: 'an http:// or https:// URL' }));
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    return Promise.reject(new SyError(c.fetch, { where: opts.where, value: url, expected: 'an http:// or https:// URL' }));
  }
  const secure = u.protocol === 'https:';
  const hostname = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port || (secure ? 443 : 80));
  const ip = isIP(hostname) ? hostname : '';
  const host = ip ? '' : hostname.toLowerCase();
  const headers: Record<string, string | string[]> = { 'user-agent': 'clash.meta', accept: '*/*' };
  for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k.toLowerCase()] = [...v];
  if (opts.etag) headers['if-none-match'] = opts.etag;
  if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;
  return new Promise<Once>((resolve, reject) => {
    const createConnection = (_o: unknown, cb: (err: Error | null, s?: Socket) => void): undefined => {
      // Outbounds hand their socket over paused (CONNECT/SOCKS replies were
      // read from it); resume once the HTTP client has attached its parser.
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
    // NOTE: no `agent` option: with `agent: false` Node builds a fresh Agent
    // and ignores createConnection, which would bypass the outbound.
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
        return reject(new SyError(c.status, { where: opts.where, value: status, detail: url, expected: '2xx or 304' }));
      }
      const tooLarge = (n: number) => new SyError(c.tooLarge, { where: opts.where, value: n, detail: url, expected: `at most ${opts.sizeLimit} bytes (size-limit)` });
      const declared = Number(res.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > opts.sizeLimit) {
        reject(tooLarge(declared));
        return res.destroy();
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > opts.sizeLimit) {
          reject(tooLarge(size)); // first: destroy() below emits 'aborted'
          res.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.once('error', reject);
      res.once('aborted', () => reject(new SyError(c.fetch, { where: opts.where, value: url, detail: 'connection closed mid-body' })));
      res.once('end', () => {
        if (!res.complete) return reject(new SyError(c.fetch, { where: opts.where, value: url, detail: 'connection closed mid-body' }));
        const header = (k: string) => {
          const v = res.headers[k.toLowerCase()];
          return typeof v === 'string' ? v : '';
        };
        resolve({ kind: 'done', result: { notModified: false, body: Buffer.concat(chunks), header } });
      });
    });
    req.end();
  });
}
