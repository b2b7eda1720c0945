import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { queryForApi, parseQueryType } from '../../../main/dns/api.js';
import { UpstreamResolver } from '../../../main/dns/resolver.js';
import { SyError } from '../../../main/core/errors.js';
import { startTestUpstream, type TestUpstream } from './upstream-fixture.js';

let up: TestUpstream;
let r: UpstreamResolver;
before(async () => {
  up = await startTestUpstream();
  r = new UpstreamResolver({ nameservers: [up.address], timeoutMs: 1000 });
});
after(() => up.close());

test('/dns/query answer in mihomo shape: fqdn names, numeric types, TTL, presentation data', async () => {
  const res = await queryForApi(r, 'alias.test', 'A');
  assert.deepEqual(res, {
    Status: 0,
    Question: [{ Name: 'alias.test.', Qtype: 1, Qclass: 1 }],
    TC: false, RD: true, RA: true, AD: false, CD: false,
    Answer: [
      { name: 'alias.test.', type: 5, TTL: 30, data: 'mid.test.' },
      { name: 'mid.test.', type: 5, TTL: 30, data: 'a.test.' },
      { name: 'a.test.', type: 1, TTL: 60, data: '192.0.2.10' },
    ],
  });
});

test('AAAA by name or number; NXDOMAIN has Status 3 and no Answer', async () => {
  assert.equal((await queryForApi(r, 'A.TEST', 'aaaa')).Answer![0]!.data, '2001:db8::10');
  assert.equal((await queryForApi(r, 'a.test', 28)).Question[0]!.Qtype, 28);
  const nx = await queryForApi(r, 'nope.test', 'A');
  assert.equal(nx.Status, 3);
  assert.equal(nx.Answer, undefined);
});

test('types dns-packet does not model (HTTPS = 65) are still asked', async () => {
  const res = await queryForApi(r, 'a.test', 'HTTPS');
  assert.equal(res.Status, 0);
  assert.equal(res.Question[0]!.Qtype, 65);
  assert.equal(up.count('a.test', 'UNKNOWN_65'), 1);
});

test('bad types and names are SY_ERR_DNS_BAD_QUERY', async () => {
  for (const t of ['BOGUS', '0', '70000', '']) assert.throws(() => parseQueryType(t), (e: unknown) => e instanceof SyError && e.code === 'SY_ERR_DNS_BAD_QUERY', t);
  await assert.rejects(queryForApi(r, 'bad name!', 'A'), (e: unknown) => e instanceof SyError && e.code === 'SY_ERR_DNS_BAD_QUERY');
  await assert.rejects(queryForApi(r, '', 'A'), (e: unknown) => e instanceof SyError && e.code === 'SY_ERR_DNS_BAD_QUERY');
});
