// The HTTP side of the mixed port: CONNECT (tunnel) and plain absolute-URI
// proxying. For plain requests the head is rewritten to origin form with
// `Connection: close` and the Proxy-* headers removed, and handed to the
// dispatcher as the first bytes: one request per connection (keep-alive is
// dropped after it). Malformed heads get 400, a bad login 407.
import type net from 'node:net';
import { newMetadata } from '../core/metadata.js';
import { parseHostPort } from '../core/address.js';
import type { MixedContext } from './mixed-context.js';
import { parseTarget } from './target.js';

const MAX_HEAD = 32 * 1024;
const HOP_BY_HOP = new Set(['proxy-authorization', 'proxy-connection', 'connection', 'keep-alive', 'te', 'trailer', 'upgrade']);

function respond(sock: net.Socket, status: string, extra = ''): void {
  if (!sock.destroyed) sock.end(`HTTP/1.1 ${status}\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n`);
}

/** Serves one HTTP proxy client whose first bytes are `first`. */
export function serveHttp(sock: net.Socket, first: Buffer, ctx: MixedContext): void {
  let buf = first;
  const bad = (why: string, status = '400 Bad Request', extra = '') => {
    sock.removeListener('data', onData);
    ctx.debug('http proxy request refused', sock, why);
    respond(sock, status, extra);
  };
  const onData = (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    tryHead();
  };
  const tryHead = (): void => {
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) {
      if (buf.length > MAX_HEAD) bad('head too large', '431 Request Header Fields Too Large');
      return;
    }
    sock.removeListener('data', onData);
    const head = buf.toString('latin1', 0, end);
    const rest = buf.subarray(end + 4);
    const lines = head.split('\r\n');
    const m = /^([A-Z]{1,20}) (\S+) HTTP\/1\.([01])$/.exec(lines[0] ?? '');
    if (!m) return bad(`request line ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
    const [, method, target] = m as unknown as [string, string, string];
    const headers: [string, string][] = [];
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      if (i <= 0 || /\s/.test(l.slice(0, i))) return bad(`header line ${JSON.stringify(l.slice(0, 80))}`);
      headers.push([l.slice(0, i), l.slice(i + 1).trim()]);
    }
    let user = '';
    if (ctx.auth) {
      const h = headers.find(([k]) => k.toLowerCase() === 'proxy-authorization')?.[1] ?? '';
      const b = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(h);
      const dec = b ? Buffer.from(b[1] ?? '', 'base64').toString('utf8') : '';
      const i = dec.indexOf(':');
      if (i < 0 || !ctx.auth.check(dec.slice(0, i), dec.slice(i + 1))) {
        return bad('proxy authentication failed', '407 Proxy Authentication Required', 'Proxy-Authenticate: Basic realm="switchyard"\r\n');
      }
      user = dec.slice(0, i);
    }
    if (method === 'CONNECT') {
      const hp = parseHostPort(target);
      const t = hp && parseTarget(hp.host, hp.port);
      if (!t) return bad(`CONNECT target ${JSON.stringify(target.slice(0, 80))}`);
      sock.pause();
      sock.write('HTTP/1.1 200 Connection established\r\n\r\n');
      const meta = newMetadata({ network: 'tcp', type: 'HTTP', ...ctx.source(sock), ...t, inboundUser: user });
      return ctx.handOver(sock, meta, rest);
    }
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return bad(`not an absolute URI: ${JSON.stringify(target.slice(0, 80))}`);
    }
    if (url.protocol !== 'http:' || url.username || url.password) return bad(`unsupported URI ${JSON.stringify(target.slice(0, 80))}`);
    const t = parseTarget(url.hostname.replace(/^\[|\]$/g, ''), Number(url.port || 80));
    if (!t) return bad(`bad host in ${JSON.stringify(target.slice(0, 80))}`);
    const out = [`${method} ${url.pathname}${url.search} HTTP/1.1`];
    let hasHost = false;
    for (const [k, v] of headers) {
      const lk = k.toLowerCase();
      if (HOP_BY_HOP.has(lk)) continue;
      if (lk === 'host') hasHost = true;
      out.push(`${k}: ${v}`);
    }
    if (!hasHost) out.splice(1, 0, `Host: ${url.host}`);
    out.push('Connection: close');
    sock.pause();
    const meta = newMetadata({ network: 'tcp', type: 'HTTP', ...ctx.source(sock), ...t, inboundUser: user });
    ctx.handOver(sock, meta, Buffer.concat([Buffer.from(out.join('\r\n') + '\r\n\r\n', 'latin1'), rest]));
  };
  sock.on('data', onData);
  tryHead();
}
