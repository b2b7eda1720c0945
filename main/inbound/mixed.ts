// The mixed port: SOCKS5 and HTTP proxy on one TCP port, told apart by the
// first byte (0x05 SOCKS5, 0x04 SOCKS4 -> refused, anything else HTTP).
// Bound to 127.0.0.1 and ::1 unless allow-lan; then to `bind-address`
// ('*' = every address). Handshakes have a deadline; a malformed one is
// answered with the protocol's error, logged at debug, and never throws.
//
// Lifecycle: start() listens (rejects SY_ERR_NET_LISTEN); close() stops
// listening, ends handshakes in progress and UDP relays. Idempotent.
import net from 'node:net';
import type { Dispatcher } from '../core/dispatcher.js';
import type { Logger } from '../core/logger.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { Metadata } from '../core/metadata.js';
import { normalizeIp, formatHostPort } from '../core/address.js';
import { SyError } from '../core/errors.js';
import { credentials, describeClient, type MixedContext } from './mixed-context.js';
import { serveSocks5 } from './socks5-server.js';
import { serveHttp } from './http-proxy.js';
import { createAcceptGuard } from './accept-guard.js';

export interface MixedInboundOptions {
  /** `bind-address` (used only with allowLan): '*' or '' = all addresses */
  host?: string;
  port: number;
  allowLan: boolean;
  dispatcher: Dispatcher;
  logger: Logger;
  /** Clash `authentication`: ["user:pass", ...]; empty = none */
  authentication?: readonly string[];
  /** default DEFAULT-MIXED */
  name?: string;
  /** deadline for a client to finish its handshake (default 10 s) */
  handshakeTimeoutMs?: number;
}

export interface MixedInbound extends Lifecycle {
  readonly name: string;
  /** Listening addresses (after start). */
  addresses(): { ip: string; port: number }[];
}

export function createMixedInbound(o: MixedInboundOptions): MixedInbound {
  const name = o.name ?? 'DEFAULT-MIXED';
  const log = o.logger.child({ inbound: name });
  const servers: net.Server[] = [];
  const pending = new Set<net.Socket>();
  const resources = new Set<() => void>();
  const guard = createAcceptGuard(log);
  let port = o.port;

  const ctx: MixedContext = {
    dispatcher: o.dispatcher,
    logger: log,
    auth: credentials(o.authentication),
    name,
    source: (sock) => ({
      srcIP: normalizeIp(sock.remoteAddress ?? ''),
      srcPort: sock.remotePort ?? 0,
      inboundName: name,
      inboundIP: normalizeIp(sock.localAddress ?? ''),
      inboundPort: sock.localPort ?? port,
    }),
    endHandshake(sock: net.Socket) {
      pending.delete(sock);
      clearHandshakeTimer(sock);
    },
    handOver(sock: net.Socket, meta: Metadata, head: Buffer) {
      ctx.endHandshake(sock);
      try {
        o.dispatcher.handleTcp(sock, meta, head.length ? head : undefined);
      } catch (err) {
        log.error('dispatcher failed on a new connection', { error: err });
        sock.destroy();
      }
    },
    track(close) {
      resources.add(close);
      return () => resources.delete(close);
    },
    debug(msg, sock, why) {
      if (log.debugEnabled) log.debug(msg, { client: describeClient(sock), why });
    },
  };

  const timers = new WeakMap<net.Socket, NodeJS.Timeout>();
  const clearHandshakeTimer = (sock: net.Socket) => {
    const t = timers.get(sock);
    if (t) clearTimeout(t);
  };

  const onConnection = (sock: net.Socket) => {
    pending.add(sock);
    sock.on('error', () => {}); // the owner (this handshake, then the tunnel) reacts to close
    sock.once('close', () => {
      pending.delete(sock);
      clearHandshakeTimer(sock);
    });
    const t = setTimeout(() => {
      ctx.debug('handshake timeout', sock, `no complete request within ${o.handshakeTimeoutMs ?? 10_000} ms`);
      sock.destroy();
    }, o.handshakeTimeoutMs ?? 10_000);
    t.unref();
    timers.set(sock, t);
    sock.once('data', (first: Buffer) => {
      try {
        if (first[0] === 5) serveSocks5(sock, first, ctx);
        else if (first[0] === 4) {
          ctx.debug('socks4 refused', sock, 'SOCKS4 is not supported');
          sock.end(Buffer.from([0, 91, 0, 0, 0, 0, 0, 0]));
        } else serveHttp(sock, first, ctx);
      } catch (err) {
        log.warn('handshake failed unexpectedly', { client: describeClient(sock), error: err });
        sock.destroy();
      }
    });
  };

  const hosts = (): string[] => {
    if (!o.allowLan) return ['127.0.0.1', '::1'];
    const h = o.host ?? '*';
    return h === '*' || h === '' ? ['::'] : [h];
  };

  const listen = (host: string, p: number) =>
    new Promise<net.Server>((resolve, reject) => {
      const srv = net.createServer({ allowHalfOpen: true }, onConnection);
      srv.once('error', reject);
      srv.listen({ host, port: p, ipv6Only: false }, () => {
        srv.removeListener('error', reject);
        srv.on('error', (err: NodeJS.ErrnoException) => {
          if (!guard.onError(err)) log.warn('listener error', { error: err });
        });
        resolve(srv);
      });
    });

  return {
    name,
    addresses: () =>
      servers.map((s) => {
        const a = s.address() as net.AddressInfo;
        return { ip: normalizeIp(a.address) || a.address, port: a.port };
      }),
    async start() {
      if (servers.length) return;
      const [primary, ...others] = hosts();
      try {
        const first = await listen(primary!, o.port);
        servers.push(first);
        port = (first.address() as net.AddressInfo).port; // port 0: the others share the chosen one
      } catch (cause) {
        throw new SyError('SY_ERR_NET_LISTEN', { where: `${name} ${formatHostPort(primary!, o.port)}`, cause });
      }
      for (const h of others) {
        try {
          servers.push(await listen(h, port));
        } catch (err) {
          // ::1 is absent on hosts without IPv6: loopback v4 still serves
          log.warn('mixed port not listening on one address', { address: formatHostPort(h, port), error: err });
        }
      }
      log.info('mixed port listening', { addresses: servers.map((s) => s.address()) });
    },
    async close() {
      guard.close();
      const all = servers.splice(0);
      for (const s of pending) s.destroy();
      pending.clear();
      for (const r of [...resources]) r();
      await Promise.all(all.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
