// SOCKS5 upstream against a real dante-server: CONNECT by IP and by host
// (remote resolution), username/password, UDP ASSOCIATE round trip, and a
// hostile fake server whose malformed replies must become coded errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type net from 'node:net';
import { Socks5Outbound } from '../../../main/outbound/socks5.js';
import { plainSocketFactory } from '../../../main/outbound/socket-factory.js';
import type { Socks5UdpFlow } from '../../../main/outbound/socks5-udp.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import { SyError } from '../../../main/core/errors.js';
import { danteAvailable, startDante, createSocksUser, type Dante } from '../../helpers/dante.js';
import { meta, tableResolver, tcpEcho, udpEcho, readN, fakeSocks } from './peers.js';

const skip = !danteAvailable() ? 'dante-server is not installed' : false;
const isRoot = process.getuid?.() === 0;

function socks5(port: number, extra: Partial<{ username: string; password: string; udp: boolean }> = {}, resolver = tableResolver()) {
  return new Socks5Outbound(
    { name: 'up', server: '127.0.0.1', port, username: '', password: '', udp: true, ...extra },
    { sockets: plainSocketFactory, resolver, logger: NULL_LOGGER, handshakeTimeoutMs: 1500, connectTimeoutMs: 2000 },
  );
}

let dante: Dante;
let echo: Awaited<ReturnType<typeof tcpEcho>>;

before(async () => {
  if (skip) return;
  dante = await startDante();
  echo = await tcpEcho();
});
after(async () => {
  await dante?.stop();
  await echo?.close();
});

async function roundTrip(sock: net.Socket, payload: string) {
  sock.write(payload);
  const got = await readN(sock, payload.length);
  assert.equal(got.toString(), payload);
}

test('CONNECT by IP relays bytes both ways through dante', { skip }, async () => {
  const ob = socks5(dante.port);
  const m = meta();
  const sock = await ob.dialTcp({ host: '', ip: '127.0.0.1', port: echo.port }, m);
  await roundTrip(sock, 'hello through dante');
  assert.equal(m.remoteDestination, '127.0.0.1');
  sock.destroy();
});

test('CONNECT by host sends the name upstream (ATYP 3) and never resolves it locally', { skip }, async () => {
  const resolver = tableResolver();
  const ob = socks5(dante.port, {}, resolver);
  const sock = await ob.dialTcp({ host: 'localhost', ip: '', port: echo.port }, meta({ host: 'localhost' }));
  await roundTrip(sock, 'by name');
  assert.deepEqual(resolver.asked, [], 'the local resolver was not asked');
  sock.destroy();
});

test('username/password: accepted, and a wrong password is a coded error without the password', { skip: skip || (!isRoot && 'needs root to add a system user') }, async (t) => {
  const user = `sy${process.pid % 100000}`;
  const removeUser = createSocksUser(user, 'right-pass-1');
  t.after(removeUser);
  const authed = await startDante({ method: 'username' });
  t.after(() => authed.stop());

  const ok = socks5(authed.port, { username: user, password: 'right-pass-1' });
  const sock = await ok.dialTcp({ host: '', ip: '127.0.0.1', port: echo.port }, meta());
  await roundTrip(sock, 'authenticated');
  sock.destroy();

  const bad = socks5(authed.port, { username: user, password: 'S3cret-wrong' });
  await assert.rejects(bad.dialTcp({ host: '', ip: '127.0.0.1', port: echo.port }, meta()), (e: unknown) => {
    assert.ok(e instanceof SyError);
    assert.equal(e.code, 'SY_ERR_NET_SOCKS_AUTH');
    assert.doesNotMatch(e.message, /S3cret-wrong/);
    assert.doesNotMatch(JSON.stringify(e.context), /S3cret-wrong/);
    return true;
  });

  const none = socks5(authed.port);
  await assert.rejects(none.dialTcp({ host: '', ip: '127.0.0.1', port: echo.port }, meta()), { code: 'SY_ERR_NET_SOCKS_AUTH' });
});

