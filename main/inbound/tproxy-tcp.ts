// The TPROXY TCP inbound: a transparent listener (native/) adopted by a node
// server; every accepted socket's local address is the original destination.
// Each connection goes to the dispatcher paused (pauseOnConnect), unread.
//
// Lifecycle: start() creates the transparent fd and listens; close() stops
// listening (established connections belong to the tunnel). Idempotent.
import net from 'node:net';
import type { Dispatcher } from '../core/dispatcher.js';
import type { Logger } from '../core/logger.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { newMetadata, type Metadata } from '../core/metadata.js';
import { normalizeIp, formatHostPort } from '../core/address.js';
import { SyError } from '../core/errors.js';
import { markNoDelay } from '../core/socket-flags.js';
import type { NativeInbound } from './native-api.js';
import { createAcceptGuard } from './accept-guard.js';

export interface TproxyTcpOptions {
  host: string;
  port: number;
  family: 4 | 6;
  dispatcher: Dispatcher;
  native: Pick<NativeInbound, 'createTransparentTcpListener' | 'closeFd'>;
  logger: Logger;
  /** inbound name for rules (IN-NAME) and the API; default DEFAULT-TPROXY */
  name?: string;
  /** SO_MARK of the listener (replies to clients carry it) */
  mark?: number;
}

export interface TproxyTcpInbound extends Lifecycle {
  readonly name: string;
  address(): { ip: string; port: number } | null;
}

/** Metadata of a connection accepted on a TPROXY listener. */
export function tproxyTcpMeta(sock: net.Socket, name: string, inbound: { ip: string; port: number }): Metadata {
  return newMetadata({
    network: 'tcp',
    type: 'TProxy',
    srcIP: normalizeIp(sock.remoteAddress ?? ''),
    srcPort: sock.remotePort ?? 0,
    dstIP: normalizeIp(sock.localAddress ?? ''),
    dstPort: sock.localPort ?? 0,
    inboundName: name,
    inboundIP: inbound.ip,
    inboundPort: inbound.port,
  });
}

export function createTproxyTcpInbound(o: TproxyTcpOptions): TproxyTcpInbound {
  const name = o.name ?? 'DEFAULT-TPROXY';
  const log = o.logger.child({ inbound: name });
  const guard = createAcceptGuard(log);
  let server: net.Server | undefined;
  let bound: { ip: string; port: number } | null = null;

  const onConnection = (sock: net.Socket) => {
    markNoDelay(sock); // inherited from the listener (native createTransparentTcpListener)
    const inbound = bound ?? { ip: o.host, port: o.port };
    const meta = tproxyTcpMeta(sock, name, inbound);
    if (!meta.srcIP || !meta.dstIP) {
      sock.destroy(); // already reset by the peer
      return;
    }
    try {
      o.dispatcher.handleTcp(sock, meta);
    } catch (err) {
      log.error('dispatcher failed on a new connection', { error: err, src: formatHostPort(meta.srcIP, meta.srcPort), dst: formatHostPort(meta.dstIP, meta.dstPort) });
      sock.destroy();
    }
  };

  return {
    name,
    address: () => bound,
    async start() {
      if (server) return;
      let fd: number;
      try {
        fd = o.native.createTransparentTcpListener({ host: o.host, port: o.port, family: o.family, mark: o.mark });
      } catch (cause) {
        throw new SyError('SY_ERR_NET_LISTEN', { where: `${name} tcp ${formatHostPort(o.host, o.port)}`, cause });
      }
      // allowHalfOpen: the relay carries a client's FIN to the remote and keeps
      // answering (half-close), instead of node ending our side at once.
      const srv = net.createServer({ pauseOnConnect: true, allowHalfOpen: true }, onConnection);
      server = srv;
      await new Promise<void>((resolve, reject) => {
        const onErr = (cause: Error) => {
          // Node owns the fd once listen({fd}) took it: close through the
          // server, never by number (the number may already be reused).
          srv.close();
          server = undefined;
          reject(new SyError('SY_ERR_NET_LISTEN', { where: `${name} tcp ${formatHostPort(o.host, o.port)}`, cause }));
        };
        srv.once('error', onErr);
        srv.listen({ fd }, () => {
          srv.off('error', onErr);
          resolve();
        });
      });
      const a = srv.address();
      bound = a && typeof a === 'object' ? { ip: normalizeIp(a.address) || a.address, port: a.port } : { ip: o.host, port: o.port };
      srv.on('error', (err: NodeJS.ErrnoException) => {
        if (!guard.onError(err)) log.warn('listener error', { error: err });
      });
      log.info('TPROXY TCP listening', { address: formatHostPort(bound.ip, bound.port) });
    },
    async close() {
      guard.close();
      const srv = server;
      server = undefined;
      if (!srv) return;
      await new Promise<void>((r) => srv.close(() => r()));
    },
  };
}
