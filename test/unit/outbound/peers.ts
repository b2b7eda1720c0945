// Small real peers for outbound tests: TCP/UDP echo servers, an HTTP server
// with a chosen delay, and a scripted fake SOCKS5 server. All on 127.0.0.1,
// OS-chosen ports; each returns a close function.
import net from 'node:net';
import dgram from 'node:dgram';
import http from 'node:http';
import { newMetadata, type Metadata } from '../../../main/core/metadata.js';
import type { Resolver } from '../../../main/core/rule.js';

export function meta(init: Partial<Metadata> = {}): Metadata {
  return newMetadata({ network: 'tcp', type: 'Inner', ...init });
}

/** A resolver from a fixed table; records the names asked. */
export function tableResolver(table: Record<string, string[]> = {}): Resolver & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    resolve: async (h: string) => {
      asked.push(h);
      return table[h] ?? [];
    },
  };
}

/** A TCP echo server; close() also ends the connections still open. */
export async function tcpEcho(): Promise<{ port: number; close(): Promise<void>; server: net.Server }> {
  const open = new Set<net.Socket>();
  const server = net.createServer((s) => {
    open.add(s);
    s.on('close', () => open.delete(s));
    s.on('error', () => {});
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    server,
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of open) s.destroy();
        server.close(() => r());
      }),
  };
}

export async function udpEcho(): Promise<{ port: number; close(): void }> {
  const s = dgram.createSocket('udp4');
  s.on('message', (m, r) => s.send(Buffer.concat([Buffer.from('echo:'), m]), r.port, r.address));
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return { port: s.address().port, close: () => s.close() };
}

export async function httpServer(delayMs: number, status = 204): Promise<{ port: number; hits(): number; close(): Promise<void> }> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    setTimeout(() => {
      res.writeHead(status);
      res.end();
    }, delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    hits: () => hits,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Reads exactly n bytes (or what arrived before close/timeout). */
export function readN(sock: net.Socket, n: number, timeoutMs = 3000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const t = setTimeout(() => reject(new Error(`timeout after ${buf.length}/${n} bytes`)), timeoutMs);
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= n) {
        clearTimeout(t);
        sock.removeListener('data', onData);
        resolve(buf);
      }
    };
    sock.on('data', onData);
    sock.resume();
  });
}

/**
 * A fake SOCKS5 server: `script(chunk, sock, state)` answers each chunk the
 * client sends. Counts connections.
 */
export async function fakeSocks(script: (chunk: Buffer, sock: net.Socket, n: number) => void): Promise<{ port: number; close(): Promise<void> }> {
  const socks = new Set<net.Socket>();
  const server = net.createServer((s) => {
    socks.add(s);
    s.on('close', () => socks.delete(s));
    s.on('error', () => {});
    let n = 0;
    s.on('data', (d) => script(d, s, n++));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of socks) s.destroy();
        server.close(() => r());
      }),
  };
}

/**
 * A real HTTP CONNECT proxy that waits `delayMs` before answering each
 * CONNECT (a slow or fast upstream for url-test). `down()` makes it refuse.
 */
export async function connectProxy(delayMs: number): Promise<{ port: number; connects(): number; close(): Promise<void> }> {
  let connects = 0;
  const socks = new Set<net.Socket>();
  const server = net.createServer((c) => {
    socks.add(c);
    c.on('close', () => socks.delete(c));
    c.on('error', () => {});
    let head = '';
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      c.removeListener('data', onData);
      const m = /^CONNECT (\S+):(\d+) HTTP/.exec(head);
      if (!m) return void c.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      connects++;
      setTimeout(() => {
        const up = net.connect({ host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) }, () => {
          c.write('HTTP/1.1 200 Connection established\r\n\r\n');
          const rest = Buffer.from(head.slice(end + 4), 'latin1');
          if (rest.length) up.write(rest);
          c.pipe(up).pipe(c);
        });
        socks.add(up);
        up.on('close', () => socks.delete(up));
        up.on('error', () => c.destroy());
      }, delayMs);
    };
    c.on('data', onData);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    connects: () => connects,
    close: () =>
      new Promise<void>((r) => {
        for (const s of socks) s.destroy();
        server.close(() => r());
      }),
  };
}
