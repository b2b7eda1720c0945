// A small SOCKS5 server for tests (loopback only): CONNECT and UDP ASSOCIATE,
// no auth. It records every destination it was asked for, so a test proves a
// download or a DNS query went THROUGH the proxy, and maps destinations to
// local servers (`route`), so documentation names/addresses reach loopback
// listeners without any real traffic leaving the machine.
import net from 'node:net';
import dgram from 'node:dgram';
import { once } from 'node:events';

export interface Seen {
  readonly cmd: 'connect' | 'udp';
  readonly host: string;
  readonly port: number;
}

export interface Socks5Recorder {
  readonly port: number;
  readonly seen: Seen[];
  close(): Promise<void>;
}

function readAddr(b: Buffer, at: number): { host: string; port: number; end: number } | null {
  const atyp = b[at];
  if (atyp === 1 && b.length >= at + 7) return { host: [...b.subarray(at + 1, at + 5)].join('.'), port: b.readUInt16BE(at + 5), end: at + 7 };
  if (atyp === 3 && b.length >= at + 2 && b.length >= at + 2 + b[at + 1]! + 2) {
    const n = b[at + 1]!;
    return { host: b.subarray(at + 2, at + 2 + n).toString(), port: b.readUInt16BE(at + 2 + n), end: at + 4 + n };
  }
  if (atyp === 4 && b.length >= at + 19) {
    const parts: string[] = [];
    for (let i = 0; i < 8; i++) parts.push(b.readUInt16BE(at + 1 + i * 2).toString(16));
    return { host: parts.join(':'), port: b.readUInt16BE(at + 17), end: at + 19 };
  }
  return null;
}

const v4 = (ip: string, port: number) => {
  const b = Buffer.alloc(7);
  b[0] = 1;
  ip.split('.').forEach((o, i) => (b[1 + i] = Number(o)));
  b.writeUInt16BE(port, 5);
  return b;
};

const addr = (host: string, port: number) => {
  if (net.isIPv4(host)) return v4(host, port);
  const name = Buffer.from(host);
  const b = Buffer.alloc(4 + name.length);
  b[0] = 3;
  b[1] = name.length;
  name.copy(b, 2);
  b.writeUInt16BE(port, 2 + name.length);
  return b;
};

/** `route(host, port)` says where the server really connects/sends (default: host:port as given). */
export async function startSocks5Recorder(route: (host: string, port: number) => { host: string; port: number } = (host, port) => ({ host, port })): Promise<Socks5Recorder> {
  const seen: Seen[] = [];
  const open = new Set<net.Socket | dgram.Socket>();
  const server = net.createServer((c) => {
    open.add(c);
    c.on('close', () => open.delete(c));
    c.on('error', () => {});
    let acc = Buffer.alloc(0);
    let stage: 'hello' | 'request' | 'done' = 'hello';
    const onData = (d: Buffer) => {
      acc = Buffer.concat([acc, d]);
      if (stage === 'hello') {
        if (acc.length < 2 || acc.length < 2 + acc[1]!) return;
        acc = acc.subarray(2 + acc[1]!);
        c.write(Buffer.from([5, 0]));
        stage = 'request';
      }
      if (stage === 'request') {
        if (acc.length < 4) return;
        const a = readAddr(acc, 3);
        if (!a) return;
        const cmd = acc[1];
        const rest = acc.subarray(a.end);
        stage = 'done';
        c.off('data', onData);
        if (cmd === 1) {
          seen.push({ cmd: 'connect', host: a.host, port: a.port });
          const to = route(a.host, a.port);
          const up = net.connect(to.port, to.host);
          open.add(up);
          up.on('close', () => open.delete(up));
          up.once('connect', () => {
            c.write(Buffer.concat([Buffer.from([5, 0, 0]), v4('0.0.0.0', 0)]));
            if (rest.length) up.write(rest);
            c.pipe(up).pipe(c);
          });
          up.on('error', () => {
            c.end(Buffer.concat([Buffer.from([5, 5, 0]), v4('0.0.0.0', 0)]));
          });
          c.on('close', () => up.destroy());
        } else if (cmd === 3) {
          const relay = dgram.createSocket('udp4');
          open.add(relay);
          relay.on('close', () => open.delete(relay));
          let client: { address: string; port: number } | null = null;
          const back = new Map<string, { host: string; port: number }>();
          relay.on('message', (msg, rinfo) => {
            if (rinfo.address === '127.0.0.1' && (client === null || rinfo.port === client.port) && msg[0] === 0 && msg[1] === 0) {
              // From the client: RSV RSV FRAG ATYP ADDR PORT DATA.
              const d = readAddr(msg, 3);
              if (!d) return;
              client = { address: rinfo.address, port: rinfo.port };
              seen.push({ cmd: 'udp', host: d.host, port: d.port });
              const to = route(d.host, d.port);
              back.set(`${to.host}:${to.port}`, { host: d.host, port: d.port });
              relay.send(msg.subarray(d.end), to.port, to.host);
              return;
            }
            // Replies carry the address the client asked for (as a real relay would).
            const asked = back.get(`${rinfo.address}:${rinfo.port}`) ?? { host: rinfo.address, port: rinfo.port };
            if (client) relay.send(Buffer.concat([Buffer.from([0, 0, 0]), addr(asked.host, asked.port), msg]), client.port, client.address);
          });
          relay.bind(0, '127.0.0.1', () => {
            c.write(Buffer.concat([Buffer.from([5, 0, 0]), v4('127.0.0.1', relay.address().port)]));
          });
          c.on('close', () => relay.close());
        } else {
          c.end(Buffer.concat([Buffer.from([5, 7, 0]), v4('0.0.0.0', 0)]));
        }
      }
    };
    c.on('data', onData);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    seen,
    async close() {
      for (const s of open) {
        if (s instanceof net.Socket) s.destroy();
        else {
          try {
            s.close();
          } catch {
            /* closed */
          }
        }
      }
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
