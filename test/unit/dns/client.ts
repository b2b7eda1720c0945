// Test DNS clients over real sockets.
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';

/** A decoded reply with the fields tests read (dns-packet's types omit rcode and per-type data). */
export interface Rr { name: string; type: string; ttl: number; data: unknown }
export type Reply = Omit<dnsPacket.DecodedPacket, 'answers'> & { rcode: string; answers: Rr[] };
const asReply = (p: dnsPacket.DecodedPacket): Reply => p as unknown as Reply;

export function queryPacket(name: string, type: dnsPacket.RecordType, id = 4242, edns = false): Buffer {
  return dnsPacket.encode({
    type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type, class: 'IN' }],
    additionals: edns ? [{ type: 'OPT', name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] : [],
  });
}

/** Sends raw bytes over UDP; resolves with the decoded reply or null when none came within `ms`. */
export function udpRaw(port: number, msg: Buffer, ms = 1000): Promise<Reply | null> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    const t = setTimeout(() => { s.close(); resolve(null); }, ms);
    s.on('message', (m) => {
      clearTimeout(t);
      s.close();
      try { resolve(asReply(dnsPacket.decode(m))); } catch (e) { reject(e); }
    });
    s.send(msg, port, '127.0.0.1');
  });
}

export async function udpQuery(port: number, name: string, type: dnsPacket.RecordType, edns = false): Promise<Reply> {
  const r = await udpRaw(port, queryPacket(name, type, 4242, edns));
  if (!r) throw new Error(`no UDP answer for ${name} ${type}`);
  return r;
}

/** Sends several queries on one TCP connection at once; resolves with the replies in arrival order. */
export function tcpQueries(port: number, msgs: Buffer[], ms = 2000): Promise<Reply[]> {
  return new Promise((resolve, reject) => {
    const out: Reply[] = [];
    const s = net.connect(port, '127.0.0.1');
    const t = setTimeout(() => { s.destroy(); reject(new Error(`only ${out.length}/${msgs.length} TCP answers`)); }, ms);
    let acc = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      acc = Buffer.concat([acc, d]);
      while (acc.length >= 2 && acc.length >= 2 + acc.readUInt16BE(0)) {
        out.push(asReply(dnsPacket.decode(acc.subarray(2, 2 + acc.readUInt16BE(0)))));
        acc = acc.subarray(2 + acc.readUInt16BE(0));
      }
      if (out.length === msgs.length) { clearTimeout(t); s.end(); resolve(out); }
    });
    s.on('error', reject);
    s.write(Buffer.concat(msgs.flatMap((m) => { const l = Buffer.alloc(2); l.writeUInt16BE(m.length); return [l, m]; })));
  });
}

/** A port below the ephemeral range that is free for both UDP and TCP on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const u = dgram.createSocket('udp4');
    const okU = await new Promise<boolean>((r) => { u.once('error', () => r(false)); u.bind(port, '127.0.0.1', () => r(true)); });
    if (!okU) { u.close(); continue; }
    const s = net.createServer();
    const okT = await new Promise<boolean>((r) => { s.once('error', () => r(false)); s.listen(port, '127.0.0.1', () => r(true)); });
    u.close();
    if (okT) await new Promise<void>((r) => s.close(() => r()));
    if (okT) return port;
  }
  throw new Error('no free port');
}