test('UDP ASSOCIATE round trip to a local UDP echo server', { skip }, async () => {
  const uecho = await udpEcho();
  try {
    const ob = socks5(dante.port);
    const flow = (await ob.dialUdp(meta({ network: 'udp' }))) as Socks5UdpFlow;
    const got = new Promise<{ data: string; from: { ip: string; port: number } }>((resolve) =>
      flow.onMessage((data, from) => resolve({ data: data.toString(), from })),
    );
    const closed = new Promise<void>((r) => flow.onClose(() => r()));
    flow.send(Buffer.from('ping'), { host: '', ip: '127.0.0.1', port: uecho.port });
    const reply = await got;
    assert.equal(reply.data, 'echo:ping');
    assert.deepEqual(reply.from, { ip: '127.0.0.1', port: uecho.port });
    assert.equal(flow.relay.ip, '127.0.0.1');
    flow.close();
    await closed;
  } finally {
    uecho.close();
  }
});

test('UDP ASSOCIATE to a name: dante resolves it', { skip }, async () => {
  const uecho = await udpEcho();
  try {
    const flow = await socks5(dante.port).dialUdp(meta({ network: 'udp' }));
    const got = new Promise<string>((resolve) => flow.onMessage((d) => resolve(d.toString())));
    flow.send(Buffer.from('named'), { host: 'localhost', ip: '', port: uecho.port });
    assert.equal(await got, 'echo:named');
    flow.close();
  } finally {
    uecho.close();
  }
});

test('a proxy with udp: false reports it and refuses UDP with a coded error', async () => {
  const ob = socks5(1, { udp: false });
  assert.equal(ob.supportsUdp, false);
  await assert.rejects(ob.dialUdp(meta({ network: 'udp' })), { code: 'SY_ERR_NET_NO_UDP' });
});

test('closing the control connection ends the UDP flow', async (t) => {
  // a fake server that grants the association with BND 0.0.0.0 and closes 200 ms later
  const srv = await fakeSocks((chunk, s, n) => {
    // pipelined: greeting and request arrive together; answer both at once
    if (n !== 0) return;
    s.write(Buffer.from([5, 0]));
    {
      s.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0x30, 0x39]));
      setTimeout(() => s.destroy(), 200);
    }
  });
  t.after(() => srv.close());
  const flow = (await socks5(srv.port).dialUdp(meta({ network: 'udp' }))) as Socks5UdpFlow;
  assert.deepEqual(flow.relay, { ip: '127.0.0.1', port: 12345 }, 'BND.ADDR 0.0.0.0 is replaced by the server address');
  await new Promise<void>((r) => flow.onClose(() => r()));
});

