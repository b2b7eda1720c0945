// The DNS listener: UDP and TCP on the same address and port (`dns.listen`).
// TCP carries length-prefixed messages (RFC 1035 §4.2.2), several per
// connection and answered as they complete (RFC 7766 pipelining); idle
// connections close after `tcpIdleMs`. Malformed input never crashes it: the
// handler answers FORMERR or drops, and logs at debug.
//
// Lifecycle: start() binds (UDP first, then TCP on the port UDP got, so
// port 0 works), close() stops both and ends open TCP connections; both are
// idempotent.
import dgram from 'node:dgram';
import net from 'node:net';
import type { Lifecycle } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import { SyError } from '../core/errors.js';
import { formatHostPort, ipFamily, normalizeIp } from '../core/address.js';
import { createDnsHandler, type DnsHandler, type DnsMode, type DnsUpstream } from './handler.js';
import type { FakeIpPoolImpl } from './fake-ip-pool.js';
import type { HostsTable } from './hosts.js';

export interface DnsServerOptions {
  readonly listen: { readonly host: string; readonly port: number };
  readonly mode: DnsMode;
  readonly fakeIp?: FakeIpPoolImpl;
  readonly upstream: DnsUpstream;
  readonly hosts?: HostsTable;
  readonly logger: Logger;
  readonly ipv6: boolean;
  /** Default 10 s. */
  readonly tcpIdleMs?: number;
  /** Most concurrent TCP connections (default 512); more are refused. */
  readonly maxTcpConnections?: number;
}

export interface DnsServer extends Lifecycle {
  /** The bound address (after start()). */
  address(): { host: string; port: number };
}

const MAX_PORT_TRIES = 10;

export function createDnsServer(opts: DnsServerOptions): DnsServer {
  const handle: DnsHandler = createDnsHandler(opts);
  const log = opts.logger;
  const idleMs = opts.tcpIdleMs ?? 10_000;
  const maxConns = opts.maxTcpConnections ?? 512;
  const host = opts.listen.host === '' || opts.listen.host === '*' ? '0.0.0.0' : normalizeIp(opts.listen.host) || opts.listen.host;
  const family = ipFamily(host) === 6 ? 6 : 4;
  let udp: dgram.Socket | undefined;
  let tcp: net.Server | undefined;
  const conns = new Set<net.Socket>();
  let bound: { host: string; port: number } | undefined;
  let state: 'new' | 'starting' | 'running' | 'closed' = 'new';

  const onDatagram = (msg: Buffer, rinfo: dgram.RemoteInfo) => {
    handle(msg, 'udp').then(
      (res) => {
        if (res && udp && state === 'running') udp.send(res, rinfo.port, rinfo.address, (e) => e && log.debug('dns: udp send failed', { to: rinfo.address, error: e.message }));
      },
      (e: unknown) => log.error('dns: handler failed', { error: e as Error }),
    );
  };

  const onConnection = (sock: net.Socket) => {
    if (conns.size >= maxConns) return void sock.destroy();
    conns.add(sock);
    sock.setTimeout(idleMs, () => sock.destroy());
    sock.on('error', (e) => log.debug('dns: tcp client error', { error: e.message }));
    sock.on('close', () => conns.delete(sock));
    let acc: Buffer = Buffer.alloc(0);
    // The client may half-close after its last query: answer what is pending, then end.
    let pending = 0;
    let ended = false;
    const maybeEnd = () => {
      if (ended && pending === 0 && !sock.destroyed) sock.end();
    };
    sock.on('end', () => {
      ended = true;
      maybeEnd();
    });
    sock.on('data', (d: Buffer) => {
      acc = acc.length ? Buffer.concat([acc, d]) : d;
      while (acc.length >= 2) {
        const len = acc.readUInt16BE(0);
        if (len < 12) return void sock.destroy(); // cannot even hold a header: not DNS
        if (acc.length < 2 + len) break;
        const msg = acc.subarray(2, 2 + len);
        acc = acc.subarray(2 + len);
        pending++;
        handle(msg, 'tcp').then(
          (res) => {
            pending--;
            if (!res) return void sock.destroy();
            if (sock.destroyed) return;
            const l = Buffer.alloc(2);
            l.writeUInt16BE(res.length);
            sock.write(Buffer.concat([l, res]));
            maybeEnd();
          },
          (e: unknown) => {
            pending--;
            log.error('dns: handler failed', { error: e as Error });
            sock.destroy();
          },
        );
      }
    });
  };

  async function bindBoth(port: number): Promise<boolean> {
    const u = dgram.createSocket({ type: family === 6 ? 'udp6' : 'udp4', reuseAddr: false });
    u.on('message', onDatagram);
    u.on('error', (e) => log.error('dns: udp socket error', { error: e }));
    await new Promise<void>((resolve, reject) => {
      u.once('error', reject);
      u.bind(port, host, () => {
        u.off('error', reject);
        resolve();
      });
    }).catch((e: unknown) => {
      u.close();
      throw listenError(port, e);
    });
    const p = u.address().port;
    const t = net.createServer({ allowHalfOpen: true }, onConnection);
    const ok = await new Promise<true | Error>((resolve) => {
      t.once('error', (e) => resolve(e));
      t.listen({ port: p, host, exclusive: true }, () => resolve(true));
    });
    if (ok !== true) {
      u.close();
      if (port === 0 && (ok as NodeJS.ErrnoException).code === 'EADDRINUSE') return false; // try another port
      throw listenError(p, ok);
    }
    t.on('error', (e) => log.error('dns: tcp server error', { error: e }));
    udp = u;
    tcp = t;
    bound = { host, port: p };
    return true;
  }

  function listenError(port: number, cause: unknown): SyError {
    return new SyError('SY_ERR_DNS_LISTEN', { where: formatHostPort(host, port), cause });
  }

  return {
    async start() {
      if (state !== 'new') return;
      state = 'starting';
      for (let i = 0; i < MAX_PORT_TRIES; i++) {
        let ok: boolean;
        try {
          ok = await bindBoth(opts.listen.port);
        } catch (e) {
          state = 'closed';
          throw e;
        }
        if (ok) {
          state = 'running';
          log.info('dns: listening', { address: formatHostPort(host, bound!.port), mode: opts.mode });
          return;
        }
      }
      state = 'closed';
      throw listenError(opts.listen.port, new Error('no port free for both UDP and TCP'));
    },
    async close() {
      if (state === 'closed') return;
      state = 'closed';
      for (const c of conns) c.destroy();
      conns.clear();
      const u = udp, t = tcp;
      udp = undefined;
      tcp = undefined;
      if (u) await new Promise<void>((r) => u.close(() => r()));
      if (t) await new Promise<void>((r) => t.close(() => r()));
    },
    address() {
      if (!bound) throw new SyError('SY_ERR_DNS_LISTEN', { where: formatHostPort(host, opts.listen.port), detail: 'not started' });
      return bound;
    },
  };
}
