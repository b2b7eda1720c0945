// The native addon: fds that Node adopts (transparent listener, marked TCP
// and UDP sockets), TransparentUdp (original destination, sendFrom, bounded
// reply-socket cache) and clear errors. TPROXY itself is covered end to end
// in test/e2e/capture.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  NativeUnavailableError, TransparentUdp, connectMarkedTcp, createMarkedTcpSocket, createMarkedUdpSocket,
  createTransparentTcpListener, listenTransparentTcp, nativeAvailable, type Endpoint,
} from '../../../native/index.js';
import { NetnsLab, requireRoot } from '../../helpers/netns.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CAP = 'IP_TRANSPARENT / SO_MARK (CAP_NET_ADMIN)';

test('the addon is built and loads', () => {
  assert.equal(nativeAvailable(), true, 'run npm ci / npm run build:native');
});

test('a missing addon is reported with how to build it', () => {
  const e = new NativeUnavailableError(new Error('Could not find build'));
  assert.equal(e.code, 'ERR_SY_NATIVE_MISSING');
  assert.match(e.message, /npm ci/);
  assert.match(e.message, /g\+\+, make and python3/);
});

test('bad arguments are TypeErrors with ERR_INVALID_ARG_VALUE, before any socket is made', () => {
  const bad: Array<() => unknown> = [
    () => createMarkedTcpSocket(5 as 4, 1),
    () => createMarkedUdpSocket(4, -1),
    () => createTransparentTcpListener({ host: 'not-an-ip', port: 1 }),
    () => createTransparentTcpListener({ host: '127.0.0.1', port: 70000 }),
    () => new TransparentUdp({ host: '::', port: 'x' as unknown as number }, () => {}),
  ];
  for (const f of bad) assert.throws(f, (e: NodeJS.ErrnoException) => e instanceof TypeError && e.code === 'ERR_INVALID_ARG_VALUE');
});

test('without CAP_NET_ADMIN the error names the syscall, the errno and the capability', () => {
  let e: { message: string; code: string; syscall: string };
  if (process.getuid?.() !== 0) {
    // already unprivileged: call it directly
    try {
      createTransparentTcpListener({ host: '127.0.0.1', port: 0 });
      assert.fail('expected EPERM');
    } catch (err) {
      e = err as typeof e;
    }
  } else {
    // root: drop to uid 65534 (no capabilities) in a child
    const script = `const a = require(${JSON.stringify(`${ROOT}node_modules/node-gyp-build`)})(${JSON.stringify(`${ROOT}native`)});
      try { a.createTransparentTcpListener({ host: '127.0.0.1', port: 0 }); } catch (e) { console.log(JSON.stringify({ message: e.message, code: e.code, syscall: e.syscall })); }`;
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', script], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(r.status, 0, r.stderr);
    e = JSON.parse(r.stdout);
  }
  assert.equal(e.code, 'EPERM');
  assert.equal(e.syscall, 'setsockopt(IP_TRANSPARENT)');
  assert.match(e.message, /EPERM .*CAP_NET_ADMIN is needed/);
});

test('server.listen({fd}) adopts a transparent listener; accepted sockets report the local address; marked TCP connects', async (t) => {
  if (!requireRoot(t, CAP)) return;
  const server = net.createServer((s) => s.end(`${s.localAddress}:${s.localPort}`));
  t.after(() => server.close());
  await listenTransparentTcp(server, { host: '127.0.0.1', port: 0, mark: 0x1000 });
  const port = (server.address() as net.AddressInfo).port;
  const c = connectMarkedTcp({ host: '127.0.0.1', port, mark: 0x77 });
  let got = '';
  c.on('data', (d) => (got += d));
  await once(c, 'end');
  assert.equal(got, `127.0.0.1:${port}`);
});

test('a dual-stack [::] transparent listener takes IPv4 and IPv6', async (t) => {
  if (!requireRoot(t, CAP)) return;
  const server = net.createServer((s) => s.end(s.remoteAddress ?? ''));
  t.after(() => server.close());
  await listenTransparentTcp(server, { host: '::', port: 0 });
  const port = (server.address() as net.AddressInfo).port;
  for (const host of ['127.0.0.1', '::1']) {
    const c = connectMarkedTcp({ host, port, mark: 0x77 });
    let got = '';
    c.on('data', (d) => (got += d));
    await once(c, 'end');
    assert.match(got, host === '::1' ? /^::1$/ : /127\.0\.0\.1/);
  }
});