// The server side answers the pipelined opening (greeting + request in one
// write) with these bytes, in one write unless `split`; each must fail with
// the code and a message naming what was wrong.
const OK_METHOD = [5, 0];
const hostile: { name: string; answer: number[]; code: string; message: RegExp; split?: boolean; end?: boolean; auth?: boolean }[] = [
  { name: 'wrong version in the method reply', answer: [4, 0], code: 'SY_ERR_NET_SOCKS_HANDSHAKE', message: /method selection reply has version 4/ },
  { name: 'method 0xFF (no acceptable method)', answer: [5, 0xff], code: 'SY_ERR_NET_SOCKS_AUTH', message: /requires authentication/ },
  { name: 'method 0xFF to username/password', answer: [5, 0xff], code: 'SY_ERR_NET_SOCKS_AUTH', message: /accepts no username\/password/, auth: true },
  { name: 'a method that was not offered', answer: [5, 2], code: 'SY_ERR_NET_SOCKS_HANDSHAKE', message: /chose method 2, but only 0 was offered/ },
  { name: 'unknown method', answer: [5, 9], code: 'SY_ERR_NET_SOCKS_HANDSHAKE', message: /chose method 9/ },
  { name: 'truncated method reply, then close', answer: [5], end: true, code: 'SY_ERR_NET_SOCKS_HANDSHAKE', message: /closed the connection before the end of the method selection reply/ },
  { name: 'auth failure', answer: [5, 2, 1, 1], code: 'SY_ERR_NET_SOCKS_AUTH', message: /username "u1" was refused \(status 1\)/, auth: true },
  { name: 'wrong version in the auth reply', answer: [5, 2, 7, 0], code: 'SY_ERR_NET_SOCKS_HANDSHAKE', message: /username\/password reply has version 7/, auth: true },
  { name: 'truncated auth reply, then close', answer: [5, 2, 1], end: true, code: 'SY_ERR_NET_SOCKS_HANDSHAKE', message: /before the end of the username\/password reply/, auth: true },
  { name: 'wrong version in the CONNECT reply', answer: [...OK_METHOD, 4, 0, 0, 1, 1, 2, 3, 4, 0, 80], code: 'SY_ERR_NET_SOCKS_HANDSHAKE', message: /CONNECT reply has version 4/ },
  { name: 'non-zero reserved byte', answer: [...OK_METHOD, 5, 0, 9, 1, 1, 2, 3, 4, 0, 80], code: 'SY_ERR_NET_SOCKS_HANDSHAKE', message: /reserved byte 9/ },
  { name: 'bad ATYP in the reply', answer: [...OK_METHOD, 5, 0, 0, 9, 1, 2, 3, 4, 0, 80], code: 'SY_ERR_NET_SOCKS_HANDSHAKE', message: /unknown address type 9/ },
  { name: 'empty BND.ADDR name', answer: [...OK_METHOD, 5, 0, 0, 3, 0, 0, 80], code: 'SY_ERR_NET_SOCKS_HANDSHAKE', message: /empty BND.ADDR name/ },
  { name: 'truncated BND.ADDR, then close', answer: [...OK_METHOD, 5, 0, 0, 1, 1], end: true, code: 'SY_ERR_NET_SOCKS_HANDSHAKE', message: /before the end of BND.ADDR\/BND.PORT of the CONNECT reply \(7 bytes received\)/ },
  { name: 'truncated IPv6 BND.ADDR, then close', answer: [...OK_METHOD, 5, 0, 0, 4, 0x20, 1, 0xd, 0xb8], end: true, code: 'SY_ERR_NET_SOCKS_HANDSHAKE', message: /BND.ADDR/ },
  { name: 'refusal: connection refused', answer: [...OK_METHOD, 5, 5, 0, 1, 0, 0, 0, 0, 0, 0], code: 'SY_ERR_NET_SOCKS_REFUSED', message: /CONNECT reply 5: connection refused/ },
  { name: 'refusal: not allowed, reported before the rest arrives', answer: [...OK_METHOD, 5, 2], code: 'SY_ERR_NET_SOCKS_REFUSED', message: /connection not allowed by ruleset/ },
  { name: 'refusal: unassigned code', answer: [...OK_METHOD, 5, 0x42, 0, 1, 0, 0, 0, 0, 0, 0], code: 'SY_ERR_NET_SOCKS_REFUSED', message: /66: unassigned reply code/ },
  { name: 'silence: handshake timeout', answer: [], code: 'SY_ERR_NET_TIMEOUT', message: /waiting for the method selection reply/ },
  { name: 'silence after the method reply: timeout names the CONNECT reply', answer: OK_METHOD, code: 'SY_ERR_NET_TIMEOUT', message: /waiting for the CONNECT reply/ },
  { name: 'garbage flood', answer: new Array(4096).fill(0x41), code: 'SY_ERR_NET_SOCKS_HANDSHAKE', message: /version 65/ },
  { name: 'a valid-looking prefix, then a flood of zeros as a name', answer: [...OK_METHOD, 5, 0, 0, 3, 200, ...new Array(100).fill(0x61)], end: true, code: 'SY_ERR_NET_SOCKS_HANDSHAKE', message: /BND.ADDR/ },
  { name: 'byte-by-byte refusal', answer: [...OK_METHOD, 5, 4, 0, 1, 0, 0, 0, 0, 0, 0], split: true, code: 'SY_ERR_NET_SOCKS_REFUSED', message: /host unreachable/ },
];

