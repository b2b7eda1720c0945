// HTTP/1 Host sniffer. Pure, never throws. Reads the request line and the
// header block: an absolute-form target (`GET http://h:8080/ HTTP/1.1`) or a
// CONNECT authority wins over the Host header (RFC 9112 §3.2.2); ports are
// stripped; IP literals (v4 or [v6]) give 'no'. 'need-more' until the Host
// header line or the end of the headers has arrived, at most HTTP_MAX_HEAD bytes.
import type { SniffResult } from './types.js';
import { hostResult } from './host.js';

/** Longest request head we wait for. */
export const HTTP_MAX_HEAD = 8 * 1024;

/** Methods we recognise (RFC 9110, WebDAV, PATCH); others are 'no' so binary protocols are not mistaken for HTTP. */
const METHODS = new Set([
  'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH',
  'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'REPORT', 'SEARCH', 'PURGE',
]);
const LONGEST_METHOD = 9;

export function sniffHttp(buf: Buffer): SniffResult {
  try {
    return sniffHead(buf);
  } catch {
    return 'no';
  }
}

function sniffHead(buf: Buffer): SniffResult {
  const head = buf.toString('latin1', 0, Math.min(buf.length, HTTP_MAX_HEAD));
  const sp = head.indexOf(' ');
  if (sp < 0) {
    // Still inside the method token: wait only while it could become one.
    if (head.length > LONGEST_METHOD) return 'no';
    for (const m of METHODS) if (m.startsWith(head)) return 'need-more';
    return 'no';
  }
  const method = head.slice(0, sp);
  if (!METHODS.has(method)) return 'no';
  const lineEnd = head.indexOf('\n');
  if (lineEnd < 0) return buf.length >= HTTP_MAX_HEAD ? 'no' : 'need-more';
  const line = head.slice(0, lineEnd).replace(/\r$/, '');
  const m = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(line);
  if (!m) return 'no';
  const target = m[2]!;
  const fromTarget = method === 'CONNECT' ? authorityHost(target) : absoluteFormHost(target);
  if (fromTarget !== undefined) return fromTarget;
  return hostHeader(buf, head, lineEnd + 1);
}

function hostHeader(buf: Buffer, head: string, from: number): SniffResult {
  let pos = from;
  for (;;) {
    const nl = head.indexOf('\n', pos);
    if (nl < 0) return buf.length >= HTTP_MAX_HEAD ? 'no' : 'need-more';
    const line = head.slice(pos, nl).replace(/\r$/, '');
    if (line === '') return 'no'; // end of headers, no Host
    const colon = line.indexOf(':');
    if (colon <= 0) return 'no'; // not a header line
    if (line.slice(0, colon).toLowerCase() === 'host') return authorityHost(line.slice(colon + 1).trim());
    pos = nl + 1;
  }
}

/** Host of an absolute-form target, or undefined for origin-form (`/path`) and `*`. */
function absoluteFormHost(target: string): SniffResult | undefined {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(target);
  if (!m) return undefined;
  const auth = m[1]!;
  const at = auth.lastIndexOf('@');
  return authorityHost(at >= 0 ? auth.slice(at + 1) : auth);
}

/** `host`, `host:port`, `[v6]`, `[v6]:port` → the host ('no' for IP literals or junk). */
function authorityHost(auth: string): SniffResult {
  if (auth.startsWith('[')) return 'no'; // IPv6 literal: no host name
  const colon = auth.indexOf(':');
  if (colon >= 0) {
    if (!/^\d{0,5}$/.test(auth.slice(colon + 1))) return 'no';
    return hostResult(auth.slice(0, colon));
  }
  return hostResult(auth);
}
