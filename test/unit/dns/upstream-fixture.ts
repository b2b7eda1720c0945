// A tiny authoritative DNS server for tests, on 127.0.0.1 (UDP and TCP on the
// same port), written with dns-packet. Zone (names end in .test):
//   a.test        A 192.0.2.10 (ttl 60), AAAA 2001:db8::10
//   alias.test    CNAME mid.test -> CNAME a.test, with the A/AAAA records
//   big.test      UDP: empty answer with TC set; TCP: 3 A records
//   slow.test     A 192.0.2.30 after `slowMs`
//   fail.test     SERVFAIL
//   short.test    A 192.0.2.40 ttl 2
//   anything else NXDOMAIN with an SOA (minimum 5)
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';

export interface TestUpstream {
  readonly port: number;
  readonly address: string;
  /** Queries seen: `${proto} ${name} ${type}`. */
  readonly log: string[];
  count(name: string, type?: string, proto?: 'udp' | 'tcp'): number;
  close(): Promise<void>;
}

type Ans = dnsPacket.Answer;

function answerFor(q: dnsPacket.Question, proto: 'udp' | 'tcp'): { rcode: number; answers: Ans[]; authorities: Ans[]; tc?: boolean; delay?: number } {
  const name = q.name.toLowerCase();
  const A = (n: string, ip: string, ttl = 60): Ans => ({ type: 'A', name: n, ttl, class: 'IN', data: ip });
  const AAAA = (n: string, ip: string, ttl = 60): Ans => ({ type: 'AAAA', name: n, ttl, class: 'IN', data: ip });
  const soa: Ans = { type: 'SOA', name: 'test', ttl: 300, class: 'IN', data: { mname: 'ns.test', rname: 'admin.test', serial: 1, refresh: 60, retry: 60, expire: 60, minimum: 5 } };
  const ok = (answers: Ans[]) => ({ rcode: 0, answers, authorities: [] as Ans[] });
  switch (name) {
    case 'a.test':
      return ok(q.type === 'A' ? [A(name, '192.0.2.10')] : q.type === 'AAAA' ? [AAAA(name, '2001:db8::10')] : []);
    case 'alias.test': {
      const chain: Ans[] = [
        { type: 'CNAME', name: 'alias.test', ttl: 30, class: 'IN', data: 'mid.test' },
        { type: 'CNAME', name: 'mid.test', ttl: 30, class: 'IN', data: 'a.test' },
      ];
      return ok([...chain, ...(q.type === 'A' ? [A('a.test', '192.0.2.10')] : q.type === 'AAAA' ? [AAAA('a.test', '2001:db8::10')] : [])]);
    }
    case 'big.test':
      if (proto === 'udp') return { rcode: 0, answers: [], authorities: [], tc: true };
      return ok(q.type === 'A' ? [A(name, '192.0.2.21'), A(name, '192.0.2.22'), A(name, '192.0.2.23')] : []);
    case 'slow.test':
      return { ...ok(q.type === 'A' ? [A(name, '192.0.2.30')] : []), delay: 300 };
    case 'fail.test':
      return { rcode: 2, answers: [], authorities: [] };
    case 'short.test':
      return ok(q.type === 'A' ? [A(name, '192.0.2.40', 2)] : []);
    default:
      return { rcode: 3, answers: [], authorities: [soa] };
  }
}

function respond(msg: Buffer, proto: 'udp' | 'tcp', log: string[], send: (b: Buffer) => void, opts: { slowMs: number }): void {
  let req: dnsPacket.DecodedPacket;
  try {
    req = dnsPacket.decode(msg);
  } catch {
    return;
  }
  const q = req.questions?.[0];
  if (!q) return;
  log.push(`${proto} ${q.name.toLowerCase()} ${q.type}`);
  const a = answerFor(q, proto);
  const flags = dnsPacket.AUTHORITATIVE_ANSWER | (req.flags ?? 0) & dnsPacket.RECURSION_DESIRED | (a.tc ? dnsPacket.TRUNCATED_RESPONSE : 0) | a.rcode;
  const out = dnsPacket.encode({ type: 'response', id: req.id, flags, questions: [q], answers: a.answers, authorities: a.authorities });
  if (a.delay) setTimeout(() => send(out), opts.slowMs).unref();
  else send(out);
}

export async function startTestUpstream(opts: { slowMs?: number } = {}): Promise<TestUpstream> {
  const o = { slowMs: opts.slowMs ?? 300 };
  const log: string[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
    const port = udp.address().port;
    const conns = new Set<net.Socket>();
    const tcp = net.createServer((s) => {
      conns.add(s);
      s.on('close', () => conns.delete(s));
      let acc = Buffer.alloc(0);
      s.on('error', () => {});
      s.on('data', (d: Buffer) => {
        acc = Buffer.concat([acc, d]);
        while (acc.length >= 2 && acc.length >= 2 + acc.readUInt16BE(0)) {
          const m = acc.subarray(2, 2 + acc.readUInt16BE(0));
          acc = acc.subarray(2 + m.length);
          respond(m, 'tcp', log, (b) => { const l = Buffer.alloc(2); l.writeUInt16BE(b.length); if (!s.destroyed) s.write(Buffer.concat([l, b])); }, o);
        }
      });
    });
    const ok = await new Promise<boolean>((r) => {
      tcp.once('error', () => r(false));
      tcp.listen(port, '127.0.0.1', () => r(true));
    });
    if (!ok) {
      udp.close();
      continue;
    }
    udp.on('message', (m, rinfo) => respond(m, 'udp', log, (b) => udp.send(b, rinfo.port, rinfo.address), o));
    return {
      port,
      address: `127.0.0.1:${port}`,
      log,
      count: (name, type, proto) => log.filter((l) => { const [p, n, t] = l.split(' '); return n === name && (!type || t === type) && (!proto || p === proto); }).length,
      close: async () => {
        udp.close();
        for (const c of conns) c.destroy();
        await new Promise<void>((r) => tcp.close(() => r()));
      },
    };
  }
  throw new Error('could not bind UDP and TCP on the same port');
}

/** A UDP socket that swallows queries (an upstream that never answers). */
export async function startBlackhole(): Promise<{ address: string; close(): void }> {
  const udp = dgram.createSocket('udp4');
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  return { address: `127.0.0.1:${udp.address().port}`, close: () => udp.close() };
}
