// DIRECT, REJECT, REJECT-DROP and unsupported types over real local sockets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DirectOutbound } from '../../../main/outbound/direct.js';
import { rejectOutbound, rejectDropOutbound } from '../../../main/outbound/reject.js';
import { UnsupportedOutbound } from '../../../main/outbound/unsupported.js';
import { plainSocketFactory, type SocketFactory } from '../../../main/outbound/socket-factory.js';
import { meta, tableResolver, tcpEcho, udpEcho, readN } from './peers.js';
import { proxy } from './configs.js';

test('DIRECT dials the IP when known, with TCP_NODELAY, and records the remote destination', async (t) => {
  const echo = await tcpEcho();
  t.after(() => echo.close());
  const resolver = tableResolver();
  const direct = new DirectOutbound('DIRECT', { sockets: plainSocketFactory, resolver });
  const m = meta();
  const s = await direct.dialTcp({ host: 'ignored.example', ip: '127.0.0.1', port: echo.port }, m);
  s.write('x1');
  assert.equal((await readN(s, 2)).toString(), 'x1');
  assert.equal(m.remoteDestination, '127.0.0.1');
  assert.deepEqual(resolver.asked, [], 'a known IP is never resolved');
  s.destroy();
});

test('DIRECT resolves a host-only destination through the injected resolver', async (t) => {
  const echo = await tcpEcho();
  t.after(() => echo.close());
  const resolver = tableResolver({ 'fake.example': ['127.0.0.1'] });
  const direct = new DirectOutbound('DIRECT', { sockets: plainSocketFactory, resolver });
  const s = await direct.dialTcp({ host: 'fake.example', ip: '', port: echo.port }, meta());
  s.destroy();
  assert.deepEqual(resolver.asked, ['fake.example']);
  await assert.rejects(direct.dialTcp({ host: 'nx.example', ip: '', port: 80 }, meta()), { code: 'SY_ERR_NET_RESOLVE' });
});

test('DIRECT uses the injected socket factory', async (t) => {
  const echo = await tcpEcho();
  t.after(() => echo.close());
  const families: number[] = [];
  const sockets: SocketFactory = {
    tcp: (f) => (families.push(f), plainSocketFactory.tcp(f)),
    udp: (f) => plainSocketFactory.udp(f),
  };
  const s = await new DirectOutbound('DIRECT', { sockets, resolver: tableResolver() }).dialTcp({ host: '', ip: '127.0.0.1', port: echo.port }, meta());
  s.destroy();
  assert.deepEqual(families, [4]);
});

test('DIRECT: refused, aborted and timed-out dials are coded errors', async () => {
  const direct = new DirectOutbound('DIRECT', { sockets: plainSocketFactory, resolver: tableResolver(), connectTimeoutMs: 200 });
  const closed = await tcpEcho();
  const port = closed.port;
  await closed.close();
  await assert.rejects(direct.dialTcp({ host: '', ip: '127.0.0.1', port }, meta()), { code: 'SY_ERR_NET_DIAL' });
  const ctl = new AbortController();
  ctl.abort();
  await assert.rejects(direct.dialTcp({ host: '', ip: '127.0.0.1', port }, meta(), ctl.signal), { code: 'SY_ERR_NET_ABORTED' });
});

test('DIRECT UDP flow: round trip by IP and by host, close fires once', async (t) => {
  const echo = await udpEcho();
  t.after(() => echo.close());
  const direct = new DirectOutbound('DIRECT', { sockets: plainSocketFactory, resolver: tableResolver({ 'u.example': ['127.0.0.1'] }) });
  const flow = await direct.dialUdp(meta({ network: 'udp' }));
  const got: string[] = [];
  const two = new Promise<void>((r) =>
    flow.onMessage((d, from) => {
      got.push(`${d}@${from.ip}:${from.port === echo.port}`);
      if (got.length === 2) r();
    }),
  );
  flow.send(Buffer.from('a'), { host: '', ip: '127.0.0.1', port: echo.port });
  flow.send(Buffer.from('b'), { host: 'u.example', ip: '', port: echo.port });
  await two;
  assert.deepEqual(got.sort(), ['echo:a@127.0.0.1:true', 'echo:b@127.0.0.1:true']);
  let closes = 0;
  flow.onClose(() => closes++);
  flow.close();
  flow.close();
  assert.equal(closes, 1);
});

