// The engine's order and resolution rules (reference.md §2.2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Metadata } from '../../../main/core/metadata.js';
import type { MatchState, TargetCheck } from '../../../main/core/rule.js';
import { decide, engineFor, meta, show, tableResolver } from './helpers.js';

const GEO = { country: (ip: string) => (ip.startsWith('203.0.113.') ? 'CN' : null) };

test('first match wins; no match gives DIRECT with rule null', async () => {
  const { engine } = await engineFor(['DOMAIN-SUFFIX,example.com,G', 'DOMAIN,www.example.com,REJECT']);
  assert.equal(show(await decide(engine, meta({ host: 'www.example.com' }))), 'DOMAIN-SUFFIX example.com → G');
  const none = await decide(engine, meta({ host: 'example.org' }));
  assert.equal(none.target, 'DIRECT');
  assert.equal(none.rule, null);
});

test('IP-CIDR with no-resolve on a domain-only connection: no match and no DNS query', async () => {
  const { engine } = await engineFor(['IP-CIDR,10.0.0.0/8,REJECT,no-resolve', 'DOMAIN,a.com,G']);
  const r = tableResolver({ 'a.com': ['10.0.0.1'] });
  assert.equal(show(await decide(engine, meta({ host: 'a.com' }), r)), 'DOMAIN a.com → G');
  assert.deepEqual(r.queries, []);
});

test('the first IP rule without no-resolve resolves once; later no-resolve rules see that IP', async () => {
  const { engine } = await engineFor(
    ['IP-CIDR,10.0.0.0/8,REJECT,no-resolve', 'GEOIP,CN,DIRECT', 'IP-CIDR,198.51.100.0/24,G,no-resolve', 'IP-CIDR,198.51.100.0/25,REJECT', 'MATCH,REJECT'],
    { geoip: GEO },
  );
  const r = tableResolver({ 'a.com': ['198.51.100.9'], 'cn.example': ['203.0.113.1'] });
  const m = meta({ host: 'a.com' });
  assert.equal(show(await decide(engine, m, r)), 'IP-CIDR 198.51.100.0/24 → G');
  assert.deepEqual(r.queries, ['a.com'], 'exactly one query');
  assert.equal(m.dstIP, '198.51.100.9', 'the resolved IP is stored in the metadata');
  assert.equal(show(await decide(engine, meta({ host: 'cn.example' }), r)), 'GEOIP CN → DIRECT');
  assert.deepEqual(r.queries, ['a.com', 'cn.example']);
});

test('a failed resolution counts as "no IP" and is not retried', async () => {
  const { engine } = await engineFor(['IP-CIDR,192.0.2.0/24,G', 'GEOIP,CN,G', 'IP-CIDR6,2001:db8::/32,G', 'DOMAIN,x.example,REJECT']);
  const r = tableResolver({});
  assert.equal(show(await decide(engine, meta({ host: 'x.example' }), r)), 'DOMAIN x.example → REJECT');
  assert.deepEqual(r.queries, ['x.example']);
  const failing = { resolve: async () => { throw new Error('boom'); } };
  assert.equal(show(await engine.decide(meta({ host: 'x.example' }), { resolver: failing })), 'DOMAIN x.example → REJECT');
});

test('a connection that already has an IP never resolves; decide() is then synchronous', async () => {
  const { engine } = await engineFor(['GEOIP,CN,REJECT', 'IP-CIDR,192.0.2.0/24,G']);
  const r = tableResolver({});
  const d = engine.decide(meta({ host: 'a.example', dstIP: '192.0.2.5' }), { resolver: r });
  assert.ok(!(d instanceof Promise), 'no lookup → a plain Decision');
  assert.equal(show(d as Awaited<typeof d>), 'IP-CIDR 192.0.2.0/24 → G');
  assert.deepEqual(r.queries, []);
});

test('matchFrom yields {need:"ip"} at the rule that resolves, and resumes there', async () => {
  const { engine } = await engineFor(['DOMAIN,a.example,REJECT', 'DST-PORT,22,REJECT', 'IP-CIDR,192.0.2.0/24,G', 'MATCH,DIRECT']);
  const m = meta({ host: 'b.example' });
  const st: MatchState = { resolved: false, processLooked: false };
  const step = engine.matchFrom(m, st, 0);
  assert.deepEqual({ ...step }, { done: false, need: 'ip', at: 2 });
  m.dstIP = '192.0.2.7';
  st.resolved = true;
  const end = engine.matchFrom(m, st, 2);
  assert.ok(end.done && show(end.decision) === 'IP-CIDR 192.0.2.0/24 → G');
});

