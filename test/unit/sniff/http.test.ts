import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sniffHttp, sniff, HTTP_MAX_HEAD } from '../../../main/sniff/index.js';

const req = (s: string) => Buffer.from(s, 'latin1');

test('Host header of an origin-form request, for every common method', () => {
  for (const m of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'PROPFIND']) {
    assert.deepEqual(sniffHttp(req(`${m} /index.html HTTP/1.1\r\nHost: Example.ORG\r\n\r\n`)), { host: 'example.org' }, m);
  }
  assert.deepEqual(sniff(req('GET / HTTP/1.1\r\nHost: a.example\r\n\r\n'), 'tcp'), { host: 'a.example' });
});

test('the port is stripped from Host; header name and spacing are free', () => {
  assert.deepEqual(sniffHttp(req('GET / HTTP/1.1\r\nUser-Agent: x\r\nhOsT:example.com:8080\r\n\r\n')), { host: 'example.com' });
  assert.deepEqual(sniffHttp(req('GET / HTTP/1.0\r\nHOST:    example.com   \r\n\r\n')), { host: 'example.com' });
  assert.deepEqual(sniffHttp(req('GET / HTTP/1.1\nHost: bare-lf.example\n\n')), { host: 'bare-lf.example' });
  assert.deepEqual(sniffHttp(req('GET / HTTP/1.1\r\nHost: trailing.example.\r\n\r\n')), { host: 'trailing.example' });
});

test('absolute-form targets win over the Host header', () => {
  assert.deepEqual(sniffHttp(req('GET http://Proxy.Example:3128/x?y HTTP/1.1\r\nHost: other.example\r\n\r\n')), { host: 'proxy.example' });
  assert.deepEqual(sniffHttp(req('GET http://user:pw@abs.example/ HTTP/1.1\r\n\r\n')), { host: 'abs.example' });
  assert.deepEqual(sniffHttp(req('POST https://secure.example HTTP/1.1\r\n\r\n')), { host: 'secure.example' });
});

test('CONNECT authority-form gives the host without the port', () => {
  assert.deepEqual(sniffHttp(req('CONNECT tunnel.example:443 HTTP/1.1\r\nHost: tunnel.example:443\r\n\r\n')), { host: 'tunnel.example' });
});

test('IP-literal hosts are no (v4, [v6], with and without port)', () => {
  for (const h of ['[2001:db8::1]', '[2001:db8::1]:8080', '192.0.2.7', '192.0.2.7:80']) {
    assert.equal(sniffHttp(req(`GET / HTTP/1.1\r\nHost: ${h}\r\n\r\n`)), 'no', h);
  }
  assert.equal(sniffHttp(req('GET http://[2001:db8::1]/ HTTP/1.1\r\n\r\n')), 'no');
});

test('need-more while the request line or the Host line is incomplete', () => {
  const full = 'GET /path HTTP/1.1\r\nAccept: */*\r\nHost: slow.example\r\n\r\n';
  const hostEnd = full.indexOf('slow.example') + 'slow.example\r\n'.length;
  for (let n = 0; n < hostEnd - 1; n++) assert.equal(sniffHttp(req(full.slice(0, n))), 'need-more', `prefix ${n}: ${JSON.stringify(full.slice(0, n))}`);
  assert.deepEqual(sniffHttp(req(full.slice(0, hostEnd))), { host: 'slow.example' });
});

test('no Host (HTTP/1.0 style), junk lines, unknown methods and binary data are no', () => {
  assert.equal(sniffHttp(req('GET / HTTP/1.0\r\nAccept: */*\r\n\r\n')), 'no');
  assert.equal(sniffHttp(req('GET / HTTP/1.1\r\nnot a header\r\nHost: x.example\r\n\r\n')), 'no');
  assert.equal(sniffHttp(req('BREW /pot HTTP/1.1\r\nHost: x.example\r\n\r\n')), 'no');
  assert.equal(sniffHttp(req('GET / HTTP/2.0\r\nHost: x.example\r\n\r\n')), 'no');
  assert.equal(sniffHttp(req('SSH-2.0-OpenSSH_9.6\r\n')), 'no');
  assert.equal(sniffHttp(Buffer.from([0, 1, 2, 3, 0xff])), 'no');
  assert.equal(sniffHttp(req('GET / HTTP/1.1\r\nHost: bad_host!.example\r\n\r\n')), 'no');
  assert.equal(sniffHttp(req('GET / HTTP/1.1\r\nHost: \r\n\r\n')), 'no');
});

test('a head longer than the cap without a Host is no, not need-more forever', () => {
  const big = 'GET / HTTP/1.1\r\n' + 'X-Pad: ' + 'a'.repeat(HTTP_MAX_HEAD) + '\r\n';
  assert.equal(sniffHttp(req(big)), 'no');
  assert.equal(sniffHttp(req('GET /' + 'a'.repeat(HTTP_MAX_HEAD))), 'no');
});
