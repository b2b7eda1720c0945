// Answers one DNS query message (transport-agnostic; server.ts carries it
// over UDP and TCP). Order of decisions for a question (name, type):
//   1. malformed: FORMERR when the 12-byte header is readable, else dropped;
//      responses, non-QUERY opcodes (NOTIMP) and multi-question messages are refused;
//   2. `hosts:` entries answer A/AAAA locally (an alias: CNAME + the alias's answer);
//   3. AAAA with ipv6 off: NOERROR without records;
//   4. fake-ip mode, A/AAAA of a name not in fake-ip-filter: a fake IP, TTL 1
//      (AAAA only with a v6 range, else NOERROR without records, so clients
//      cannot bypass domain rules over real IPv6); SVCB/HTTPS empty (their
//      address hints would bypass fake IPs); PTR of a fake IP: its host;
//   5. everything else is forwarded to the upstream resolver (cached), which
//      also fills the HostCache used by redir-host mode. Upstream failure: SERVFAIL.
import dnsPacket from 'dns-packet';
import type { Logger } from '../core/logger.js';
import { ipFamily, normalizeHost, normalizeIp } from '../core/address.js';
import type { FakeIpPoolImpl } from './fake-ip-pool.js';
import type { HostsTable } from './hosts.js';
import type { QueryResult } from './resolver.js';

export type DnsMode = 'fake-ip' | 'redir-host' | 'normal';

export interface DnsUpstream {
  query(name: string, type: dnsPacket.RecordType): Promise<QueryResult>;
}

export interface DnsHandlerOptions {
  readonly mode: DnsMode;
  /** Required in fake-ip mode. */
  readonly fakeIp?: FakeIpPoolImpl;
  readonly upstream: DnsUpstream;
  readonly hosts?: HostsTable;
  readonly ipv6: boolean;
  readonly logger: Logger;
  /** TTL of fake-ip answers (default 1 s). */
  readonly fakeIpTtl?: number;
  /** TTL of hosts answers (default 10 s). */
  readonly hostsTtl?: number;
}

export type DnsHandler = (msg: Buffer, transport: 'udp' | 'tcp') => Promise<Buffer | null>;

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
const RCODE_BY_NAME: Record<string, number> = { ...RCODE, YXDOMAIN: 6, YXRRSET: 7, NXRRSET: 8, NOTAUTH: 9, NOTZONE: 10 };
const QR = 0x8000;
/** Longest chain of hosts aliases followed (a loop ends there). */
const MAX_ALIAS_DEPTH = 8;
// dns-packet does not model SVCB (64) and HTTPS (65): it names them UNKNOWN_<n>.
const SVCB = 'UNKNOWN_64' as dnsPacket.RecordType;
const HTTPS = 'UNKNOWN_65' as dnsPacket.RecordType;
const UDP_MIN = 512;
const UDP_MAX = 4096;

interface Reply {
  rcode: number;
  answers?: dnsPacket.Answer[];
  authorities?: dnsPacket.Answer[];
}