/** A fake server that answers the first chunk with `answer` (byte by byte when split) and optionally closes. */
function scripted(h: { answer: number[]; split?: boolean; end?: boolean }) {
  return fakeSocks((_c, s, n) => {
    if (n !== 0) return;
    const bytes = Buffer.from(h.answer);
    if (!h.split) {
      if (h.end) s.end(bytes);
      else if (bytes.length) s.write(bytes);
      return;
    }
    let i = 0;
    const next = () => {
      if (s.destroyed) return;
      if (i >= bytes.length) return void (h.end && s.end());
      s.write(bytes.subarray(i, ++i));
      setTimeout(next, 2);
    };
    next();
  });
}

for (const h of hostile) {
  test(`hostile upstream: ${h.name} -> ${h.code}`, async (t) => {
    const srv = await scripted(h);
    t.after(() => srv.close());
    const ob = socks5(srv.port, h.auth ? { username: 'u1', password: 'pw-secret-1' } : {});
    await assert.rejects(ob.dialTcp({ host: 'example.com', ip: '', port: 443 }, meta()), (e: unknown) => {
      assert.ok(e instanceof SyError, String(e));
      assert.equal(e.code, h.code, e.message);
      assert.match(e.message, h.message);
      assert.doesNotMatch(`${e.message} ${JSON.stringify(e.context)}`, /pw-secret-1/);
      return true;
    });
  });
}

test('the opening is one write: greeting, username/password and CONNECT arrive before any answer', async (t) => {
  const chunks: Buffer[] = [];
  const srv = await fakeSocks((c, s, n) => {
    chunks.push(c);
    if (n === 0) s.write(Buffer.from([5, 2, 1, 0, 5, 0, 0, 1, 127, 0, 0, 1, 0x1f, 0x90]));
  });
  t.after(() => srv.close());
  const ob = socks5(srv.port, { username: 'u1', password: 'pw' });
  const sock = await ob.dialTcp({ host: 'example.com', ip: '', port: 443 }, meta());
  sock.destroy();
  const all = Buffer.concat(chunks);
  const want = Buffer.concat([
    Buffer.from([5, 1, 2]), // one method offered: USERNAME/PASSWORD
    Buffer.from([1, 2]), Buffer.from('u1'), Buffer.from([2]), Buffer.from('pw'),
    Buffer.from([5, 1, 0, 3, 11]), Buffer.from('example.com'), Buffer.from([1, 187]),
  ]);
  assert.deepEqual(chunks[0], want, 'everything in the first segment, before the server answered');
  assert.deepEqual(all, want);
});

test('without credentials the greeting offers only NO AUTH and the request follows at once', async (t) => {
  let first: Buffer | undefined;
  const srv = await fakeSocks((c, s, n) => {
    if (n === 0) {
      first = c;
      s.write(Buffer.from([5, 0, 5, 0, 0, 1, 127, 0, 0, 1, 0, 80]));
    }
  });
  t.after(() => srv.close());
  const sock = await socks5(srv.port).dialTcp({ host: '', ip: '203.0.113.9', port: 8080 }, meta());
  sock.destroy();
  assert.deepEqual(first, Buffer.from([5, 1, 0, 5, 1, 0, 1, 203, 0, 113, 9, 0x1f, 0x90]));
});

test('replies split byte by byte are reassembled', async (t) => {
  const srv = await scripted({ answer: [5, 2, 1, 0, 5, 0, 0, 4, ...new Array(15).fill(0), 1, 0x01, 0xbb], split: true });
  t.after(() => srv.close());
  const ob = socks5(srv.port, { username: 'u', password: 'p' });
  const m = meta();
  const sock = await ob.dialTcp({ host: 'example.com', ip: '', port: 443 }, m);
  sock.destroy();
});