test('SO_MARK is really set on marked TCP and UDP sockets (counted by nft in a namespace)', async (t) => {
  if (!requireRoot(t)) return;
  const lab = new NetnsLab('sy-nat-m');
  t.after(() => lab.destroy());
  const ns = await lab.add('m');
  await lab.execOk(ns, 'nft', ['-f', '-'], 'table inet t {\n chain o {\n  type filter hook output priority 0;\n  meta mark 0x77 meta l4proto tcp counter\n  meta mark 0x77 meta l4proto udp counter\n }\n}\n');
  const out = await lab.execOk(ns, process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./mark-probe.ts', import.meta.url)), String(0x77)]);
  assert.equal(out.trim(), 'done');
  const rules = await lab.execOk(ns, 'nft', ['list', 'chain', 'inet', 't', 'o']);
  const counts = [...rules.matchAll(/meta l4proto (tcp|udp) counter packets (\d+)/g)].map((m) => [m[1], Number(m[2])] as const);
  assert.ok(counts.find(([p, n]) => p === 'tcp' && n >= 3), rules);
  assert.ok(counts.find(([p, n]) => p === 'udp' && n === 1), rules);
});

test('TransparentUdp delivers data, source and destination; sendFrom answers from a chosen address; the reply cache is bounded', async (t) => {
  if (!requireRoot(t, CAP)) return;
  const got: Array<{ data: string; src: Endpoint; dst: Endpoint; dscp: number }> = [];
  const udp = new TransparentUdp({ host: '127.0.0.1', port: 0, maxReplySockets: 2 }, (data, src, dst, dscp) => got.push({ data: data.toString(), src, dst, dscp }));
  t.after(() => udp.close());
  const port = udp.address().port;
  const client = dgram.createSocket('udp4');
  t.after(() => client.close());
  await new Promise<void>((r) => client.bind(0, '127.0.0.1', r));
  const me = { ip: '127.0.0.1', port: client.address().port };
  client.send('ping', port, '127.0.0.1');
  for (let i = 0; i < 50 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(got[0], { data: 'ping', src: me, dst: { ip: '127.0.0.1', port }, dscp: 0 });

  const replies: Array<{ data: string; from: string }> = [];
  client.on('message', (m, r) => replies.push({ data: m.toString(), from: `${r.address}:${r.port}` }));
  for (const from of ['127.0.0.2', '127.0.0.3', '127.0.0.4']) udp.sendFrom(Buffer.from(`from ${from}`), { ip: from, port: 5300 }, me);
  for (let i = 0; i < 50 && replies.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(replies.map((r) => r.from).sort(), ['127.0.0.2:5300', '127.0.0.3:5300', '127.0.0.4:5300']);
  assert.equal(udp.replySocketCount, 2, 'LRU keeps at most maxReplySockets');
  udp.close();
  udp.close(); // idempotent
  assert.throws(() => udp.sendFrom(Buffer.from('x'), { ip: '127.0.0.2', port: 1 }, me), /EBADF/);
});

test('TransparentUdp does not block the event loop and drains bursts', async (t) => {
  if (!requireRoot(t, CAP)) return;
  let n = 0;
  const udp = new TransparentUdp({ host: '127.0.0.1', port: 0 }, () => n++);
  t.after(() => udp.close());
  const client = dgram.createSocket('udp4');
  t.after(() => client.close());
  const port = udp.address().port;
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  for (let i = 0; i < 500; i++) client.send('x', port, '127.0.0.1');
  for (let i = 0; i < 100 && n < 500; i++) await new Promise((r) => setTimeout(r, 20));
  clearInterval(timer);
  assert.ok(n >= 450, `received ${n} of 500`);
  assert.ok(ticks > 0);
});

test('TransparentUdp answering from its own address uses the listener (no reply socket steals its traffic)', async (t) => {
  if (!requireRoot(t, CAP)) return;
  let n = 0;
  const udp = new TransparentUdp({ host: '127.0.0.1', port: 0 }, (data, src, dst) => {
    n++;
    udp.sendFrom(data, dst, src);
  });
  t.after(() => udp.close());
  const client = dgram.createSocket('udp4');
  t.after(() => client.close());
  const port = udp.address().port;
  for (let round = 1; round <= 3; round++) {
    client.send(`r${round}`, port, '127.0.0.1');
    const [msg, rinfo] = (await once(client, 'message')) as [Buffer, dgram.RemoteInfo];
    assert.equal(msg.toString(), `r${round}`);
    assert.equal(rinfo.port, port);
  }
  assert.equal(n, 3);
  assert.equal(udp.replySocketCount, 0);
});
