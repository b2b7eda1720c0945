// Nameservers dialed through an outbound: mihomo's `#PROXY` / `#<proxy or
// group>` fragment, and `respect-rules: true` (the nameserver's connection is
// decided by the rules, its host/address choosing the outbound). The engine
// supplies the dialer (it owns outbounds and rules); dns/ only says where
// to go and through what.
//
// What mihomo does, and so do we (mihomo dns/dialer.go): TCP-based servers
// (tcp://, tls://, https://) open their TCP connection through the outbound
// (SOCKS5 CONNECT / HTTP CONNECT; a host name is sent as a name, so the
// proxy resolves it); plain UDP servers send their datagrams through the
// outbound's UDP relay (SOCKS5 UDP ASSOCIATE), and an outbound without UDP
// fails the exchange with SY_ERR_DNS_PROXY (write `tcp://` to use TCP).
import type { Socket } from 'node:net';
import { randomInt } from 'node:crypto';
import dnsPacket from 'dns-packet';
import type { Destination, UdpFlow } from '../core/outbound.js';
import { SyError } from '../core/errors.js';
import { buildQuery, guard, matches, readTcpAnswer, tcpFrame, type Question } from './exchange.js';
import type { Nameserver } from './nameserver.js';

/** The fragment value that means "decided by the rules" (respect-rules); mihomo's spelling. */
export const VIA_RULES = 'RULES';

/** Dials through an outbound named `via` (a proxy/group name, or VIA_RULES). Rejects with a coded error. */
export interface DnsProxyDialer {
  /** A connected TCP socket to `dst` through `via`. */
  tcp(via: string, dst: Destination, signal?: AbortSignal): Promise<Socket>;
  /** A UDP flow through `via` (SY_ERR_DNS_PROXY when it relays no UDP). */
  udp(via: string, dst: Destination, signal?: AbortSignal): Promise<UdpFlow>;
}

/** Where a proxied server is dialed: its name (the proxy resolves it) and/or address. */
export function proxiedDestination(ns: Nameserver, ip = ''): Destination {
  return ns.family === 0 ? { host: ns.host, ip, port: ns.port } : { host: '', ip: ns.host, port: ns.port };
}

/** One udp:// or tcp:// exchange through `via`. */
export function exchangeVia(ns: Nameserver, via: string, dst: Destination, q: Question, dialer: DnsProxyDialer, timeoutMs: number, signal?: AbortSignal): Promise<dnsPacket.DecodedPacket> {
  return ns.proto === 'udp' ? udpVia(ns, via, dst, q, dialer, timeoutMs, signal) : tcpVia(ns, via, dst, q, dialer, timeoutMs, signal);
}

function udpVia(ns: Nameserver, via: string, dst: Destination, q: Question, dialer: DnsProxyDialer, timeoutMs: number, signal?: AbortSignal): Promise<dnsPacket.DecodedPacket> {
  const id = randomInt(0, 65536);
  const query = buildQuery(q, id, ns.ecs);
  const where = `${ns.raw} via ${via} ${q.name} ${q.type}`;
  return guard(ns, q, timeoutMs, signal, (done) => {
    let flow: UdpFlow | undefined;
    let over = false;
    let again: NodeJS.Timeout | undefined;
    dialer.udp(via, dst, signal).then(
      (f) => {
        if (over) return f.close();
        flow = f;
        f.onMessage((msg) => {
          let p: dnsPacket.DecodedPacket;
          try {
            p = dnsPacket.decode(msg);
          } catch {
            return; // garbage: keep waiting
          }
          if (matches(p, id, q)) done(null, p);
        });
        f.onClose((err) => done(new SyError('SY_ERR_DNS_PROXY', { where, detail: 'the proxy closed the UDP association before an answer', cause: err })));
        f.send(query, dst);
        again = setTimeout(() => f.send(query, dst), Math.floor(timeoutMs / 2));
      },
      (e: unknown) => done(e instanceof SyError ? e : new SyError('SY_ERR_DNS_PROXY', { where, cause: e })),
    );
    return () => {
      over = true;
      if (again) clearTimeout(again);
      flow?.close();
    };
  });
}

function tcpVia(ns: Nameserver, via: string, dst: Destination, q: Question, dialer: DnsProxyDialer, timeoutMs: number, signal?: AbortSignal): Promise<dnsPacket.DecodedPacket> {
  const id = randomInt(0, 65536);
  const query = buildQuery(q, id, ns.ecs);
  const where = `${ns.raw} via ${via} (tcp) ${q.name} ${q.type}`;
  return guard(ns, q, timeoutMs, signal, (done) => {
    let sock: Socket | undefined;
    let over = false;
    dialer.tcp(via, dst, signal).then(
      (s) => {
        if (over) return void s.destroy();
        sock = s;
        readTcpAnswer(s, id, q, where, done);
        if (s.isPaused()) s.resume();
        s.write(tcpFrame(query));
      },
      (e: unknown) => done(e instanceof SyError ? e : new SyError('SY_ERR_DNS_PROXY', { where, cause: e })),
    );
    return () => {
      over = true;
      sock?.destroy();
    };
  });
}
