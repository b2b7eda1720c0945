// `GET /dns/query?name=&type=` for the controller, in mihomo's shape
// (ApiDnsQuery). It asks the upstream resolver (cache included): real
// answers, never fake IPs, as mihomo does. The controller cannot import dns/
// (design §3), so the engine hands it this function.
import type dnsPacket from 'dns-packet';
import type { ApiDnsAnswer, ApiDnsQuery } from '../controller/api-types.js';
import { SyError } from '../core/errors.js';
import { normalizeHost } from '../core/address.js';
import type { QueryResult } from './resolver.js';

export interface ApiQueryable {
  query(name: string, type: dnsPacket.RecordType): Promise<QueryResult>;
}

const TYPES: Record<string, number> = {
  A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, HINFO: 13, MX: 15, TXT: 16, AAAA: 28, SRV: 33, NAPTR: 35,
  DS: 43, RRSIG: 46, NSEC: 47, DNSKEY: 48, SVCB: 64, HTTPS: 65, CAA: 257, ANY: 255,
};
const NAMES = new Map(Object.entries(TYPES).map(([k, v]) => [v, k]));
const RCODES: Record<string, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };

/** The numeric type for `A`, `aaaa`, `65`, ...; throws SY_ERR_DNS_BAD_QUERY. */
export function parseQueryType(type: string | number): number {
  const n = typeof type === 'number' ? type : /^\d+$/.test(type.trim()) ? Number(type) : TYPES[type.trim().toUpperCase()];
  if (n === undefined || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new SyError('SY_ERR_DNS_BAD_QUERY', { where: 'dns query type', value: type, expected: `a record type (${Object.keys(TYPES).join(', ')}) or its number` });
  }
  return n;
}

/** dns-packet's name for a numeric type (UNKNOWN_n for types it does not model, which it still carries). */
function packetType(n: number): dnsPacket.RecordType {
  const name = NAMES.get(n);
  return (name === 'SVCB' || name === 'HTTPS' || name === undefined ? `UNKNOWN_${n}` : name) as dnsPacket.RecordType;
}

function typeNumber(t: string): number {
  const u = /^UNKNOWN_(\d+)$/.exec(t);
  return u ? Number(u[1]) : TYPES[t] ?? 0;
}

/** Presentation form of a record's data (`192.0.2.1`, `target.example.`, `10 mx.example.`). */
function rdata(a: dnsPacket.Answer): string {
  const fqdn = (s: string) => (s.endsWith('.') ? s : `${s}.`);
  const d = (a as { data?: unknown }).data;
  switch (a.type) {
    case 'A':
    case 'AAAA':
      return String(d);
    case 'CNAME':
    case 'NS':
    case 'PTR':
    case 'DNAME':
      return fqdn(String(d));
    case 'MX': {
      const m = d as dnsPacket.MxData;
      return `${m.preference ?? 0} ${fqdn(m.exchange)}`;
    }
    case 'TXT': {
      const parts = Array.isArray(d) ? d : [d];
      return parts.map((p) => JSON.stringify(Buffer.isBuffer(p) ? p.toString('latin1') : String(p))).join(' ');
    }
    case 'SRV': {
      const s = d as dnsPacket.SrvData;
      return `${s.priority ?? 0} ${s.weight ?? 0} ${s.port} ${fqdn(s.target)}`;
    }
    case 'SOA': {
      const s = d as dnsPacket.SoaData;
      return `${fqdn(s.mname)} ${fqdn(s.rname)} ${s.serial ?? 0} ${s.refresh ?? 0} ${s.retry ?? 0} ${s.expire ?? 0} ${s.minimum ?? 0}`;
    }
    default:
      return Buffer.isBuffer(d) ? `\\# ${d.length} ${d.toString('hex')}` : JSON.stringify(d ?? '');
  }
}

/** Answers `/dns/query`. Bad name or type: SY_ERR_DNS_BAD_QUERY; no upstream answered: the SyError of the resolver. */
export async function queryForApi(resolver: ApiQueryable, name: string, type: string | number = 'A'): Promise<ApiDnsQuery> {
  const qtype = parseQueryType(type);
  const host = normalizeHost(name);
  if (!host) throw new SyError('SY_ERR_DNS_BAD_QUERY', { where: 'dns query name', value: name, expected: 'a domain name' });
  const res = await resolver.query(host, packetType(qtype));
  const answers: ApiDnsAnswer[] = res.answers
    .filter((a) => a.type !== 'OPT')
    .map((a) => ({ name: a.name.endsWith('.') ? a.name : `${a.name}.`, type: typeNumber(a.type), TTL: (a as { ttl?: number }).ttl ?? 0, data: rdata(a) }));
  const out: ApiDnsQuery = {
    Status: RCODES[res.rcode] ?? 2,
    Question: [{ Name: `${host}.`, Qtype: qtype, Qclass: 1 }],
    TC: false,
    RD: true,
    RA: true,
    AD: false,
    CD: false,
  };
  if (answers.length > 0) out.Answer = answers;
  return out;
}
