// The mixed port over real sockets: SOCKS5 CONNECT by name and IP, UDP
// ASSOCIATE, HTTP CONNECT and plain GET (node and curl), authentication,
// malformed input answered with the right errors, and a fuzz run after which
// the port still serves.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import dgram from 'node:dgram';
import http from 'node:http';
import { execFile } from 'node:child_process';
import { createMixedInbound, type MixedInbound } from '../../../main/inbound/mixed.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import { directDispatcher, type RecordingDispatcher } from './test-dispatcher.js';
import { tcpEcho, udpEcho, readN } from '../outbound/peers.js';

let inbound: MixedInbound;
let dispatcher: RecordingDispatcher;
let port: number;
let echo: Awaited<ReturnType<typeof tcpEcho>>;
let web: http.Server;
let webPort: number;

before(async () => {
  dispatcher = directDispatcher();
  inbound = createMixedInbound({ port: 0, allowLan: false, dispatcher, logger: NULL_LOGGER, handshakeTimeoutMs: 2000 });
  await inbound.start();
  port = inbound.addresses()[0]!.port;
  echo = await tcpEcho();
  web = http.createServer((req, res) => {
    res.setHeader('x-seen-url', req.url ?? '');
    res.setHeader('x-seen-proxy-auth', String(req.headers['proxy-authorization'] ?? 'none'));
    res.end(`hello ${req.method} ${req.headers.host}`);
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
  webPort = (web.address() as net.AddressInfo).port;
});
after(async () => {
  await inbound.close();
  dispatcher.close();
  await echo.close();
  web.closeAllConnections();
  await new Promise((r) => web.close(r));
});

function connect(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.on('error', reject);
  });
}

function socksRequest(cmd: number, atypAddr: number[], dport: number): Buffer {
  return Buffer.from([5, 1, 0, 5, cmd, 0, ...atypAddr, dport >> 8, dport & 255]);
}

const nameAddr = (h: string) => [3, h.length, ...Buffer.from(h)];

test('listens on loopback only without allow-lan', () => {
  for (const a of inbound.addresses()) assert.ok(a.ip === '127.0.0.1' || a.ip === '::1', a.ip);
});

test('SOCKS5 CONNECT by name: metadata carries the normalised host and the bytes flow', async () => {
  const s = await connect();
  s.write(socksRequest(1, nameAddr('LocalHost.'), echo.port));
  const rep = await readN(s, 12);
  assert.deepEqual([...rep.subarray(0, 4)], [5, 0, 5, 0]);
  s.write('ping-by-name');
  assert.equal((await readN(s, 12)).toString(), 'ping-by-name');
  const m = dispatcher.tcp.at(-1)!;
  assert.equal(m.type, 'Socks5');
  assert.equal(m.host, 'localhost');
  assert.equal(m.dstIP, '');
  assert.equal(m.dstPort, echo.port);
  assert.equal(m.srcIP, '127.0.0.1');
  assert.equal(m.inboundName, 'DEFAULT-MIXED');
  assert.equal(m.inboundPort, port);
  s.destroy();
});

test('SOCKS5 CONNECT by IP, with payload pipelined behind the request', async () => {
  const s = await connect();
  s.write(Buffer.concat([socksRequest(1, [1, 127, 0, 0, 1], echo.port), Buffer.from('early')]));
  const got = await readN(s, 2 + 10 + 5);
  assert.equal(got.subarray(12).toString(), 'early');
  assert.equal(dispatcher.tcp.at(-1)!.dstIP, '127.0.0.1');
  assert.equal(dispatcher.tcp.at(-1)!.host, '');
  s.destroy();
});

test('SOCKS5 UDP ASSOCIATE round trip; datagrams from other addresses are ignored', async () => {
  const uecho = await udpEcho();
  try {
    const s = await connect();
    s.write(socksRequest(3, [1, 0, 0, 0, 0], 0));
    const rep = await readN(s, 12);
    assert.equal(rep[3], 0);
    assert.equal(rep[5], 1);
    const relayPort = rep.readUInt16BE(10);
    const relayIp = `${rep[6]}.${rep[7]}.${rep[8]}.${rep[9]}`;
    assert.equal(relayIp, '127.0.0.1');
    const c = dgram.createSocket('udp4');
    await new Promise<void>((r) => c.bind(0, '127.0.0.1', () => r()));
    const reply = new Promise<Buffer>((r) => c.once('message', (m) => r(m)));
    c.send(Buffer.concat([Buffer.from([0, 0, 0, 1, 127, 0, 0, 1, uecho.port >> 8, uecho.port & 255]), Buffer.from('u1')]), relayPort, relayIp);
    const got = await reply;
    assert.deepEqual([...got.subarray(0, 4)], [0, 0, 0, 1]);
    assert.equal(got.readUInt16BE(8), uecho.port, 'reply header names the remote');
    assert.equal(got.subarray(10).toString(), 'echo:u1');
    const m = dispatcher.udp.at(-1)!;
    assert.equal(m.network, 'udp');
    assert.equal(m.type, 'Socks5');
    assert.equal(m.srcPort, c.address().port);
    // a fragment is dropped
    const before = dispatcher.udp.length;
    c.send(Buffer.from([0, 0, 1, 1, 127, 0, 0, 1, 0, 7, 9]), relayPort, relayIp);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(dispatcher.udp.length, before);
    // closing the control connection closes the relay
    s.destroy();
    await new Promise((r) => setTimeout(r, 50));
    c.send(Buffer.concat([Buffer.from([0, 0, 0, 1, 127, 0, 0, 1, uecho.port >> 8, uecho.port & 255]), Buffer.from('u2')]), relayPort, relayIp);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(dispatcher.udp.length, before);
    c.close();
  } finally {
    uecho.close();
  }
});

