// Test DNS servers with a caller-given zone, on 127.0.0.1: plain UDP, DoT
// (node tls) and DoH (node https), the last two with a self-signed
// certificate made here by `openssl req -x509` for the names doh.test,
// dot.test and the IP 127.0.0.1. Each server logs the questions it saw
// and counts the connections it accepted. A zone entry can also misbehave:
// 'garbage' (bytes that are no DNS message), 'silent' (never answers),
// 'close' (closes the connection), and for DoH { http: status, type }.
import dgram from 'node:dgram';
import https from 'node:https';
import tls from 'node:tls';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomInt } from 'node:crypto';
import dnsPacket from 'dns-packet';

export type ZoneReply =
  | { rcode?: number; answers: dnsPacket.Answer[] }
  | 'garbage'
  | 'silent'
  | 'close'
  | 'random'
  | { http: number; type?: string; body?: Buffer };
export type Zone = (name: string, type: string) => ZoneReply;

export interface Cert {
  readonly key: string;
  readonly cert: string;
}

/** A self-signed certificate for doh.test, dot.test, 127.0.0.1 and 198.51.100.2 (1 day). */
export function makeCert(): Cert {
  const dir = mkdtempSync(join(tmpdir(), 'sy-dns-cert-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=doh.test',
      '-addext', 'subjectAltName=DNS:doh.test,DNS:dot.test,IP:127.0.0.1,IP:198.51.100.2',
    ], { stdio: 'ignore', timeout: 10_000 });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const A = (name: string, ip: string, ttl = 60): dnsPacket.Answer => ({ type: 'A', name, ttl, class: 'IN', data: ip });
export const AAAA = (name: string, ip: string, ttl = 60): dnsPacket.Answer => ({ type: 'AAAA', name, ttl, class: 'IN', data: ip });

export interface ZoneServer {
  readonly port: number;
  /** `name type` of each question seen. */
  readonly log: string[];
  /** Connections accepted (DoT/DoH). */
  connections: number;
  /** DoH: the requests seen, `METHOD path content-type`. */
  readonly requests: string[];
  count(name: string): number;
  /** Drops the open connections (as a server's idle timeout would). */
  dropConnections(): void;
  close(): Promise<void>;
}

type Wire = { kind: 'answer'; msg: Buffer } | { kind: 'garbage' } | { kind: 'silent' } | { kind: 'close' } | { kind: 'random' } | { kind: 'http'; status: number; type?: string; body?: Buffer };

function reply(zone: Zone, log: string[], msg: Buffer): Wire {
  let req: dnsPacket.DecodedPacket;
  try {
    req = dnsPacket.decode(msg);
  } catch {
    return { kind: 'garbage' };
  }
  const q = req.questions?.[0];
  if (!q) return { kind: 'silent' };
  log.push(`${q.name.toLowerCase()} ${q.type}`);
  const r = zone(q.name.toLowerCase(), q.type);
  if (r === 'garbage' || r === 'silent' || r === 'close' || r === 'random') return { kind: r };
  if ('http' in r) return { kind: 'http', status: r.http, type: r.type, body: r.body };
  const flags = dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (r.rcode ?? 0);
  return { kind: 'answer', msg: dnsPacket.encode({ type: 'response', id: req.id, flags, questions: [q], answers: r.answers }) };
}

const GARBAGE = Buffer.from('this is not a DNS message at all');

function base(log: string[], close: () => Promise<void>, drop: () => void, port: number): ZoneServer {
  return {
    port,
    log,
    connections: 0,
    requests: [],
    count: (name) => log.filter((l) => l.split(' ')[0] === name).length,
    dropConnections: drop,
    close,
  };
}

export async function startUdpZone(zone: Zone): Promise<ZoneServer> {
  const log: string[] = [];
  const udp = dgram.createSocket('udp4');
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  udp.on('message', (m, rinfo) => {
    const w = reply(zone, log, m);
    if (w.kind === 'answer') udp.send(w.msg, rinfo.port, rinfo.address);
    else if (w.kind === 'garbage') udp.send(GARBAGE, rinfo.port, rinfo.address);
  });
  return base(log, async () => void udp.close(), () => {}, udp.address().port);
}

export async function startDotZone(zone: Zone, cert: Cert, host = '127.0.0.1'): Promise<ZoneServer> {
  const log: string[] = [];
  const conns = new Set<net.Socket>();
  const srv = tls.createServer({ key: cert.key, cert: cert.cert }, (s) => {
    z.connections++;
    conns.add(s);
    s.on('close', () => conns.delete(s));
    s.on('error', () => {});
    let acc = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      acc = Buffer.concat([acc, d]);
      while (acc.length >= 2 && acc.length >= 2 + acc.readUInt16BE(0)) {
        const m = acc.subarray(2, 2 + acc.readUInt16BE(0));
        acc = acc.subarray(2 + m.length);
        const w = reply(zone, log, m);
        const frame = (b: Buffer) => { const l = Buffer.alloc(2); l.writeUInt16BE(b.length); return Buffer.concat([l, b]); };
        if (w.kind === 'answer') s.write(frame(w.msg));
        else if (w.kind === 'garbage') s.write(frame(GARBAGE));
        else if (w.kind === 'close') s.destroy();
        else if (w.kind === 'random') s.write(randomBytes(randomInt(0, 300)));
      }
    });
  });
  srv.on('tlsClientError', () => {});
  await new Promise<void>((r) => srv.listen(0, host, r));
  const drop = () => { for (const c of conns) c.destroy(); };
  const z = base(log, async () => { drop(); await new Promise<void>((r) => srv.close(() => r())); }, drop, (srv.address() as net.AddressInfo).port);
  return z;
}

export async function startDohZone(zone: Zone, cert: Cert, host = '127.0.0.1'): Promise<ZoneServer> {
  const log: string[] = [];
  const conns = new Set<net.Socket>();
  const srv = https.createServer({ key: cert.key, cert: cert.cert, keepAliveTimeout: 5000 }, (req, res) => {
    z.requests.push(`${req.method} ${req.url} ${req.headers['content-type'] ?? ''}`);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const w = reply(zone, log, Buffer.concat(chunks));
      if (w.kind === 'silent') return;
      if (w.kind === 'close') return void req.socket.destroy();
      if (w.kind === 'http') {
        res.writeHead(w.status, { 'content-type': w.type ?? 'text/plain' });
        return void res.end(w.body ?? 'error');
      }
      res.writeHead(200, { 'content-type': 'application/dns-message' });
      res.end(w.kind === 'answer' ? w.msg : w.kind === 'random' ? randomBytes(randomInt(0, 300)) : GARBAGE);
    });
  });
  srv.on('secureConnection', (s) => {
    z.connections++;
    conns.add(s);
    s.on('close', () => conns.delete(s));
  });
  srv.on('tlsClientError', () => {});
  await new Promise<void>((r) => srv.listen(0, host, r));
  const drop = () => { for (const c of conns) c.destroy(); };
  const z = base(log, async () => { drop(); srv.closeAllConnections(); await new Promise<void>((r) => srv.close(() => r())); }, drop, (srv.address() as net.AddressInfo).port);
  return z;
}
