// The TPROXY UDP inbound: native TransparentUdp delivers (data, client,
// original destination); each datagram goes to the dispatcher with a replier
// that answers from the original destination (sendFrom), so the client sees
// the server it addressed.
//
// Lifecycle: start() opens the transparent socket; close() closes it. Idempotent.
import type { Dispatcher, UdpReplier } from '../core/dispatcher.js';
import type { Logger } from '../core/logger.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { newMetadata } from '../core/metadata.js';
import { normalizeIp, formatHostPort } from '../core/address.js';
import { SyError } from '../core/errors.js';
import type { NativeInbound, TransparentUdpSocket } from './native-api.js';

export interface TproxyUdpOptions {
  host: string;
  port: number;
  family: 4 | 6;
  dispatcher: Dispatcher;
  native: Pick<NativeInbound, 'TransparentUdp'>;
  logger: Logger;
  name?: string;
  mark?: number;
}

export interface TproxyUdpInbound extends Lifecycle {
  readonly name: string;
  address(): { ip: string; port: number } | null;
}

export function createTproxyUdpInbound(o: TproxyUdpOptions): TproxyUdpInbound {
  const name = o.name ?? 'DEFAULT-TPROXY';
  const log = o.logger.child({ inbound: name, network: 'udp' });
  let sock: TransparentUdpSocket | undefined;
  let bound: { ip: string; port: number } | null = null;

  const onMessage = (data: Buffer, src: { ip: string; port: number }, dst: { ip: string; port: number }, dscp: number) => {
    const s = sock;
    if (!s) return;
    const client = { ip: normalizeIp(src.ip), port: src.port };
    const orig = { ip: normalizeIp(dst.ip), port: dst.port };
    if (!client.ip || !orig.ip) return;
    const meta = newMetadata({
      network: 'udp',
      type: 'TProxy',
      srcIP: client.ip,
      srcPort: client.port,
      dstIP: orig.ip,
      dstPort: orig.port,
      inboundName: name,
      inboundIP: bound?.ip ?? o.host,
      inboundPort: bound?.port ?? o.port,
      ...(dscp >= 0 ? { dscp } : {}),
    });
    let closed = false;
    const replier: UdpReplier = {
      send(reply, from) {
        if (closed || sock !== s) return;
        try {
          s.sendFrom(reply, { ip: from.ip, port: from.port }, client);
        } catch (err) {
          if (log.debugEnabled) log.debug('reply not sent', { error: err, from: formatHostPort(from.ip, from.port), to: formatHostPort(client.ip, client.port) });
        }
      },
      close() {
        closed = true;
      },
    };
    try {
      o.dispatcher.handleUdp({ data, src: client, dst: orig }, meta, replier);
    } catch (err) {
      log.error('dispatcher failed on a datagram', { error: err });
    }
  };

  return {
    name,
    address: () => bound,
    async start() {
      if (sock) return;
      try {
        sock = new o.native.TransparentUdp({ host: o.host, port: o.port, family: o.family, mark: o.mark }, onMessage);
      } catch (cause) {
        throw new SyError('SY_ERR_NET_LISTEN', { where: `${name} udp ${formatHostPort(o.host, o.port)}`, cause });
      }
      const a = sock.address();
      bound = { ip: normalizeIp(a.ip) || a.ip, port: a.port };
      log.info('TPROXY UDP listening', { address: formatHostPort(bound.ip, bound.port) });
    },
    async close() {
      const s = sock;
      sock = undefined;
      s?.close();
    },
  };
}
