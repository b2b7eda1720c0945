// The native dialer (native/src/dialer.cc): outbound connects in a native
// thread, handed to Node as connected sockets; refused connects come back as
// errno-coded errors; cancelled dials close their socket; connectTcp over a
// factory with `dial` keeps its deadline, abort and error codes. Loopback only.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { NativeDialer, DialError, nativeAvailable } from '../../../native/index.js';
import { connectTcp } from '../../../main/outbound/dial.js';
import { plainSocketFactory, type SocketFactory } from '../../../main/outbound/socket-factory.js';
import { SyError } from '../../../main/core/errors.js';

const skip = nativeAvailable() ? false : 'the native addon is not built';
const dialer = skip ? null : new NativeDialer();
after(() => dialer?.close());

async function echoServer(): Promise<{ port: number; seen: () => number; close(): Promise<void> }> {
  let seen = 0;
  const open = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    seen++;
    open.add(s);
    s.on('close', () => open.delete(s));
    s.on('error', () => {});
    s.pipe(s);
  });
  await once(srv.listen(0, '127.0.0.1'), 'listening');
  return {
    port: (srv.address() as net.AddressInfo).port,
    seen: () => seen,
    close: () => new Promise<void>((r) => { for (const s of open) s.destroy(); srv.close(() => r()); }),
  };
}

const waitFor = async (what: string, ok: () => boolean, ms = 2000) => {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

test('a dial resolves with a connected socket that carries bytes both ways', { skip }, async (t) => {
  const srv = await echoServer();
  t.after(() => srv.close());
  const sock = await dialer!.dial(4, 0, '127.0.0.1', srv.port).socket;
  t.after(() => sock.destroy());
  assert.equal(sock.remotePort, srv.port);
  assert.equal(sock.connecting, false);
  sock.write('ping');
  const [got] = await once(sock, 'data');
  assert.equal(String(got), 'ping');
  assert.equal(dialer!.pending(), 0);
});

test('many dials in one event-loop turn are all served (one batched wake-up)', { skip }, async (t) => {
  const srv = await echoServer();
  t.after(() => srv.close());
  const socks = await Promise.all(Array.from({ length: 50 }, () => dialer!.dial(4, 0, '127.0.0.1', srv.port).socket));
  assert.equal(socks.length, 50);
  for (const s of socks) s.destroy();
  await waitFor('the server to see 50 connections', () => srv.seen() === 50);
});

test('a refused connect rejects with DialError ECONNREFUSED', { skip }, async () => {
  const srv = await echoServer();
  const port = srv.port;
  await srv.close();
  await assert.rejects(dialer!.dial(4, 0, '127.0.0.1', port).socket, (e: unknown) => {
    assert.ok(e instanceof DialError);
    assert.equal(e.code, 'ECONNREFUSED');
    assert.match(e.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    return true;
  });
});

test('bad arguments throw at once', { skip }, () => {
  assert.throws(() => dialer!.dial(4, 0, 'not-an-ip', 80), /bad address/);
  assert.throws(() => dialer!.dial(4, 0, '127.0.0.1', 0), /port must be 1..65535/);
  assert.throws(() => dialer!.dial(5 as 4, 0, '127.0.0.1', 80), /family/);
  assert.throws(() => dialer!.dial(4, -1, '127.0.0.1', 80), /mark/);
});

test('a cancelled dial never settles and leaves nothing pending', { skip }, async (t) => {
  const srv = await echoServer();
  t.after(() => srv.close());
  const d = dialer!.dial(4, 0, '127.0.0.1', srv.port);
  let settled = false;
  d.socket.then(() => (settled = true), () => (settled = true));
  d.cancel();
  d.cancel(); // idempotent
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(settled, false);
  await waitFor('no pending dials', () => dialer!.pending() === 0);
});

test('connectTcp through a factory with dial: connected socket, coded refusal, abort', { skip }, async (t) => {
  const srv = await echoServer();
  t.after(() => srv.close());
  const f: SocketFactory = { ...plainSocketFactory, dial: (fam, ip, port) => dialer!.dial(fam, 0, ip, port) };
  const sock = await connectTcp(f, '127.0.0.1', srv.port, { where: 'test' });
  sock.destroy();

  const closed = await echoServer();
  const deadPort = closed.port;
  await closed.close();
  await assert.rejects(connectTcp(f, '127.0.0.1', deadPort, { where: 'test' }), (e: unknown) => {
    assert.ok(e instanceof SyError);
    assert.equal(e.code, 'SY_ERR_NET_DIAL');
    assert.match(e.message, /ECONNREFUSED/);
    return true;
  });

  const ac = new AbortController();
  const p = connectTcp(f, '127.0.0.1', srv.port, { where: 'test', signal: ac.signal });
  ac.abort();
  await assert.rejects(p, { code: 'SY_ERR_NET_ABORTED' });
  await waitFor('no pending dials', () => dialer!.pending() === 0);
});

test('a closed dialer refuses new dials and close is idempotent', { skip }, async () => {
  const d = new NativeDialer();
  d.close();
  d.close();
  await assert.rejects(d.dial(4, 0, '127.0.0.1', 80).socket, /closed/);
});
