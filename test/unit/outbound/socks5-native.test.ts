// The SOCKS5 handshake done by the native relay (Socks5Outbound.nativeTarget
// + SpliceRelay.connect): it relays after a valid answer (server-first bytes
// kept), ends with the same coded error as the Node client for every hostile
// answer, and its accept/reject verdict agrees with socks5-wire.ts on 1,000
// mutated answers; against dante with and without username/password.
// Loopback only.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { SpliceRelay, nativeAvailable, type SpliceEnd } from '../../../native/index.js';
import { Socks5Outbound } from '../../../main/outbound/socks5.js';
import { plainSocketFactory } from '../../../main/outbound/socket-factory.js';
import { parseSocks5Replies, SOCKS_CMD_CONNECT } from '../../../main/outbound/socks5-wire.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import { tableResolver, tcpEcho } from './peers.js';
import { danteAvailable, startDante, createSocksUser } from '../../helpers/dante.js';
import { nativeEndError } from '../../../main/outbound/native-end.js';

const skip = nativeAvailable() ? false : 'the native addon is not built';
const relay = skip ? null : new SpliceRelay();
after(() => relay?.close());

function outbound(port: number, auth = false) {
  return new Socks5Outbound(
    { name: 'up', server: '127.0.0.1', port, username: auth ? 'u1' : '', password: auth ? 'pw-secret-1' : '', udp: false },
    { sockets: { ...plainSocketFactory, nativeMark: 0 }, resolver: tableResolver(), logger: NULL_LOGGER, handshakeTimeoutMs: 500, connectTimeoutMs: 500 },
  );
}

/** A server that answers the first chunk with `answer` and then closes (or stays open). */
async function scripted(answer: Buffer, opts: { end?: boolean; seen?: Buffer[] } = {}) {
  const open = new Set<net.Socket>();
  const srv = net.createServer({ allowHalfOpen: true }, (s) => {
    open.add(s);
    s.on('error', () => {});
    s.on('close', () => open.delete(s));
    let first = true;
    s.on('data', (d) => {
      opts.seen?.push(d);
      if (!first) return;
      first = false;
      if (opts.end) s.end(answer);
      else if (answer.length) s.write(answer);
    });
  });
  await once(srv.listen(0, '127.0.0.1'), 'listening');
  return { port: (srv.address() as net.AddressInfo).port, close: () => { for (const s of open) s.destroy(); srv.close(); } };
}

/** Runs one native SOCKS5 connection; resolves with its end and what the client received. */
async function run(ob: Socks5Outbound, head?: Buffer): Promise<{ why: SpliceEnd; got: string; message: string; code: string }> {
  const proxy = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
  await once(proxy.listen(0, '127.0.0.1'), 'listening');
  try {
    const inbound = once(proxy, 'connection').then(([s]) => s as net.Socket);
    const client = net.connect({ port: (proxy.address() as net.AddressInfo).port, host: '127.0.0.1', allowHalfOpen: true });
    client.on('error', () => {});
    let got = '';
    client.on('data', (d) => (got += d));
    client.on('end', () => client.end()); // the client answers a FIN with its own
    const s = await inbound;
    const target = ob.nativeTarget({ host: 'example.com', ip: '', port: 443 });
    assert.ok(target && target.opening && target.socks);
    const done = new Promise<SpliceEnd>((resolve) => {
      const conn = relay!.connect(s, { ...target, connectTimeoutMs: 1000 }, head ? { idleMs: 2000, head } : { idleMs: 2000 }, (why) => resolve(why));
      assert.ok(conn);
    });
    const why = await done;
    await new Promise((r) => setTimeout(r, 10));
    client.destroy();
    const auth = target.socks === 2;
    const code = nativeEndError({ where: 'w', socks: { auth, username: 'u1' } }, why)?.code ?? '';
    return { why, got, message: target.explain!(why), code };
  } finally {
    proxy.close();
  }
}

