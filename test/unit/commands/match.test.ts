// `switchyard match` end to end: the real CLI, spawned, on generated configs.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';

const ROOT = new URL('../../../', import.meta.url).pathname;
const CLI = join(ROOT, 'bin/switchyard.mjs');
const dir = mkdtempSync(join(tmpdir(), 'sy-match-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
}

const BASE = `proxies:
  - {name: P, type: socks5, server: 198.51.100.1, port: 1080, udp: true}
  - {name: TCPONLY, type: socks5, server: 198.51.100.2, port: 1080, udp: false}
proxy-groups:
  - {name: Proxy, type: select, proxies: [P, DIRECT]}
rule-providers:
  ads: {type: file, behavior: domain, path: ./ads.yaml}
  lan: {type: inline, behavior: ipcidr, payload: [192.0.2.0/24]}
`;
writeFileSync(join(dir, 'ads.yaml'), "payload:\n  - '+.ads.example'\n  - 'bad/entry'\n");
const config = writeConfig(
  'config.yaml',
  BASE +
    `rules:
  - RULE-SET,ads,REJECT
  - DOMAIN-SUFFIX,example.com,Proxy
  - AND,((DOMAIN,udp.example),(NETWORK,udp)),TCPONLY
  - DOMAIN,udp.example,P
  - IP-CIDR,10.0.0.0/8,DIRECT,no-resolve
  - RULE-SET,lan,DIRECT
  - IP-CIDR,198.51.100.0/24,Proxy
  - DST-PORT,22,REJECT
`,
);

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const lines = (s: string) => s.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);

test('one JSON line {target, rule, payload}; no match gives DIRECT with empty rule and payload', () => {
  const hit = run(['match', '--config', config, '--host', 'WWW.Example.com.']);
  assert.equal(hit.code, 0, hit.err);
  assert.equal(hit.out, '{"target":"Proxy","rule":"DOMAIN-SUFFIX","payload":"example.com"}\n');
  const set = run(['match', '--config', config, '--host', 'x.ads.example']);
  assert.deepEqual(lines(set.out), [{ target: 'REJECT', rule: 'RULE-SET', payload: 'ads' }]);
  const none = run(['match', '--config', config, '--host', 'nothing.example', '--resolve', '203.0.113.1', '--port', '443']);
  assert.equal(none.out, '{"target":"DIRECT","rule":"","payload":""}\n');
});

test('--resolve answers the lazy DNS lookup; a literal IP host needs none', () => {
  assert.deepEqual(lines(run(['match', '--config', config, '--host', 'a.example.net', '--resolve', '192.0.2.5']).out), [
    { target: 'DIRECT', rule: 'RULE-SET', payload: 'lan' },
  ]);
  assert.deepEqual(lines(run(['match', '--config', config, '--host', '198.51.100.20']).out), [
    { target: 'Proxy', rule: 'IP-CIDR', payload: '198.51.100.0/24' },
  ]);
  assert.deepEqual(lines(run(['match', '--config', config, '--ip', '2001:db8::1', '--port', '22']).out), [
    { target: 'REJECT', rule: 'DST-PORT', payload: '22' },
  ]);
});

test('UDP to a TCP-only proxy falls through to the next rule', () => {
  assert.deepEqual(lines(run(['match', '--config', config, '--host', 'udp.example', '--network', 'udp']).out), [
    { target: 'P', rule: 'DOMAIN', payload: 'udp.example' },
  ]);
});

test('--batch: one decision per line in order, bad lines give {"error"} and the batch goes on; --stats on stderr', () => {
  const file = join(dir, 'queries.jsonl');
  writeFileSync(
    file,
    [
      '{"host":"a.example.com"}',
      'not json',
      '{"ip":"198.51.100.9","port":443}',
      '{"port":80}',
      '{"host":"q.example.org","resolve":"192.0.2.77"}',
      '{"host":"udp.example","network":"udp"}',
      '{"host":"x.example","network":"sctp"}',
      '',
      '{"host":"q.example.org","src":"192.0.2.10","srcPort":5000,"resolve":"203.0.113.8"}',
    ].join('\n'),
  );
  const r = run(['match', '--config', config, '--batch', file, '--stats']);
  assert.equal(r.code, 0, r.err);
  const out = lines(r.out);
  assert.equal(out.length, 8);
  assert.deepEqual(out[0], { target: 'Proxy', rule: 'DOMAIN-SUFFIX', payload: 'example.com' });
  assert.ok(out[1]!.error);
  assert.deepEqual(out[2], { target: 'Proxy', rule: 'IP-CIDR', payload: '198.51.100.0/24' });
  assert.match(out[3]!.error!, /host.*ip/);
  assert.deepEqual(out[4], { target: 'DIRECT', rule: 'RULE-SET', payload: 'lan' });
  assert.deepEqual(out[5], { target: 'P', rule: 'DOMAIN', payload: 'udp.example' });
  assert.match(out[6]!.error!, /network/);
  assert.deepEqual(out[7], { target: 'DIRECT', rule: '', payload: '' });
  assert.match(r.err, /compile: [\d.]+ ms/);
  assert.match(r.err, /decisions: 5\b/);
  assert.match(r.err, /decisions\/s: \d+/);
  const stdin = run(['match', '--config', config, '--batch', '-'], '{"host":"b.ads.example"}\n{"host":"a.example.com"}\n');
  assert.deepEqual(lines(stdin.out).map((d) => d.target), ['REJECT', 'Proxy']);
});

test('without --resolve the host is resolved through dns.nameserver (plain UDP); no answer counts as "no IP"', async () => {
  // A one-shot DNS server on loopback answering A records from a table.
  const sock = createSocket('udp4');
  const answers: Record<string, string> = { 'mapped.example.net': '198.51.100.44' };
  sock.on('message', (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    const name = q.questions?.[0]?.name ?? '';
    const type = q.questions?.[0]?.type;
    const ip = type === 'A' ? answers[name] : undefined;
    const reply = dnsPacket.encode({
      id: q.id, type: 'response', flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE, questions: q.questions,
      answers: ip ? [{ type: 'A', name, ttl: 60, class: 'IN', data: ip }] : [],
    });
    sock.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((ok) => sock.bind(0, '127.0.0.1', ok));
  after(() => sock.close());
  const port = sock.address().port;
  const file = writeConfig(
    'dns.yaml',
    BASE + `dns:\n  enable: true\n  nameserver: [udp://127.0.0.1:${port}]\nrules:\n  - IP-CIDR,198.51.100.0/24,Proxy\n  - MATCH,REJECT\n`,
  );
  const child = spawn(process.execPath, [CLI, 'match', '--config', file, '--batch', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stdin.end('{"host":"mapped.example.net"}\n{"host":"unknown.example.net"}\n');
  const code = await new Promise((ok) => child.on('close', ok));
  assert.equal(code, 0);
  assert.deepEqual(lines(out), [
    { target: 'Proxy', rule: 'IP-CIDR', payload: '198.51.100.0/24' },
    { target: 'REJECT', rule: 'MATCH', payload: '' },
  ]);
});

test('a config that does not load: exit 1 and the located errors on stderr', () => {
  const bad = writeConfig('bad.yaml', BASE + 'rules:\n  - DST-PORT,99999,DIRECT\n');
  const r = run(['match', '--config', bad, '--host', 'a.example']);
  assert.equal(r.code, 1);
  assert.match(r.err, /SY_ERR_RULE_BAD_PORT: .*bad\.yaml:\d+:\d+ rules\[0\].*"99999"/);
});
