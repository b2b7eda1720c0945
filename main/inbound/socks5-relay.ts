// The UDP relay of one SOCKS5 UDP ASSOCIATE on the mixed port: a UDP socket
// bound to the address the client reached us on. Only datagrams from the
// associated client's IP are relayed (and from its announced port, when it
// announced one); fragments and malformed headers are dropped. Each client
// source port gets one replier; the relay lives as long as the TCP control
// connection.
import dgram from 'node:dgram';
import type net from 'node:net';
import type { UdpReplier } from '../core/dispatcher.js';
import { newMetadata } from '../core/metadata.js';
import { ipFamily, normalizeIp } from '../core/address.js';
import type { MixedContext } from './mixed-context.js';
import { decodeSocksUdp, encodeSocksUdp } from './socks5-wire.js';
import { parseTarget } from './target.js';

export async function startSocks5Relay(
  control: net.Socket,
  requested: { host: string; port: number },
  user: string,
  ctx: MixedContext,
): Promise<{ ip: string; port: number }> {
  const localIp = normalizeIp(control.localAddress ?? '');
  const clientIp = normalizeIp(control.remoteAddress ?? '');
  if (!localIp || !clientIp) throw new Error('control connection already closed');
  const reqIp = normalizeIp(requested.host);
  const fixedPort = reqIp && reqIp !== '0.0.0.0' && reqIp !== '::' && requested.port !== 0 ? requested.port : 0;
  const udp = dgram.createSocket(ipFamily(localIp) === 6 ? 'udp6' : 'udp4');
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(0, localIp, () => {
      udp.removeListener('error', reject);
      resolve();
    });
  });
  const repliers = new Map<number, UdpReplier & { closed: boolean }>();
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    untrack();
    repliers.clear();
    try {
      udp.close();
    } catch {
      /* already closed */
    }
    control.destroy();
  };
  const untrack = ctx.track(close);

  const replierFor = (port: number): UdpReplier => {
    let r = repliers.get(port);
    if (r && !r.closed) return r;
    const rep = {
      closed: false,
      send(data: Buffer, from: { ip: string; port: number }) {
        if (closed || rep.closed) return;
        const pkt = encodeSocksUdp(data, { host: from.ip, port: from.port });
        if (pkt) udp.send(pkt, port, clientIp, () => {});
      },
      close() {
        rep.closed = true;
        if (repliers.get(port) === rep) repliers.delete(port);
      },
    };
    repliers.set(port, rep);
    return rep;
  };

  udp.on('message', (msg, rinfo) => {
    if (normalizeIp(rinfo.address) !== clientIp) return; // not the associated client
    if (fixedPort && rinfo.port !== fixedPort) return;
    const d = decodeSocksUdp(msg);
    if (d === 'bad' || d === 'fragment') return;
    const target = parseTarget(d.host, d.port);
    if (!target) return;
    const meta = newMetadata({
      network: 'udp',
      type: 'Socks5',
      ...ctx.source(control),
      srcPort: rinfo.port,
      ...target,
      inboundUser: user,
    });
    try {
      ctx.dispatcher.handleUdp({ data: d.data, src: { ip: clientIp, port: rinfo.port }, dst: { ip: target.dstIP, port: target.dstPort } }, meta, replierFor(rinfo.port));
    } catch (err) {
      ctx.logger.error('dispatcher failed on a datagram', { error: err });
    }
  });
  udp.on('error', close);
  control.on('data', () => {}); // nothing is expected on the control connection
  control.on('error', close);
  control.once('close', close);
  control.once('end', close); // allowHalfOpen: a FIN from the client ends the association too
  control.setKeepAlive(true, 30_000);
  control.resume();
  const a = udp.address();
  return { ip: normalizeIp(a.address) || a.address, port: a.port };
}