test('PASS, a missing target and UDP to a TCP-only proxy fall through to the next rule', async () => {
  const { engine } = await engineFor(['DOMAIN,a.example,PASS', 'DOMAIN-SUFFIX,a.example,TCPONLY', 'DOMAIN-KEYWORD,a,G']);
  assert.equal(show(await decide(engine, meta({ host: 'a.example' }))), 'DOMAIN-SUFFIX a.example → TCPONLY');
  assert.equal(show(await decide(engine, meta({ host: 'a.example', network: 'udp' }))), 'DOMAIN-KEYWORD a → G');
  const gone: TargetCheck = { status: (t) => (t === 'G' ? 'missing' : 'ok') };
  const { engine: e2 } = await engineFor(['DOMAIN,a.example,G', 'MATCH,DIRECT'], { targets: gone });
  assert.equal(show(await decide(e2, meta({ host: 'a.example' }))), 'MATCH  → DIRECT');
});

test('disabled rules are skipped; hits and misses are counted per rule', async () => {
  const { engine } = await engineFor(['DOMAIN,a.example,REJECT', 'DOMAIN-SUFFIX,example,G', 'MATCH,DIRECT']);
  engine.setDisabled(0, true);
  assert.equal(show(await decide(engine, meta({ host: 'a.example' }))), 'DOMAIN-SUFFIX example → G');
  engine.setDisabled(0, false);
  assert.equal(show(await decide(engine, meta({ host: 'a.example' }))), 'DOMAIN a.example → REJECT');
  await decide(engine, meta({ host: 'b.example' }));
  await decide(engine, meta({ host: 'c.org' }));
  const s0 = engine.stats(0);
  assert.equal(s0.disabled, false);
  assert.equal(s0.hitCount, 1);
  assert.ok(s0.hitAt > 0);
  assert.equal(engine.stats(1).hitCount, 2);
  assert.equal(engine.stats(1).missCount, 1, 'c.org passed rule 1 without matching');
  assert.equal(engine.stats(2).hitCount, 1);
  engine.setDisabled(2, true);
  assert.equal(engine.stats(2).disabled, true);
  assert.equal((await decide(engine, meta({ host: 'c.org' }))).rule, null);
});

test('process lookup: strict at the first PROCESS-NAME/UID rule, always at the first rule, off never', async () => {
  const rules = ['DOMAIN,a.example,REJECT', 'PROCESS-NAME,curl,G', 'MATCH,DIRECT'];
  const calls: Metadata[] = [];
  const process = { lookup: async (m: Metadata) => { calls.push(m); m.process = 'curl'; m.uid = 1000; } };
  const r = tableResolver({});
  for (const [mode, want, atWhenDomainHits] of [['strict', 'PROCESS-NAME curl → G', 0], ['always', 'PROCESS-NAME curl → G', 1], ['off', 'MATCH  → DIRECT', 0]] as const) {
    calls.length = 0;
    const { engine } = await engineFor(rules, { findProcess: mode });
    assert.equal(show(await engine.decide(meta({ host: 'b.example' }), { resolver: r, process })), want, mode);
    assert.equal(calls.length, mode === 'off' ? 0 : 1, `${mode}: lookups`);
    calls.length = 0;
    await engine.decide(meta({ host: 'a.example' }), { resolver: r, process });
    assert.equal(calls.length, atWhenDomainHits, `${mode}: lookups when an earlier rule decides`);
  }
});

test('RULE-SET: domain, ipcidr (resolves unless no-resolve) and classical sets; src swaps source and destination', async () => {
  const extra = `rule-providers:
  d: {type: inline, behavior: domain, payload: ['+.example.com', 'exact.example.org', '*.one.example']}
  i: {type: inline, behavior: ipcidr, payload: ['192.0.2.0/24', '2001:db8::/32']}
  c: {type: inline, behavior: classical, payload: ['DOMAIN-KEYWORD,tracker', 'NETWORK,udp', 'IP-CIDR,198.51.100.0/24,no-resolve']}
`;
  const { engine } = await engineFor(['RULE-SET,d,G', 'RULE-SET,i,REJECT,no-resolve', 'RULE-SET,c,TCPONLY', 'RULE-SET,i,DIRECT,src', 'RULE-SET,i,P', 'MATCH,DIRECT'], { extra });
  const r = tableResolver({ 'v6.example.net': ['2001:db8::5'] });
  const cases: [Partial<Metadata>, string][] = [
    [{ host: 'www.example.com' }, 'RULE-SET d → G'],
    [{ host: 'exact.example.org' }, 'RULE-SET d → G'],
    [{ host: 'a.one.example' }, 'RULE-SET d → G'],
    [{ host: 'b.a.one.example', srcIP: '203.0.113.1' }, 'MATCH  → DIRECT'],
    [{ dstIP: '192.0.2.9' }, 'RULE-SET i → REJECT'],
    [{ host: 'x.tracker.net', srcIP: '203.0.113.1' }, 'RULE-SET c → TCPONLY'],
    [{ dstIP: '198.51.100.3', srcIP: '203.0.113.1' }, 'RULE-SET c → TCPONLY'],
    [{ host: 'a.net', srcIP: '192.0.2.10' }, 'RULE-SET i → DIRECT'],
    [{ host: 'v6.example.net', srcIP: '203.0.113.1' }, 'RULE-SET i → P'],
  ];
  for (const [conn, want] of cases) assert.equal(show(await decide(engine, meta(conn), r)), want, JSON.stringify(conn));
  assert.deepEqual(r.queries, ['b.a.one.example', 'v6.example.net'], 'only the ipcidr RULE-SET without no-resolve resolves');
  // UDP hits the classical set's NETWORK,udp, but TCPONLY takes no UDP: falls through.
  assert.equal(show(await decide(engine, meta({ host: 'u.example.net', network: 'udp', srcIP: '203.0.113.1' }), r)), 'MATCH  → DIRECT');
});

