// URL delay tests: the time of one HTTP(S) request through an outbound, from
// the start of the dial to the response's status line (mihomo's default,
// non-unified delay). Used by group health checks and /proxies/:name/delay.
import tls from 'node:tls';
import type net from 'node:net';
import type { Outbound } from '../core/outbound.js';
import { newMetadata } from '../core/metadata.js';
import { normalizeHost, normalizeIp } from '../core/address.js';
import { SyError } from '../core/errors.js';

export const DEFAULT_TEST_URL = 'https://www.gstatic.com/generate_204';

/** Parses mihomo's expected-status syntax: `200/204`, `200-299`, '' or `*` = any. */
export function parseExpected(spec: string): (status: number) => boolean {
  const s = spec.trim();
  if (!s || s === '*') return () => true;
  const ranges: [number, number][] = [];
  for (const part of s.split('/')) {
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(part.trim());
    if (!m) throw new SyError('SY_ERR_NET_DELAY', { value: spec, expected: 'status codes like 200/204 or 200-299' });
    ranges.push([Number(m[1]), Number(m[2] ?? m[1])]);
  }
  return (st) => ranges.some(([a, b]) => st >= a && st <= b);
}

/**
 * Resolves to the delay in ms (>= 1). Rejects with SY_ERR_NET_TIMEOUT when
 * `timeoutMs` passes, SY_ERR_NET_DELAY for an unexpected status, or the dial's
 * own coded error.
 */
export async function measureDelay(ob: Outbound, url: string, timeoutMs: number, expected = ''): Promise<number> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SyError('SY_ERR_NET_DELAY', { value: url, expected: 'an http:// or https:// URL' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new SyError('SY_ERR_NET_DELAY', { value: url, expected: 'an http:// or https:// URL' });
  const ok = parseExpected(expected);
  const https = u.protocol === 'https:';
  const hostname = u.hostname.replace(/^\[|\]$/g, '');
  const ip = normalizeIp(hostname);
  const host = ip ? '' : normalizeHost(hostname);
  const port = Number(u.port || (https ? 443 : 80));
  const where = `delay test "${ob.name}" ${url}`;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  timer.unref();
  const start = performance.now();
  let sock: net.Socket | undefined;
  try {
    const meta = newMetadata({ network: 'tcp', type: 'Inner', host, dstIP: ip, dstPort: port, inboundName: 'health-check' });
    sock = await ob.dialTcp({ host, ip, port }, meta, ctl.signal);
    if (https) sock = await wrapTls(sock, host || ip, ctl.signal);
    const status = await requestStatus(sock, u, ctl.signal);
    if (!ok(status)) throw new SyError('SY_ERR_NET_DELAY', { where, value: status, expected: expected || 'any status' });
    return Math.max(1, Math.round(performance.now() - start));
  } catch (e) {
    if (ctl.signal.aborted) throw new SyError('SY_ERR_NET_TIMEOUT', { where, detail: `no answer within ${timeoutMs} ms` });
    throw e;
  } finally {
    clearTimeout(timer);
    sock?.destroy();
  }
}

function wrapTls(raw: net.Socket, servername: string, signal: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const t = tls.connect({ socket: raw, servername: normalizeIp(servername) ? undefined : servername, ALPNProtocols: ['http/1.1'] });
    const onAbort = () => t.destroy();
    signal.addEventListener('abort', onAbort, { once: true });
    t.once('secureConnect', () => resolve(t));
    t.once('error', (cause) => reject(new SyError('SY_ERR_NET_DELAY', { detail: 'TLS handshake failed', cause })));
    t.once('close', () => reject(new SyError('SY_ERR_NET_DELAY', { detail: 'closed during TLS handshake' })));
  });
}

function requestStatus(sock: net.Socket, u: URL, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onAbort = () => sock.destroy();
    signal.addEventListener('abort', onAbort, { once: true });
    sock.setEncoding('latin1');
    sock.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\r\n');
      if (nl < 0) {
        if (buf.length > 4096) reject(new SyError('SY_ERR_NET_DELAY', { detail: 'no HTTP status line' }));
        return;
      }
      const m = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(buf.slice(0, nl));
      if (m) resolve(Number(m[1]));
      else reject(new SyError('SY_ERR_NET_DELAY', { value: buf.slice(0, Math.min(nl, 80)), detail: 'not an HTTP response' }));
    });
    sock.once('error', (cause) => reject(new SyError('SY_ERR_NET_DELAY', { cause })));
    sock.once('close', () => reject(new SyError('SY_ERR_NET_DELAY', { detail: 'closed before the status line' })));
    sock.resume();
    sock.write(`HEAD ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUser-Agent: switchyard\r\nConnection: close\r\n\r\n`);
  });
}
