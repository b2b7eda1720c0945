// HTTP upstream (CONNECT): a real local CONNECT proxy, basic auth sent, and
// refusals as coded errors without the password.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { HttpOutbound } from '../../../main/outbound/http.js';
import { plainSocketFactory } from '../../../main/outbound/socket-factory.js';
import { SyError } from '../../../main/core/errors.js';
import { connectProxy, meta, readN, tableResolver, tcpEcho } from './peers.js';

function http(port: number, username = '', password = '') {
  return new HttpOutbound(
    { name: 'h', server: '127.0.0.1', port, username, password, tls: false, skipCertVerify: false },
    { sockets: plainSocketFactory, resolver: tableResolver(), handshakeTimeoutMs: 1000 },
  );
}

test('CONNECT through a real HTTP proxy relays bytes; UDP is refused', async (t) => {
  const echo = await tcpEcho();
  const proxy = await connectProxy(0);
  t.after(() => Promise.all([echo.close(), proxy.close()]));
  const ob = http(proxy.port);
  const s = await ob.dialTcp({ host: '', ip: '127.0.0.1', port: echo.port }, meta());
  s.write('via http');
  assert.equal((await readN(s, 8)).toString(), 'via http');
  s.destroy();
  assert.equal(ob.supportsUdp, false);
  await assert.rejects(ob.dialUdp(), { code: 'SY_ERR_NET_NO_UDP' });
});

test('basic auth is sent; 407 is a coded error without the password; silence times out', async (t) => {
  let seenAuth = '';
  const srv = net.createServer((c) => {
    c.on('error', () => {});
    c.once('data', (d) => {
      seenAuth = /Proxy-Authorization: (.*)\r\n/.exec(d.toString())?.[1] ?? '';
      if (d.toString().includes('silent.example')) return;
      c.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n');
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  t.after(() => {
    srv.close();
  });
  const port = (srv.address() as net.AddressInfo).port;
  await assert.rejects(http(port, 'bob', 'Hunter2-secret').dialTcp({ host: 'a.example', ip: '', port: 443 }, meta()), (e: unknown) => {
    assert.ok(e instanceof SyError);
    assert.equal(e.code, 'SY_ERR_NET_HTTP_PROXY');
    assert.match(e.message, /407/);
    assert.doesNotMatch(e.message, /Hunter2/);
    return true;
  });
  assert.equal(seenAuth, `Basic ${Buffer.from('bob:Hunter2-secret').toString('base64')}`);
  await assert.rejects(http(port).dialTcp({ host: 'silent.example', ip: '', port: 443 }, meta()), { code: 'SY_ERR_NET_TIMEOUT' });
});

test('tls: true speaks TLS to the proxy; an untrusted certificate fails unless skip-cert-verify', async (t) => {
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const tls = await import('node:tls');
  const dir = mkdtempSync(join(tmpdir(), 'sy-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  const echo = await tcpEcho();
  const srv = tls.createServer({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) }, (c) => {
    c.on('error', () => {});
    c.once('data', (d) => {
      const m = /^CONNECT [^:]+:(\d+) /.exec(d.toString());
      const up = net.connect({ host: '127.0.0.1', port: Number(m?.[1]) }, () => {
        c.write('HTTP/1.1 200 OK\r\n\r\n');
        c.pipe(up).pipe(c);
      });
      up.on('error', () => c.destroy());
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  t.after(async () => {
    await echo.close();
    srv.close();
  });
  const port = (srv.address() as net.AddressInfo).port;
  const mk = (skipCertVerify: boolean) =>
    new HttpOutbound(
      { name: 'https', server: '127.0.0.1', port, username: '', password: '', tls: true, skipCertVerify },
      { sockets: plainSocketFactory, resolver: tableResolver(), handshakeTimeoutMs: 2000 },
    );
  const s = await mk(true).dialTcp({ host: '', ip: '127.0.0.1', port: echo.port }, meta());
  s.write('over tls');
  assert.equal((await readN(s, 8)).toString(), 'over tls');
  s.destroy();
  await assert.rejects(mk(false).dialTcp({ host: '', ip: '127.0.0.1', port: echo.port }, meta()), { code: 'SY_ERR_NET_DIAL' });
});