test('indexed segments decide exactly as rule-by-rule evaluation (randomised)', async () => {
  // Separating every rule with a never-matching RULE-SET disables the segment
  // index, so the same list is evaluated both ways.
  let seed = 1234567;
  const rnd = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
  const names = ['a.example', 'b.example', 'www.a.example', 'x.b.example', 'c.test', 'ads.c.test'];
  const nets = ['192.0.2.0/24', '192.0.2.128/25', '198.51.100.0/24', '203.0.113.0/28', '2001:db8::/32', '2001:db8:1::/48'];
  const ips = ['192.0.2.1', '192.0.2.200', '198.51.100.9', '203.0.113.3', '203.0.113.99', '2001:db8::1', '2001:db8:1::9', ''];
  const targets = ['G', 'P', 'DIRECT', 'REJECT', 'PASS', 'TCPONLY'];
  const gen = (): string => {
    const k = Math.floor(rnd() * 9);
    const t = pick(targets);
    if (k === 0) return `DOMAIN,${pick(names)},${t}`;
    if (k === 1) return `DOMAIN-SUFFIX,${pick(names).split('.').slice(-2).join('.')},${t}`;
    if (k === 2) return `DOMAIN-KEYWORD,${pick(['ads', 'b.ex', 'www', 'zz'])},${t}`;
    if (k === 3) return `IP-CIDR,${pick(nets)},${t}${rnd() < 0.6 ? ',no-resolve' : ''}`;
    if (k === 4) return `SRC-IP-CIDR,${pick(nets)},${t}`;
    if (k === 5) return `DST-PORT,${pick(['443', '80/8080', '1000-2000'])},${t}`;
    if (k === 6) return `NETWORK,${pick(['tcp', 'udp'])},${t}`;
    if (k === 7) return `PROCESS-NAME,${pick(['curl', 'wget'])},${t}`;
    return `GEOIP,${pick(['CN', 'LAN'])},${t}`;
  };
  const extra = `rule-providers:\n  never: {type: inline, behavior: domain, payload: ['never.invalid']}\n`;
  for (let round = 0; round < 25; round++) {
    const rules = Array.from({ length: 12 + Math.floor(rnd() * 20) }, gen);
    const { engine: fast } = await engineFor(rules, { extra, geoip: GEO, findProcess: 'strict' });
    const { engine: slow } = await engineFor(rules.flatMap((r) => [r, 'RULE-SET,never,REJECT']), { extra, geoip: GEO, findProcess: 'strict' });
    for (let q = 0; q < 40; q++) {
      const conn: Partial<Metadata> = {
        host: rnd() < 0.7 ? pick(names) : '',
        dstIP: rnd() < 0.5 ? pick(ips) : '',
        srcIP: pick(['192.0.2.10', '203.0.113.7', '2001:db8:1::2']),
        dstPort: pick([443, 80, 1500, 22]),
        network: rnd() < 0.7 ? 'tcp' : 'udp',
      };
      if (!conn.host && !conn.dstIP) conn.dstIP = pick(ips.slice(0, -1));
      const table = { [conn.host ?? '']: [pick(ips.slice(0, -1))] };
      const proc = { lookup: async (m: Metadata) => { m.process = conn.dstPort === 443 ? 'curl' : 'wget'; } };
      const r1 = tableResolver(table);
      const r2 = tableResolver(table);
      const a = await fast.decide(meta(conn), { resolver: r1, process: proc });
      const b = await slow.decide(meta(conn), { resolver: r2, process: proc });
      const label = `rules:\n  ${rules.join('\n  ')}\nconn ${JSON.stringify(conn)}`;
      assert.equal(a.target, b.target, label);
      assert.equal(a.rule?.payload, b.rule?.payload, label);
      assert.equal(a.rule?.type, b.rule?.type, label);
      assert.deepEqual(r1.queries, r2.queries, label);
    }
  }
});