test('SOCKS5: BIND answers 0x07, a bad ATYP 0x08, SOCKS4 is refused, no acceptable method 0xFF', async () => {
  const cases: [Buffer, number[]][] = [
    [socksRequest(2, [1, 127, 0, 0, 1], 80), [5, 0, 5, 7]],
    [Buffer.from([5, 1, 0, 5, 1, 0, 9, 1, 2, 3, 4, 0, 80]), [5, 0, 5, 8]],
    [Buffer.from([4, 1, 0, 80, 127, 0, 0, 1, 0]), [0, 91]],
    [Buffer.from([5, 1, 0x80]), [5, 0xff]],
  ];
  for (const [req, want] of cases) {
    const s = await connect();
    s.write(req);
    const got = await readN(s, want.length);
    assert.deepEqual([...got.subarray(0, want.length)], want, req.toString('hex'));
    s.destroy();
  }
});

test('HTTP CONNECT through node: 200, then a tunnel', async () => {
  const s = await connect();
  s.write(`CONNECT 127.0.0.1:${echo.port} HTTP/1.1\r\nHost: 127.0.0.1:${echo.port}\r\n\r\n`);
  const head = 'HTTP/1.1 200 Connection established\r\n\r\n';
  assert.equal((await readN(s, head.length)).toString(), head);
  s.write('tunnelled');
  assert.equal((await readN(s, 9)).toString(), 'tunnelled');
  assert.equal(dispatcher.tcp.at(-1)!.type, 'HTTP');
  s.destroy();
});

test('HTTP plain GET through node: origin-form request, Proxy-* headers removed', async () => {
  const res = await new Promise<http.IncomingMessage & { body: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'GET', path: `http://localhost:${webPort}/a/b?c=1`, headers: { Host: `localhost:${webPort}`, 'Proxy-Authorization': 'Basic eDp5' } }, (r) => {
      let body = '';
      r.on('data', (d) => (body += d));
      r.on('end', () => resolve(Object.assign(r, { body })));
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(res.statusCode, 200);
  assert.equal(res.body, `hello GET localhost:${webPort}`);
  assert.equal(res.headers['x-seen-url'], '/a/b?c=1');
  assert.equal(res.headers['x-seen-proxy-auth'], 'none');
  const m = dispatcher.tcp.at(-1)!;
  assert.equal(m.host, 'localhost');
  assert.equal(m.dstPort, webPort);
});

function curl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('curl', ['-sS', '--max-time', '5', ...args], (err, stdout, stderr) => (err ? reject(new Error(`${err.message} ${stderr}`)) : resolve(stdout))),
  );
}

test('curl -x http:// (plain GET and CONNECT via -p) and curl --socks5-hostname', async () => {
  assert.equal(await curl(['-x', `http://127.0.0.1:${port}`, `http://localhost:${webPort}/x`]), `hello GET localhost:${webPort}`);
  assert.equal(await curl(['-p', '-x', `http://127.0.0.1:${port}`, `http://localhost:${webPort}/y`]), `hello GET localhost:${webPort}`);
  assert.equal(await curl(['--socks5-hostname', `127.0.0.1:${port}`, `http://localhost:${webPort}/z`]), `hello GET localhost:${webPort}`);
  assert.equal(await curl(['--socks5', `127.0.0.1:${port}`, `http://127.0.0.1:${webPort}/z`]), `hello GET 127.0.0.1:${webPort}`);
});

test('HTTP: malformed heads get 400, origin-form requests 400', async () => {
  for (const req of ['GARBAGE\r\n\r\n', 'GET /local HTTP/1.1\r\nHost: x\r\n\r\n', 'CONNECT nohost HTTP/1.1\r\n\r\n', 'GET http://a b HTTP/1.1\r\n\r\n', 'GET http://x.example/ HTTP/1.1\r\nbad header\r\n\r\n']) {
    const s = await connect();
    s.write(req);
    const got = (await readN(s, 12)).toString();
    assert.match(got, /^HTTP\/1\.1 400/, JSON.stringify(req));
    s.destroy();
  }
});

