import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../main/config/load.js';
import { createDnsService } from '../../../main/dns/service.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import { startTestUpstream } from './upstream-fixture.js';
import { freePort, udpQuery } from './client.js';
import { DEFAULT_SOCKET_FACTORY } from '../../../main/dns/exchange.js';

const dir = mkdtempSync(join(tmpdir(), 'sy-dns-svc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('built from a config: answers fake IPs, keeps them across a restart, serves /dns/query', async (t) => {
  const up = await startTestUpstream();
  t.after(() => up.close());
  const dnsPort = await freePort();
  const yaml = `
mode: rule
hosts:
  router.lan: 192.0.2.1
dns:
  enable: true
  listen: 127.0.0.1:${dnsPort}
  ipv6: false
  enhanced-mode: fake-ip
  fake-ip-range: 198.18.0.1/16
  fake-ip-filter: ['+.test']
  nameserver: ['udp://${up.address}']
rules:
  - MATCH,DIRECT
`;
  const parsed = parseConfig(yaml, join(dir, 'config.yaml'), { home: dir });
  assert.deepEqual(parsed.errors.map((e) => e.message), []);
  const config = parsed.config!;

  const first = createDnsService(config, { logger: NULL_LOGGER, sockets: DEFAULT_SOCKET_FACTORY });
  await first.start();
  const port = first.server!.address().port;
  const fake = (await udpQuery(port, 'www.example.org', 'A')).answers[0]!.data as string;
  assert.ok(first.fakeIp!.contains(fake));
  assert.equal((await udpQuery(port, 'a.test', 'A')).answers[0]!.data, '192.0.2.10', 'filtered: real answer');
  assert.equal((await udpQuery(port, 'router.lan', 'A')).answers[0]!.data, '192.0.2.1', 'hosts');
  assert.equal((await udpQuery(port, 'www.example.org', 'AAAA')).answers.length, 0, 'ipv6: false');
  assert.equal((await first.queryForApi('a.test', 'A')).Answer![0]!.data, '192.0.2.10');
  assert.equal(first.hostCache.hostOf('192.0.2.10'), 'a.test');
  assert.deepEqual(await first.resolver.resolve('router.lan'), ['192.0.2.1']);
  await first.close();
  assert.ok(existsSync(join(dir, 'fake-ip-pool.json')), 'mapping saved on close');

  const second = createDnsService(config, { logger: NULL_LOGGER, sockets: DEFAULT_SOCKET_FACTORY });
  await second.start();
  t.after(() => second.close());
  assert.equal(second.fakeIp!.lookupHost(fake), 'www.example.org', 'the mapping survived the restart');
  assert.equal((await udpQuery(second.server!.address().port, 'www.example.org', 'A')).answers[0]!.data, fake);
  second.flushFakeIp();
  assert.equal(second.fakeIp!.lookupHost(fake), undefined);
});

test('dns disabled: no server and no pool, but a resolver for the rules', async () => {
  const parsed = parseConfig('dns:\n  enable: false\n  nameserver: [192.0.2.53]\nrules:\n  - MATCH,DIRECT\n', join(dir, 'c2.yaml'), { home: dir });
  const svc = createDnsService(parsed.config!, { logger: NULL_LOGGER, sockets: DEFAULT_SOCKET_FACTORY });
  await svc.start();
  assert.equal(svc.server, undefined);
  assert.equal(svc.fakeIp, undefined);
  assert.equal(svc.resolver.servers.length, 1);
  await svc.close();
});