test('UDP ASSOCIATE: bytes after the reply on the control connection are a protocol error', async (t) => {
  const srv = await fakeSocks((_c, s, n) => n === 0 && s.write(Buffer.from([5, 0, 5, 0, 0, 1, 127, 0, 0, 1, 0x30, 0x39, 0xde, 0xad])));
  t.after(() => srv.close());
  await assert.rejects(socks5(srv.port).dialUdp(meta({ network: 'udp' })), (e: unknown) => {
    assert.ok(e instanceof SyError);
    assert.equal(e.code, 'SY_ERR_NET_SOCKS_HANDSHAKE');
    assert.match(e.message, /2 unexpected bytes after the UDP ASSOCIATE reply/);
    return true;
  });
});

test('credentials over 255 bytes are a coded error that does not quote them; nothing is sent', async (t) => {
  const got: Buffer[] = [];
  const srv = await fakeSocks((c) => got.push(c));
  t.after(() => srv.close());
  const long = 'x'.repeat(300);
  await assert.rejects(socks5(srv.port, { username: 'u', password: long }).dialTcp({ host: 'a.example', ip: '', port: 80 }, meta()), (e: unknown) => {
    assert.ok(e instanceof SyError);
    assert.equal(e.code, 'SY_ERR_NET_SOCKS_AUTH');
    assert.doesNotMatch(`${e.message} ${JSON.stringify(e.context)}`, /xxxx/);
    return true;
  });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(got.length, 0);
});

test('a refused upstream port is SY_ERR_NET_DIAL', async () => {
  const srv = await fakeSocks(() => {});
  const port = srv.port;
  await srv.close();
  await assert.rejects(socks5(port).dialTcp({ host: 'example.com', ip: '', port: 443 }, meta()), { code: 'SY_ERR_NET_DIAL' });
});

test('bytes sent by the server right after the reply are not lost', async (t) => {
  const srv = await fakeSocks((_c, s, n) => {
    if (n !== 0) return; // pipelined: greeting and request arrive together
    s.write(Buffer.from([5, 0]));
    s.write(Buffer.concat([Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 80]), Buffer.from('server-first')]));
  });
  t.after(() => srv.close());
  const sock = await socks5(srv.port).dialTcp({ host: 'example.com', ip: '', port: 25 }, meta());
  await new Promise((r) => setTimeout(r, 50)); // the consumer attaches late
  assert.equal((await readN(sock, 12)).toString(), 'server-first');
  sock.destroy();
});

