// One DNS exchange with one plain upstream over UDP or TCP (DoT and DoH are in
// dot.ts and doh.ts), on sockets from an
// injected factory (the engine's sets SO_MARK so the core's own queries are
// never captured again). A UDP answer is accepted only from the server's
// address and port, with our random id and our question (anti-spoofing);
// anything else is ignored while we keep waiting. A truncated UDP answer is
// retried over TCP. Every exchange is bounded by a timeout and an AbortSignal
// and always releases its socket.
import dgram from 'node:dgram';
import net from 'node:net';
import { randomInt } from 'node:crypto';
import dnsPacket from 'dns-packet';
import { SyError } from '../core/errors.js';
import { normalizeIp } from '../core/address.js';
import type { Nameserver } from './nameserver.js';

export interface DnsSocketFactory {
  udp(family: 4 | 6): dgram.Socket;
  tcp(family: 4 | 6): net.Socket;
}

/** Plain sockets (tests, and when no routing mark is configured). */
export const DEFAULT_SOCKET_FACTORY: DnsSocketFactory = {
  udp: (family) => dgram.createSocket(family === 4 ? 'udp4' : 'udp6'),
  tcp: () => new net.Socket(),
};

export interface Question {
  readonly name: string; // normalised, no trailing dot
  readonly type: dnsPacket.RecordType;
}

/** EDNS(0) payload size we advertise upstream (the DNS flag day 2020 value). */
const EDNS_SIZE = 1232;

/** The query message; with `ecs`, an EDNS Client Subnet option (address already masked). */
export function buildQuery(q: Question, id: number, ecs?: Nameserver['ecs']): Buffer {
  // 8 = CLIENT_SUBNET (the typings want the number).
  const options: dnsPacket.PacketOpt[] = ecs ? [{ code: 8, family: ecs.family, sourcePrefixLength: ecs.prefix, scopePrefixLength: 0, ip: ecs.ip }] : [];
  return dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type: q.type, name: q.name, class: 'IN' }],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: EDNS_SIZE, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options }],
  });
}

export function matches(p: dnsPacket.DecodedPacket, id: number, q: Question): boolean {
  const pq = p.questions?.[0];
  return p.type === 'response' && p.id === id && !!pq && pq.type === q.type && pq.name.toLowerCase().replace(/\.$/, '') === q.name;
}

/** Where a udp:// or tcp:// server is reached: its IP (resolved when written as a host name). */
export interface Target {
  readonly ip: string;
  readonly family: 4 | 6;
}

/** Asks a udp:// or tcp:// server at `to`; resolves with the decoded response, rejects with a SyError. */
export async function exchange(ns: Nameserver, to: Target, q: Question, sockets: DnsSocketFactory, timeoutMs: number, signal?: AbortSignal): Promise<dnsPacket.DecodedPacket> {
  if (ns.proto === 'udp') {
    const res = await exchangeUdp(ns, to, q, sockets, timeoutMs, signal);
    if (!res.flag_tc) return res;
  }
  return exchangeTcp(ns, to, q, sockets, timeoutMs, signal);
}

/**
 * Runs one exchange under a timeout and an AbortSignal: `run` starts it and
 * returns its cleanup, which runs exactly once however it ends.
 */
export function guard<T>(ns: Nameserver, q: Question, timeoutMs: number, signal: AbortSignal | undefined, run: (done: (err: Error | null, v?: T) => void) => () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let finished = false;
    let cleanup: () => void = () => {};
    const done = (err: Error | null, v?: T) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      try { cleanup(); } catch { /* already closed */ }
      if (err) reject(err);
      else resolve(v as T);
    };
    const where = `${ns.raw} ${q.name} ${q.type}`;
    const timer = setTimeout(() => done(new SyError('SY_ERR_DNS_TIMEOUT', { where, detail: `no answer within ${timeoutMs} ms` })), timeoutMs);
    const onAbort = () => done(new SyError('SY_ERR_DNS_TIMEOUT', { where, detail: 'aborted' }));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    try {
      const c = run(done);
      if (finished) {
        // done() ran synchronously inside run(): release now.
        try { c(); } catch { /* already closed */ }
      }
      else cleanup = c;
    } catch (e) {
      done(new SyError('SY_ERR_DNS_RESOLVE', { where, cause: e }));
    }
  });
}