test('native SOCKS5: one pipelined write, then the client head, and the server-first bytes reach the client', { skip }, async (t) => {
  const seen: Buffer[] = [];
  const srv = await scripted(Buffer.concat([Buffer.from([5, 2, 1, 0, 5, 0, 0, 1, 127, 0, 0, 1, 0, 80]), Buffer.from('server-first')]), { end: true, seen });
  t.after(srv.close);
  const r = await run(outbound(srv.port, true), Buffer.from('client-head'));
  assert.equal(r.why, 'closed');
  assert.equal(r.got, 'server-first');
  const all = Buffer.concat(seen);
  const opening = outbound(srv.port, true).nativeTarget({ host: 'example.com', ip: '', port: 443 })!.opening!;
  assert.deepEqual(seen[0], opening, 'the opening arrives alone, before any answer');
  assert.equal(all.subarray(opening.length).toString(), 'client-head', 'the head follows the handshake');
});

const OK = [5, 0];
const cases: { name: string; answer: number[]; end?: boolean; auth?: boolean; code: string }[] = [
  { name: 'method 0xFF', answer: [5, 0xff], code: 'SY_ERR_NET_SOCKS_AUTH' },
  { name: 'wrong version', answer: [4, 0], code: 'SY_ERR_NET_SOCKS_HANDSHAKE' },
  { name: 'auth failure', answer: [5, 2, 1, 1], auth: true, code: 'SY_ERR_NET_SOCKS_AUTH' },
  { name: 'REP 5 (refused)', answer: [...OK, 5, 5, 0, 1, 0, 0, 0, 0, 0, 0], code: 'SY_ERR_NET_SOCKS_REFUSED' },
  { name: 'reserved byte', answer: [...OK, 5, 0, 7, 1, 0, 0, 0, 0, 0, 0], code: 'SY_ERR_NET_SOCKS_HANDSHAKE' },
  { name: 'unknown ATYP', answer: [...OK, 5, 0, 0, 9, 0, 0, 0, 0, 0, 0], code: 'SY_ERR_NET_SOCKS_HANDSHAKE' },
  { name: 'truncated BND.ADDR, then close', answer: [...OK, 5, 0, 0, 1, 1], end: true, code: 'SY_ERR_NET_SOCKS_HANDSHAKE' },
  { name: 'silence', answer: [], code: 'SY_ERR_NET_TIMEOUT' },
];
for (const c of cases) {
  test(`native SOCKS5: ${c.name} -> ${c.code}, as the Node client words it`, { skip }, async (t) => {
    const srv = await scripted(Buffer.from(c.answer), { end: c.end });
    t.after(srv.close);
    const r = await run(outbound(srv.port, c.auth));
    assert.match(r.why, /^error: socks5 /);
    assert.equal(r.code, c.code, r.message);
    assert.doesNotMatch(r.message, /pw-secret-1/);
    assert.equal(r.got, '', 'the client got nothing');
  });
}

test('native SOCKS5: a refused upstream port is error: connect ECONNREFUSED, worded SY_ERR_NET_DIAL', { skip }, async () => {
  const srv = await scripted(Buffer.alloc(0));
  const port = srv.port;
  srv.close();
  await new Promise((r) => setTimeout(r, 20));
  const r = await run(outbound(port));
  assert.equal(r.why, 'error: connect ECONNREFUSED');
  assert.equal(r.code, 'SY_ERR_NET_DIAL');
  assert.match(r.message, /ECONNREFUSED/);
});

test('native SOCKS5: the native check and socks5-wire.ts agree on 1,000 mutated answers', { skip, timeout: 120_000 }, async (t) => {
  let seed = 0x5eed;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const scripts: Buffer[] = [];
  let served = 0;
  const srv = net.createServer({ allowHalfOpen: true }, (s) => {
    s.on('error', () => {});
    const script = scripts[served++] ?? Buffer.alloc(0);
    s.once('data', () => s.end(script));
  });
  await once(srv.listen(0, '127.0.0.1'), 'listening');
  t.after(() => srv.close());
  const port = (srv.address() as net.AddressInfo).port;
  let agreeOk = 0;
  let agreeBad = 0;
  for (let i = 0; i < 1000; i++) {
    const auth = rand() < 0.3;
    const valid = [5, auth ? 2 : 0, ...(auth ? [1, 0] : []), 5, 0, 0, ...[[1, 198, 51, 100, 2], [3, 3, 97, 98, 99], [4, ...new Array(16).fill(0)]][Math.floor(rand() * 3)]!, 1, 187];
    const b = Buffer.from(valid);
    const kind = Math.floor(rand() * 4);
    if (kind === 1) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
    const script = kind === 2 ? b.subarray(0, Math.floor(rand() * b.length)) : b;
    scripts.push(script);
    const verdict = parseSocks5Replies(script, auth, 'u1', SOCKS_CMD_CONNECT).kind === 'done';
    const r = await run(new Socks5Outbound(
      { name: 'up', server: '127.0.0.1', port, username: auth ? 'u1' : '', password: auth ? 'p' : '', udp: false },
      { sockets: { ...plainSocketFactory, nativeMark: 0 }, resolver: tableResolver(), logger: NULL_LOGGER, handshakeTimeoutMs: 300, connectTimeoutMs: 300 },
    ));
    const nativeOk = !r.why.startsWith('error: socks5 ');
    assert.equal(nativeOk, verdict, `answer ${script.toString('hex')} (auth ${auth}): native ${r.why}, socks5-wire ${verdict ? 'accepts' : 'rejects'}`);
    if (verdict) agreeOk++;
    else agreeBad++;
  }
  assert.ok(agreeOk > 100 && agreeBad > 100, `both verdicts exercised (${agreeOk} valid, ${agreeBad} invalid)`);
});