test('UDP replies: malformed, fragmented and foreign datagrams are dropped and counted; the flow survives', async (t) => {
  const dgram = await import('node:dgram');
  // a fake relay: answers each datagram with junk first, then a valid reply
  const relay = dgram.createSocket('udp4');
  await new Promise<void>((r) => relay.bind(0, '127.0.0.1', () => r()));
  const relayPort = relay.address().port;
  relay.on('message', (_m, r) => {
    relay.send(Buffer.from([0, 0]), r.port, r.address); // too short
    relay.send(Buffer.from([0, 0, 0, 7, 1, 2, 3]), r.port, r.address); // bad ATYP
    relay.send(Buffer.from([0, 0, 0, 1, 1, 2]), r.port, r.address); // truncated address
    relay.send(Buffer.from([0, 0, 1, 1, 127, 0, 0, 1, 0, 9, 0x41]), r.port, r.address); // fragment
    relay.send(Buffer.from([0, 0, 0, 3, 0, 0, 9]), r.port, r.address); // empty name
    relay.send(Buffer.concat([Buffer.from([0, 0, 0, 1, 203, 0, 113, 9, 0, 53]), Buffer.from('valid')]), r.port, r.address);
  });
  const foreign = dgram.createSocket('udp4');
  await new Promise<void>((r) => foreign.bind(0, '127.0.0.1', () => r()));
  t.after(() => {
    relay.close();
    foreign.close();
  });
  const srv = await fakeSocks((_c, s, n) => {
    if (n !== 0) return; // pipelined: greeting and request arrive together
    s.write(Buffer.from([5, 0]));
    s.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, relayPort >> 8, relayPort & 255]));
  });
  t.after(() => srv.close());
  const flow = (await socks5(srv.port).dialUdp(meta({ network: 'udp' }))) as Socks5UdpFlow;
  t.after(() => flow.close());
  const got = new Promise<{ d: string; from: { ip: string; port: number } }>((r) => flow.onMessage((d, from) => r({ d: d.toString(), from })));
  flow.send(Buffer.from('q'), { host: 'dns.example', ip: '', port: 53 });
  const reply = await got;
  assert.deepEqual(reply, { d: 'valid', from: { ip: '203.0.113.9', port: 53 } });
  // a datagram from a non-relay address is ignored
  const localPort = await new Promise<number>((resolve) => {
    // learn the flow's local port from what the relay saw
    relay.once('message', (_m, r) => resolve(r.port));
    flow.send(Buffer.from('again'), { host: '', ip: '203.0.113.9', port: 53 });
  });
  foreign.send(Buffer.from([0, 0, 0, 1, 1, 1, 1, 1, 0, 1, 0x42]), localPort, '127.0.0.1');
  await new Promise((r) => setTimeout(r, 100));
  const dropped = flow.dropped();
  assert.ok(dropped.malformed >= 4, JSON.stringify(dropped));
  assert.ok(dropped.fragments >= 1, JSON.stringify(dropped));
  assert.equal(dropped.foreign, 1);
});

test('SOCKS5 UDP flow closes after its idle timeout, and the control connection with it', async (t) => {
  let controlClosed = false;
  const srv = await fakeSocks((_c, s, n) => {
    // pipelined: greeting and request arrive together; answer both at once
    if (n !== 0) return;
    s.write(Buffer.from([5, 0]));
    {
      s.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 9]));
      s.on('close', () => (controlClosed = true));
    }
  });
  t.after(() => srv.close());
  const ob = new Socks5Outbound(
    { name: 'idle', server: '127.0.0.1', port: srv.port, username: '', password: '', udp: true },
    { sockets: plainSocketFactory, resolver: tableResolver(), logger: NULL_LOGGER, udpIdleMs: 150 },
  );
  const flow = await ob.dialUdp(meta({ network: 'udp' }));
  await new Promise<void>((r) => flow.onClose(() => r()));
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(controlClosed, 'the control connection was closed');
});

test('SOCKS5 server given by name is resolved through the injected resolver', async (t) => {
  const srv = await fakeSocks((_c, s, n) => n === 0 && s.write(Buffer.from([5, 0, 5, 0, 0, 1, 0, 0, 0, 0, 0, 0])));
  t.after(() => srv.close());
  const resolver = tableResolver({ 'proxy.example': ['127.0.0.1'] });
  const ob = new Socks5Outbound(
    { name: 'named', server: 'proxy.example', port: srv.port, username: '', password: '', udp: true },
    { sockets: plainSocketFactory, resolver, logger: NULL_LOGGER },
  );
  const s = await ob.dialTcp({ host: 'a.example', ip: '', port: 80 }, meta());
  s.destroy();
  assert.deepEqual(resolver.asked, ['proxy.example']);
});

test('an abort during the SOCKS5 handshake rejects SY_ERR_NET_ABORTED and closes the socket', async (t) => {
  let closed = false;
  const srv = await fakeSocks((_c, s) => s.on('close', () => (closed = true))); // never answers
  t.after(() => srv.close());
  const ctl = new AbortController();
  setTimeout(() => ctl.abort(), 50);
  await assert.rejects(socks5(srv.port).dialTcp({ host: 'a.example', ip: '', port: 80 }, meta(), ctl.signal), { code: 'SY_ERR_NET_ABORTED' });
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(closed, 'the upstream connection was closed');
});
