// An HTTP upstream: TCP through CONNECT, optional basic auth, optional TLS to
// the proxy. No UDP. Errors never carry the password.
import type net from 'node:net';
import tls from 'node:tls';
import type { Destination, Outbound, UdpFlow } from '../core/outbound.js';
import type { Metadata } from '../core/metadata.js';
import type { Resolver } from '../core/rule.js';
import type { ProxyConfig } from '../config/types.js';
import { SyError } from '../core/errors.js';
import { formatHostPort } from '../core/address.js';
import type { SocketFactory } from './socket-factory.js';
import { connectTcp, describeDst, Health, resolveIp } from './dial.js';

export interface HttpDeps {
  sockets: SocketFactory;
  resolver: Resolver;
  connectTimeoutMs?: number;
  handshakeTimeoutMs?: number;
}

const MAX_HEAD = 16 * 1024;

export class HttpOutbound implements Outbound {
  readonly type = 'Http' as const;
  readonly supportsUdp = false;
  readonly name: string;
  readonly health = new Health();
  private readonly where: string;

  constructor(
    private readonly cfg: Pick<ProxyConfig, 'name' | 'server' | 'port' | 'username' | 'password' | 'tls' | 'skipCertVerify'>,
    private readonly deps: HttpDeps,
  ) {
    this.name = cfg.name;
    this.where = `http "${cfg.name}" ${formatHostPort(cfg.server, cfg.port)}`;
  }

  alive(): boolean {
    return this.health.alive();
  }

  history() {
    return this.health.history();
  }

  async dialTcp(dst: Destination, meta: Metadata, signal?: AbortSignal): Promise<net.Socket> {
    const ip = await resolveIp(this.deps.resolver, this.cfg.server, '', this.where);
    let sock: net.Socket = await connectTcp(this.deps.sockets, ip, this.cfg.port, { signal, where: this.where, timeoutMs: this.deps.connectTimeoutMs });
    if (this.cfg.tls) sock = await this.startTls(sock, signal);
    const target = formatHostPort(dst.host || dst.ip, dst.port);
    const auth = this.cfg.username || this.cfg.password
      ? `Proxy-Authorization: Basic ${Buffer.from(`${this.cfg.username}:${this.cfg.password}`).toString('base64')}\r\n`
      : '';
    sock.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth}\r\n`);
    await this.readResponse(sock, `${this.where} -> ${describeDst(dst)}`, signal);
    meta.remoteDestination = dst.ip || dst.host;
    return sock;
  }

  async dialUdp(): Promise<UdpFlow> {
    throw new SyError('SY_ERR_NET_NO_UDP', { where: this.where });
  }

  private startTls(raw: net.Socket, signal?: AbortSignal): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const t = tls.connect({ socket: raw, servername: this.cfg.server, rejectUnauthorized: !this.cfg.skipCertVerify });
      const onAbort = () => t.destroy(new Error('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      const onError = (cause: Error) => {
        signal?.removeEventListener('abort', onAbort);
        t.destroy();
        reject(new SyError('SY_ERR_NET_DIAL', { where: this.where, detail: 'TLS handshake with the proxy failed', cause }));
      };
      t.once('secureConnect', () => {
        signal?.removeEventListener('abort', onAbort);
        t.removeListener('error', onError);
        resolve(t);
      });
      t.once('error', onError);
    });
  }

  private readResponse(sock: net.Socket, where: string, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      let buf: Buffer = Buffer.alloc(0);
      let done = false;
      const finish = (err?: SyError) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        sock.removeListener('data', onData);
        sock.removeListener('close', onClose);
        sock.removeListener('error', onError);
        signal?.removeEventListener('abort', onAbort);
        if (err) {
          sock.destroy();
          reject(err);
        } else resolve();
      };
      const onData = (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) {
          if (buf.length > MAX_HEAD) finish(new SyError('SY_ERR_NET_HTTP_PROXY', { where, detail: 'response head too large' }));
          return;
        }
        const status = /^HTTP\/1\.[01] (\d{3})/.exec(buf.toString('latin1', 0, Math.min(end, 64)));
        const code = status ? Number(status[1]) : 0;
        if (code < 200 || code > 299) {
          const line = buf.toString('latin1', 0, Math.min(buf.indexOf('\r\n'), 120));
          return finish(new SyError('SY_ERR_NET_HTTP_PROXY', { where, value: line, detail: code === 407 ? 'proxy authentication required or refused' : undefined }));
        }
        sock.pause();
        const rest = buf.subarray(end + 4);
        finish();
        if (rest.length) sock.unshift(rest);
      };
      const onClose = () => finish(new SyError('SY_ERR_NET_HTTP_PROXY', { where, detail: 'the proxy closed the connection before answering' }));
      const onError = (cause: Error) => finish(new SyError('SY_ERR_NET_DIAL', { where, cause }));
      const onAbort = () => finish(new SyError('SY_ERR_NET_ABORTED', { where }));
      const timer = setTimeout(() => finish(new SyError('SY_ERR_NET_TIMEOUT', { where, detail: 'no answer to CONNECT' })), this.deps.handshakeTimeoutMs ?? 10_000);
      timer.unref();
      signal?.addEventListener('abort', onAbort, { once: true });
      sock.on('data', onData);
      sock.once('close', onClose);
      sock.once('error', onError);
      sock.resume();
    });
  }
}