function exchangeUdp(ns: Nameserver, to: Target, q: Question, sockets: DnsSocketFactory, timeoutMs: number, signal?: AbortSignal): Promise<dnsPacket.DecodedPacket> {
  const id = randomInt(0, 65536);
  const query = buildQuery(q, id, ns.ecs);
  return guard(ns, q, timeoutMs, signal, (done) => {
    const sock = sockets.udp(to.family);
    sock.on('error', (e) => done(new SyError('SY_ERR_DNS_RESOLVE', { where: `${ns.raw} ${q.name} ${q.type}`, cause: e })));
    sock.on('message', (msg, rinfo) => {
      if (normalizeIp(rinfo.address) !== to.ip || rinfo.port !== ns.port) return;
      let p: dnsPacket.DecodedPacket;
      try {
        p = dnsPacket.decode(msg);
      } catch {
        return; // garbage: keep waiting for the real answer
      }
      if (matches(p, id, q)) done(null, p);
    });
    const send = () => sock.send(query, ns.port, to.ip, (e) => e && done(new SyError('SY_ERR_DNS_RESOLVE', { where: ns.raw, cause: e })));
    send();
    // One retransmission half-way, for a lost datagram.
    const again = setTimeout(send, Math.floor(timeoutMs / 2));
    return () => {
      clearTimeout(again);
      sock.close();
    };
  });
}

function exchangeTcp(ns: Nameserver, to: Target, q: Question, sockets: DnsSocketFactory, timeoutMs: number, signal?: AbortSignal): Promise<dnsPacket.DecodedPacket> {
  const id = randomInt(0, 65536);
  const query = buildQuery(q, id, ns.ecs);
  return guard(ns, q, timeoutMs, signal, (done) => {
    const sock = sockets.tcp(to.family);
    readTcpAnswer(sock, id, q, `${ns.raw} (tcp) ${q.name} ${q.type}`, done);
    sock.connect(ns.port, to.ip, () => sock.write(tcpFrame(query)));
    return () => sock.destroy();
  });
}

/** A DNS message with its 2-byte length prefix (RFC 1035 §4.2.2, DNS over TCP). */
export function tcpFrame(msg: Buffer): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(msg.length);
  return Buffer.concat([len, msg]);
}

/**
 * Reads length-prefixed DNS messages from a TCP stream until one answers
 * (id, question); errors, an early close and a malformed answer end it with a
 * coded error located at `where`.
 */
export function readTcpAnswer(
  sock: NodeJS.EventEmitter,
  id: number,
  q: Question,
  where: string,
  done: (err: Error | null, p?: dnsPacket.DecodedPacket) => void,
): void {
  let acc: Buffer = Buffer.alloc(0);
  sock.on('error', (e: Error) => done(new SyError('SY_ERR_DNS_RESOLVE', { where, cause: e })));
  sock.on('close', () => done(new SyError('SY_ERR_DNS_UPSTREAM', { where, detail: 'connection closed before an answer' })));
  sock.on('data', (d: Buffer) => {
    acc = acc.length ? Buffer.concat([acc, d]) : d;
    while (acc.length >= 2 && acc.length >= 2 + acc.readUInt16BE(0)) {
      const msg = acc.subarray(2, 2 + acc.readUInt16BE(0));
      acc = acc.subarray(2 + msg.length);
      try {
        const p = dnsPacket.decode(msg);
        if (matches(p, id, q)) return done(null, p);
      } catch {
        return done(new SyError('SY_ERR_DNS_UPSTREAM', { where, detail: 'malformed answer' }));
      }
    }
  });
}

/** The response code name (NOERROR, NXDOMAIN, SERVFAIL, ...) of a decoded packet. */
export function rcodeOf(p: dnsPacket.DecodedPacket): string {
  return (p as unknown as { rcode?: string }).rcode ?? 'SERVFAIL';
}
