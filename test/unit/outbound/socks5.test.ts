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
    if (n === 0) s.write(Buffer.from([5, 0]));
    else {
      s.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0x30, 0x39]));
      setTimeout(() => s.destroy(), 200);
    }
  });
  t.after(() => srv.close());
  const flow = (await socks5(srv.port).dialUdp(meta({ network: 'udp' }))) as Socks5UdpFlow;
  assert.deepEqual(flow.relay, { ip: '127.0.0.1', port: 12345 }, 'BND.ADDR 0.0.0.0 is replaced by the server address');
  await new Promise<void>((r) => flow.onClose(() => r()));
});

const hostile: [string, (chunk: Buffer, s: net.Socket, n: number) => void, string][] = [
  ['wrong version in the greeting', (_c, s) => s.write(Buffer.from([4, 0])), 'SY_ERR_NET_SOCKS_HANDSHAKE'],
  ['no acceptable method', (_c, s) => s.write(Buffer.from([5, 0xff])), 'SY_ERR_NET_SOCKS_AUTH'],
  ['unknown method', (_c, s) => s.write(Buffer.from([5, 9])), 'SY_ERR_NET_SOCKS_HANDSHAKE'],
  ['truncated greeting, then close', (_c, s) => s.end(Buffer.from([5])), 'SY_ERR_NET_SOCKS_HANDSHAKE'],
  ['wrong version in the reply', (_c, s, n) => s.write(Buffer.from(n === 0 ? [5, 0] : [4, 0, 0, 1, 1, 2, 3, 4, 0, 80])), 'SY_ERR_NET_SOCKS_HANDSHAKE'],
  ['bad ATYP in the reply', (_c, s, n) => s.write(Buffer.from(n === 0 ? [5, 0] : [5, 0, 0, 9, 1, 2, 3, 4, 0, 80])), 'SY_ERR_NET_SOCKS_HANDSHAKE'],
  ['truncated reply, then close', (_c, s, n) => (n === 0 ? s.write(Buffer.from([5, 0])) : s.end(Buffer.from([5, 0, 0, 1, 1]))), 'SY_ERR_NET_SOCKS_HANDSHAKE'],
  ['refusal: connection refused', (_c, s, n) => s.write(Buffer.from(n === 0 ? [5, 0] : [5, 5, 0, 1, 0, 0, 0, 0, 0, 0])), 'SY_ERR_NET_SOCKS_REFUSED'],
  ['refusal: not allowed', (_c, s, n) => s.write(Buffer.from(n === 0 ? [5, 0] : [5, 2, 0, 1, 0, 0, 0, 0, 0, 0])), 'SY_ERR_NET_SOCKS_REFUSED'],
  ['silence: handshake timeout', () => {}, 'SY_ERR_NET_TIMEOUT'],
  ['garbage flood', (_c, s) => s.write(Buffer.alloc(4096, 0x41)), 'SY_ERR_NET_SOCKS_HANDSHAKE'],
];

for (const [name, script, code] of hostile) {
  test(`hostile upstream: ${name} -> ${code}`, async (t) => {
    const srv = await fakeSocks(script);
    t.after(() => srv.close());
    await assert.rejects(socks5(srv.port).dialTcp({ host: 'example.com', ip: '', port: 443 }, meta()), (e: unknown) => {
      assert.ok(e instanceof SyError, String(e));
      assert.equal(e.code, code, e.message);
      return true;
    });
  });
}

test('a refused upstream port is SY_ERR_NET_DIAL', async () => {
  const srv = await fakeSocks(() => {});
  const port = srv.port;
  await srv.close();
  await assert.rejects(socks5(port).dialTcp({ host: 'example.com', ip: '', port: 443 }, meta()), { code: 'SY_ERR_NET_DIAL' });
});

test('bytes sent by the server right after the reply are not lost', async (t) => {
  const srv = await fakeSocks((_c, s, n) => {
    if (n === 0) s.write(Buffer.from([5, 0]));
    else s.write(Buffer.concat([Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 80]), Buffer.from('server-first')]));
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
    if (n === 0) s.write(Buffer.from([5, 0]));
    else s.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, relayPort >> 8, relayPort & 255]));
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
    if (n === 0) s.write(Buffer.from([5, 0]));
    else {
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
  const srv = await fakeSocks((_c, s, n) => s.write(Buffer.from(n === 0 ? [5, 0] : [5, 0, 0, 1, 0, 0, 0, 0, 0, 0])));
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