/** One connection through the native relay to `dst` via `o`, sending `head`; resolves when it ended. */
async function relayThrough(o: Socks5Outbound, dst: { host: string; ip: string; port: number }, head: string, user: string) {
  const proxy = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
  await once(proxy.listen(0, '127.0.0.1'), 'listening');
  try {
    const inbound = once(proxy, 'connection').then(([s]) => s as net.Socket);
    const client = net.connect({ port: (proxy.address() as net.AddressInfo).port, host: '127.0.0.1', allowHalfOpen: true });
    client.on('error', () => {});
    let got = '';
    client.on('data', (d) => {
      got += d;
      if (got.length >= head.length) client.end();
    });
    const sock = await inbound;
    const target = o.nativeTarget(dst)!;
    const why = await new Promise<SpliceEnd>((resolve) => relay!.connect(sock, { ...target, connectTimeoutMs: 3000 }, { idleMs: 5000, head: Buffer.from(head) }, (w) => resolve(w)));
    client.destroy();
    return { why, got, code: nativeEndError({ where: 'w', socks: { auth: true, username: user } }, why)?.code ?? '' };
  } finally {
    proxy.close();
  }
}

test('native SOCKS5 against dante with username/password: relays; a wrong password is SY_ERR_NET_SOCKS_AUTH', { skip: skip || (!danteAvailable() && 'dante-server is not installed') || (process.getuid?.() !== 0 && 'needs root to add a system user') }, async (t) => {
  const user = `syn${process.pid % 100000}`;
  t.after(createSocksUser(user, 'right-pass-2'));
  const dante = await startDante({ method: 'username' });
  t.after(() => dante.stop());
  const echo = await tcpEcho();
  t.after(() => echo.close());
  const ob = (password: string) =>
    new Socks5Outbound(
      { name: 'up', server: '127.0.0.1', port: dante.port, username: user, password, udp: false },
      { sockets: { ...plainSocketFactory, nativeMark: 0 }, resolver: tableResolver(), logger: NULL_LOGGER, handshakeTimeoutMs: 2000, connectTimeoutMs: 2000 },
    );
  const dst = { host: '', ip: '127.0.0.1', port: echo.port };
  const ok = await relayThrough(ob('right-pass-2'), dst, 'hello dante', user);
  assert.equal(ok.got, 'hello dante');
  assert.equal(ok.why, 'closed');
  const bad = await relayThrough(ob('wrong-pass-2'), dst, 'hello dante', user);
  assert.equal(bad.code, 'SY_ERR_NET_SOCKS_AUTH', bad.why);
  assert.equal(bad.got, '');
});

test('native SOCKS5 against dante without auth, by host name (ATYP 3, dante resolves it)', { skip: skip || (!danteAvailable() && 'dante-server is not installed') }, async (t) => {
  const dante = await startDante();
  t.after(() => dante.stop());
  const echo = await tcpEcho();
  t.after(() => echo.close());
  const o = new Socks5Outbound(
    { name: 'up', server: '127.0.0.1', port: dante.port, username: '', password: '', udp: false },
    { sockets: { ...plainSocketFactory, nativeMark: 0 }, resolver: tableResolver(), logger: NULL_LOGGER },
  );
  const r = await relayThrough(o, { host: 'localhost', ip: '', port: echo.port }, 'by name', '');
  assert.equal(r.got, 'by name');
});