export function createDnsHandler(opts: DnsHandlerOptions): DnsHandler {
  const fakeTtl = opts.fakeIpTtl ?? 1;
  const hostsTtl = opts.hostsTtl ?? 10;
  const log = opts.logger;
  if (opts.mode === 'fake-ip' && !opts.fakeIp) throw new TypeError('fake-ip mode needs a fake-ip pool');

  return async (msg, transport) => {
    if (msg.length < 12) {
      if (log.debugEnabled) log.debug('dns: dropped a message shorter than a header', { bytes: msg.length, transport });
      return null;
    }
    const flags = msg.readUInt16BE(2);
    if (flags & QR) return null; // a response sent to us: never answer it (reflection loops)
    let req: dnsPacket.DecodedPacket;
    try {
      req = dnsPacket.decode(msg);
    } catch (e) {
      if (log.debugEnabled) log.debug('dns: malformed query', { transport, bytes: msg.length, error: (e as Error).message });
      return headerOnly(msg, RCODE.FORMERR);
    }
    const qs = req.questions ?? [];
    if (((flags >> 11) & 0xf) !== 0) return headerOnly(msg, RCODE.NOTIMP);
    if (qs.length !== 1) return headerOnly(msg, RCODE.FORMERR);
    const q = qs[0]!;
    const reply = await answer(q).catch((e: unknown) => {
      log.debug('dns: upstream failed', { name: q.name, type: q.type, error: (e as Error).message });
      return { rcode: RCODE.SERVFAIL } as Reply;
    });
    try {
      return encodeReply(req, q, reply, transport);
    } catch (e) {
      log.debug('dns: cannot encode the answer', { name: q.name, type: q.type, error: (e as Error).message });
      return headerOnly(msg, RCODE.SERVFAIL);
    }
  };

  async function answer(q: dnsPacket.Question, depth = 0): Promise<Reply> {
    if (q.class !== undefined && q.class !== 'IN') return { rcode: RCODE.NOTIMP };
    const name = normalizeHost(q.name);
    if (!name) return { rcode: RCODE.REFUSED };
    const type = q.type;
    if (type === 'A' || type === 'AAAA') {
      const fam = type === 'A' ? 4 : 6;
      // A query for an IP literal answers itself (never a fake IP for an address).
      const lit = ipFamily(normalizeIp(q.name));
      if (lit !== 0) return { rcode: RCODE.NOERROR, answers: lit === fam ? [rr(q.name, type, normalizeIp(q.name), hostsTtl)] : [] };
      const fromHosts = opts.hosts?.lookup(name);
      if (fromHosts) return { rcode: RCODE.NOERROR, answers: fromHosts.filter((ip) => ipFamily(ip) === fam).map((ip) => rr(q.name, type, ip, hostsTtl)) };
      const alias = depth < MAX_ALIAS_DEPTH ? opts.hosts?.alias?.(name) : undefined;
      if (alias) {
        // A hosts alias: CNAME to the alias, then the alias answered as if asked.
        const rest = await answer({ ...q, name: alias }, depth + 1);
        return { ...rest, answers: [{ type: 'CNAME', name: q.name, ttl: hostsTtl, class: 'IN', data: alias }, ...(rest.answers ?? [])] };
      }
      if (type === 'AAAA' && !opts.ipv6) return { rcode: RCODE.NOERROR };
      const pool = opts.fakeIp;
      if (opts.mode === 'fake-ip' && pool && !pool.isFiltered(name)) {
        if (!pool.hasFamily(fam)) return { rcode: RCODE.NOERROR };
        return { rcode: RCODE.NOERROR, answers: [rr(q.name, type, pool.allocate(name, fam), fakeTtl)] };
      }
    }
    // SVCB/HTTPS records of fake-ip names would carry real ipv4hint/ipv6hint
    // addresses (a way around the fake IPs) and ECH configs (which hide the
    // SNI from the sniffer): answered empty, clients fall back to A/AAAA.
    if ((type === SVCB || type === HTTPS) && opts.mode === 'fake-ip' && opts.fakeIp && !opts.fakeIp.isFiltered(name)) {
      return { rcode: RCODE.NOERROR };
    }
    if (type === 'PTR' && opts.mode === 'fake-ip' && opts.fakeIp) {
      const ip = reverseIp(name);
      if (ip && opts.fakeIp.contains(ip)) {
        const host = opts.fakeIp.lookupHost(ip);
        return host ? { rcode: RCODE.NOERROR, answers: [rr(q.name, 'PTR', host, fakeTtl)] } : { rcode: RCODE.NXDOMAIN };
      }
    }
    const res = await opts.upstream.query(name, type);
    return { rcode: RCODE_BY_NAME[res.rcode] ?? RCODE.SERVFAIL, answers: [...res.answers], authorities: [...res.authorities] };
  }
}

function rr(name: string, type: 'A' | 'AAAA' | 'PTR', data: string, ttl: number): dnsPacket.Answer {
  return { type, name, ttl, class: 'IN', data };
}

/** A response with only the header of `msg`: same id, QR set, opcode and RD kept, no sections. */
function headerOnly(msg: Buffer, rcode: number): Buffer {
  const out = Buffer.alloc(12);
  out.writeUInt16BE(msg.readUInt16BE(0), 0);
  const flags = msg.readUInt16BE(2);
  out.writeUInt16BE(QR | (flags & 0x7900) | 0x0080 | rcode, 2); // opcode + RD kept, RA set
  return out;
}

function encodeReply(req: dnsPacket.DecodedPacket, q: dnsPacket.Question, reply: Reply, transport: 'udp' | 'tcp'): Buffer {
  const opt = (req.additionals ?? []).find((a): a is dnsPacket.OptAnswer => a.type === 'OPT');
  const base = {
    type: 'response' as const,
    id: req.id ?? 0,
    flags: ((req.flags ?? 0) & (dnsPacket.RECURSION_DESIRED | dnsPacket.CHECKING_DISABLED)) | dnsPacket.RECURSION_AVAILABLE | reply.rcode,
    questions: [q],
    additionals: opt ? [{ type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] } as dnsPacket.OptAnswer] : [],
  };
  const full = dnsPacket.encode({ ...base, answers: reply.answers ?? [], authorities: reply.authorities ?? [] });
  const limit = transport === 'tcp' ? 65535 : opt ? Math.min(Math.max(opt.udpPayloadSize, UDP_MIN), UDP_MAX) : UDP_MIN;
  if (full.length <= limit) return full;
  // Too big for this transport: TC set, sections dropped, the client retries over TCP.
  return dnsPacket.encode({ ...base, flags: base.flags | dnsPacket.TRUNCATED_RESPONSE, answers: [], authorities: [] });
}

/** `4.3.2.1.in-addr.arpa` -> 1.2.3.4; nibble form `...ip6.arpa` -> IPv6; else undefined. */
export function reverseIp(name: string): string | undefined {
  if (name.endsWith('.in-addr.arpa')) {
    const p = name.slice(0, -'.in-addr.arpa'.length).split('.');
    if (p.length !== 4 || p.some((x) => !/^\d{1,3}$/.test(x) || Number(x) > 255)) return undefined;
    return p.reverse().join('.');
  }
  if (name.endsWith('.ip6.arpa')) {
    const n = name.slice(0, -'.ip6.arpa'.length).split('.');
    if (n.length !== 32 || n.some((x) => !/^[0-9a-f]$/.test(x))) return undefined;
    const hex = n.reverse().join('');
    const ip = hex.match(/.{4}/g)!.join(':');
    return ipFamily(ip) === 6 ? ip.replace(/(^|:)0{1,3}/g, '$1') : undefined;
  }
  return undefined;
}