test('authentication: SOCKS5 username/password and HTTP Proxy-Authorization', async (t) => {
  const d = directDispatcher();
  const authed = createMixedInbound({ port: 0, allowLan: false, dispatcher: d, logger: NULL_LOGGER, authentication: ['alice:pw1'] });
  await authed.start();
  t.after(async () => {
    await authed.close();
    d.close();
  });
  const p = authed.addresses()[0]!.port;
  assert.equal(await curl(['-x', `http://alice:pw1@127.0.0.1:${p}`, `http://localhost:${webPort}/`]), `hello GET localhost:${webPort}`);
  await assert.rejects(curl(['-f', '-x', `http://alice:nope@127.0.0.1:${p}`, `http://localhost:${webPort}/`]), /407/);
  assert.equal(await curl(['--socks5-hostname', `127.0.0.1:${p}`, '--proxy-user', 'alice:pw1', `http://localhost:${webPort}/`]), `hello GET localhost:${webPort}`);
  await assert.rejects(curl(['--socks5-hostname', `127.0.0.1:${p}`, '--proxy-user', 'alice:bad', `http://localhost:${webPort}/`]));
  assert.equal(d.tcp.at(0)!.inboundUser, 'alice');
});

test('handshake deadline: a silent client is closed', async (t) => {
  const d = directDispatcher();
  const quick = createMixedInbound({ port: 0, allowLan: false, dispatcher: d, logger: NULL_LOGGER, handshakeTimeoutMs: 100 });
  await quick.start();
  t.after(() => quick.close());
  const s = net.connect({ host: '127.0.0.1', port: quick.addresses()[0]!.port });
  s.on('error', () => {});
  s.write(Buffer.from([5, 1]));
  await new Promise<void>((r) => s.once('close', () => r()));
});

// Seeded PRNG so a failure reproduces.
function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

test('fuzz: 2,000 malformed or truncated handshakes never crash the port; it still serves after', async () => {
  const r = rng(42);
  const seeds = [
    socksRequest(1, nameAddr('localhost'), echo.port),
    socksRequest(3, [1, 0, 0, 0, 0], 0),
    Buffer.from([5, 1, 2, 1, 5, 97, 108, 105, 99, 101, 1, 120]),
    Buffer.from(`CONNECT localhost:${echo.port} HTTP/1.1\r\n\r\n`),
    Buffer.from(`GET http://localhost:${webPort}/ HTTP/1.1\r\nHost: a\r\n\r\n`),
  ];
  const N = 2000;
  const started = Date.now();
  let i = 0;
  const worker = async () => {
    while (i < N && Date.now() - started < 60_000) {
      const k = i++;
      const base = seeds[k % seeds.length]!;
      let b: Buffer;
      const mode = k % 4;
      if (mode === 0) b = Buffer.from(Array.from({ length: 1 + Math.floor(r() * 64) }, () => Math.floor(r() * 256)));
      else if (mode === 1) b = base.subarray(0, Math.floor(r() * base.length)); // truncated
      else {
        b = Buffer.from(base);
        for (let j = 0; j < 1 + Math.floor(r() * 4); j++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256); // mutated
      }
      await new Promise<void>((resolve) => {
        const s = net.connect({ host: '127.0.0.1', port });
        const done = () => {
          clearTimeout(t);
          s.destroy();
          resolve();
        };
        const t = setTimeout(done, 30);
        s.on('error', done);
        s.on('close', done);
        s.on('connect', () => (b.length ? s.write(b) : undefined));
        s.on('data', () => {});
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  assert.ok(i >= N, `ran ${i} cases`);
  // still serving
  const s = await connect();
  s.write(socksRequest(1, [1, 127, 0, 0, 1], echo.port));
  await readN(s, 12);
  s.write('alive');
  assert.equal((await readN(s, 5)).toString(), 'alive');
  s.destroy();
});

test('close() stops listening and is idempotent', async () => {
  const d = directDispatcher();
  const m = createMixedInbound({ port: 0, allowLan: false, dispatcher: d, logger: NULL_LOGGER });
  await m.start();
  const p = m.addresses()[0]!.port;
  await m.close();
  await m.close();
  await assert.rejects(new Promise((resolve, reject) => net.connect({ host: '127.0.0.1', port: p }, () => resolve(null)).on('error', reject)));
});

test('a taken port is SY_ERR_NET_LISTEN', async () => {
  const m = createMixedInbound({ port, allowLan: false, dispatcher: directDispatcher(), logger: NULL_LOGGER });
  await assert.rejects(m.start(), { code: 'SY_ERR_NET_LISTEN' });
});


test('allow-lan binds bind-address instead of loopback', async (t) => {
  const d = directDispatcher();
  const m = createMixedInbound({ host: '127.0.0.1', port: 0, allowLan: true, dispatcher: d, logger: NULL_LOGGER });
  await m.start();
  t.after(() => m.close());
  assert.deepEqual(m.addresses().map((a) => a.ip), ['127.0.0.1']);
});

test('SOCKS5 CONNECT to an IDN name: the host is normalised to punycode', async () => {
  const s = await connect();
  const name = Buffer.from('Bücher.Example', 'utf8');
  s.write(Buffer.from([5, 1, 0, 5, 1, 0, 3, name.length, ...name, 1, 187]));
  await readN(s, 12).catch(() => Buffer.alloc(0));
  s.destroy();
  const m = dispatcher.tcp.at(-1)!;
  assert.equal(m.host, 'xn--bcher-kva.example');
  assert.equal(m.dstPort, 443);
});