test('DIRECT UDP flow ends after its idle timeout', async () => {
  const direct = new DirectOutbound('DIRECT', { sockets: plainSocketFactory, resolver: tableResolver(), udpIdleMs: 100 });
  const flow = await direct.dialUdp(meta({ network: 'udp' }));
  const t0 = Date.now();
  const keepAlive = setTimeout(() => {}, 2000); // the flow's own timer is unref'd
  await new Promise<void>((r) => flow.onClose(() => r()));
  clearTimeout(keepAlive);
  assert.ok(Date.now() - t0 >= 90);
});

test('REJECT and REJECT-DROP refuse dials with SY_ERR_NET_REJECTED and carry their API types', async () => {
  const r = rejectOutbound();
  const rd = rejectDropOutbound();
  assert.equal(r.type, 'Reject');
  assert.equal(rd.type, 'RejectDrop');
  await assert.rejects(r.dialTcp({ host: 'a.example', ip: '', port: 1 }, meta()), { code: 'SY_ERR_NET_REJECTED' });
  await assert.rejects(rd.dialUdp(meta({ network: 'udp' })), { code: 'SY_ERR_NET_REJECTED' });
});

test('unsupported types keep their API type name, are never alive and refuse dials', async () => {
  for (const [type, api] of [['ss', 'Shadowsocks'], ['vmess', 'Vmess'], ['trojan', 'Trojan'], ['hysteria2', 'Hysteria2'], ['weird', 'Unknown']] as const) {
    const o = new UnsupportedOutbound(proxy({ name: type, type, supported: false }));
    assert.equal(o.type, api);
    assert.equal(o.alive(), false);
    await assert.rejects(o.dialTcp(), { code: 'SY_ERR_NET_UNSUPPORTED' });
  }
});

test('DIRECT tries the next resolved address when one refuses', async (t) => {
  const echo = await tcpEcho();
  t.after(() => echo.close());
  // ::1 or 127.0.0.2 refuse on this port (the echo server listens on 127.0.0.1 only)
  const resolver = tableResolver({ 'multi.example': ['127.0.0.2', '127.0.0.1'] });
  const direct = new DirectOutbound('DIRECT', { sockets: plainSocketFactory, resolver });
  const m = meta();
  const s = await direct.dialTcp({ host: 'multi.example', ip: '', port: echo.port }, m);
  s.destroy();
  assert.equal(m.remoteDestination, '127.0.0.1');
});

test('DIRECT UDP: a socket factory failure ends the flow with a coded error instead of throwing', async () => {
  const sockets: SocketFactory = {
    tcp: (f) => plainSocketFactory.tcp(f),
    udp: () => {
      throw Object.assign(new Error('operation not permitted'), { code: 'EPERM' });
    },
  };
  const flow = await new DirectOutbound('DIRECT', { sockets, resolver: tableResolver() }).dialUdp(meta({ network: 'udp' }));
  const ended = new Promise<Error | undefined>((r) => flow.onClose(r));
  assert.doesNotThrow(() => flow.send(Buffer.from('x'), { host: '', ip: '127.0.0.1', port: 9 }));
  const err = await ended;
  assert.equal((err as { code?: string }).code, 'SY_ERR_NET_DIAL');
});

test('DIRECT dials IPv6 destinations', async (t) => {
  const net = await import('node:net');
  const srv = net.createServer((s) => s.end('v6'));
  const ok = await new Promise<boolean>((r) => {
    srv.once('error', () => r(false));
    srv.listen(0, '::1', () => r(true));
  });
  if (!ok) return void t.skip('no IPv6 loopback');
  t.after(() => srv.close());
  const port = (srv.address() as import('node:net').AddressInfo).port;
  const s = await new DirectOutbound('DIRECT', { sockets: plainSocketFactory, resolver: tableResolver() }).dialTcp({ host: '', ip: '::1', port }, meta());
  assert.equal((await readN(s, 2)).toString(), 'v6');
  s.destroy();
});
