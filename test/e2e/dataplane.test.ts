// The whole core end to end: a LAN client behind a gateway that runs
// `switchyard run` with TPROXY capture, a real dante-server upstream and
// "internet" servers that report the source address they see:
//   198.51.100.2 = came through the SOCKS5 upstream (PROXY)
//   198.51.100.1 = the gateway dialed it itself (DIRECT)
//   192.0.2.2    = nobody captured it (plain routing)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireRoot } from '../helpers/netns.js';
import { buildDataplane, waitFor, type DataplaneLab } from './dataplane-topology.js';

const PROXIED = '198.51.100.2';
const DIRECT = '198.51.100.1';
const PROXIED6 = '2001:db8:2::2';

const seen = (out: string) => {
  try {
    return (JSON.parse(out) as { remote: string }).remote;
  } catch {
    return out;
  }
};

test('data plane: LAN and local traffic sorted into PROXY / DIRECT / REJECT by IP, fake-ip domain, SNI and Host rules', { timeout: 150_000 }, async (t) => {
  if (!requireRoot(t)) return;
  const dp: DataplaneLab = await buildDataplane('sy-dp');
  t.after(() => dp.destroy());
  const { lan, gw } = dp.topo;
  const a = dp.topo.addr;

  await t.test('before the core runs, the target sees the client itself', async () => {
    assert.equal(seen(await dp.curl(lan, [`http://${a.internet4[1]}/`])), a.client4);
  });

  const core = await dp.startCore(dp.writeConfig());
  t.after(() => core.child.kill('SIGKILL'));

  await t.test('IP rules: PROXY through dante, DIRECT from the gateway, REJECT resets', async () => {
    assert.equal(seen(await dp.curl(lan, [`http://${a.internet4[0]}/`])), PROXIED);
    assert.equal(seen(await dp.curl(lan, [`http://${a.internet4[1]}/`])), DIRECT);
    assert.match(await dp.curl(lan, [`http://${a.internet4[2]}/`]), /^failed\((7|52|56)\)$/);
  });

  await t.test('half-close: the server answers after the client FIN, through dante and DIRECT', async () => {
    const p = JSON.parse(await dp.halfClose(lan, a.internet4[0]!, 9000, 100_000));
    assert.deepEqual(p, { remote: PROXIED, bytes: 100_000 });
    const d = JSON.parse(await dp.halfClose(lan, a.internet4[1]!, 9000, 100_000));
    assert.deepEqual(d, { remote: DIRECT, bytes: 100_000 });
  });

  await t.test('IPv6 is captured too: PROXY over dante and DIRECT', async () => {
    assert.equal(seen(await dp.curl(lan, ['-6', `http://[${a.internet6[0]}]/`])), PROXIED6);
    assert.equal(seen(await dp.curl(lan, ['-6', `http://[${a.internet6[1]}]/`])), a.gwWan6);
  });

  await t.test('domain rules through fake-ip DNS: any :53 is answered by the core with a fake IP', async () => {
    const run = async (name: string) => JSON.parse((await dp.lab.exec(lan, process.execPath, [`${process.cwd()}/test/e2e/fixtures/http-client.mjs`, '203.0.113.53', name, '80'])).stdout || '{}');
    const p = await run('www.proxied.test');
    assert.match(p.ip, /^203\.0\.113\.(1[3-9][0-9]|2[0-5][0-9])$/, `fake IP from the pool, got ${JSON.stringify(p)}`);
    assert.equal(p.body.remote, PROXIED, 'proxied by domain, resolved remotely by dante');
    const d = await run('direct.test');
    assert.equal(d.body.remote, DIRECT, 'DIRECT resolved through the configured nameserver');
    const b = await run('blocked.test');
    assert.ok(b.error, `blocked.test is rejected: ${JSON.stringify(b)}`);
  });

  await t.test('TLS SNI and HTTP Host decide a connection to a DIRECT address', async () => {
    const tls = await dp.curl(lan, ['-k', '--resolve', `sni.proxied.test:443:${a.internet4[1]}`, 'https://sni.proxied.test/']);
    assert.equal(seen(tls), PROXIED, `SNI sni.proxied.test → PROXY (${tls})`);
    const host = await dp.curl(lan, ['-H', 'Host: host.proxied.test', `http://${a.internet4[1]}/`]);
    assert.equal(seen(host), PROXIED, 'Host host.proxied.test → PROXY');
  });

  await t.test('UDP: proxied via UDP ASSOCIATE and direct, replies come from the original destination', async () => {
    const p = JSON.parse(await dp.udp(lan, a.internet4[0]!, 7000, 'via-proxy'));
    assert.equal(p.reply.remote, PROXIED);
    assert.equal(p.from, a.internet4[0]);
    assert.equal(p.reply.echo, 'via-proxy');
    const d = JSON.parse(await dp.udp(lan, a.internet4[1]!, 7000, 'direct'));
    assert.equal(d.reply.remote, DIRECT);
    assert.equal(d.from, a.internet4[1]);
  });

  await t.test("this machine's own traffic is captured and the core's own is not (no loop)", async () => {
    assert.equal(seen(await dp.curl(gw, [`http://${a.internet4[0]}/`])), PROXIED);
    assert.equal(seen(await dp.curl(gw, [`http://${a.internet4[1]}/`])), DIRECT);
  });

  await t.test('the controller lists connections with their rule and chain', async () => {
    const closed = (await dp.api('/connections/closed')) as { connections: Array<{ chains: string[]; rule: string; rulePayload: string; metadata: { destinationIP: string; host: string; sniffHost: string } }> };
    const list = closed.connections;
    assert.ok(list.some((c) => c.rule === 'IPCIDR' && c.rulePayload === '203.0.113.1/32' && c.chains.join(',') === 'up,PROXY'), JSON.stringify(list.slice(0, 3)));
    assert.ok(list.some((c) => c.rule === 'DomainSuffix' && c.metadata.sniffHost === 'sni.proxied.test'));
    assert.ok(list.some((c) => c.rule === 'Match' && c.chains[0] === 'DIRECT'));
  });

  await t.test('SIGTERM stops the core and leaves no table, rule or route behind', async () => {
    core.child.kill('SIGTERM');
    await waitFor('core exit', 15_000, () => (core.child.exitCode !== null ? true : undefined));
    assert.equal(core.child.exitCode, 0, core.lines.slice(-20).join('\n'));
    const tables = await dp.lab.exec(gw, 'nft', ['list', 'tables']);
    assert.doesNotMatch(tables.stdout, /switchyard/);
    const rules = await dp.lab.exec(gw, 'ip', ['rule', 'show']);
    assert.doesNotMatch(rules.stdout, /fwmark/);
    const rules6 = await dp.lab.exec(gw, 'ip', ['-6', 'rule', 'show']);
    assert.doesNotMatch(rules6.stdout, /fwmark/);
    assert.equal(seen(await dp.curl(lan, [`http://${a.internet4[0]}/`])), a.client4, 'plain routing again');
  });
});

test('data plane: SIGKILL of the core fails open (or closed) and a restart cleans the stale state', { timeout: 150_000 }, async (t) => {
  if (!requireRoot(t)) return;
  const dp = await buildDataplane('sy-dpk');
  t.after(() => dp.destroy());
  const { lan, gw } = dp.topo;
  const a = dp.topo.addr;

  await t.test('open: after SIGKILL the LAN reaches the network directly again within 10 s', async () => {
    const core = await dp.startCore(dp.writeConfig({ onFailure: 'open', name: 'open' }));
    assert.equal(seen(await dp.curl(lan, [`http://${a.internet4[0]}/`])), PROXIED);
    core.child.kill('SIGKILL');
    const t0 = Date.now();
    await waitFor('direct flow after the dead-man timeout', 10_000, async () =>
      seen(await dp.curl(lan, ['-m', '1', `http://${a.internet4[0]}/`])) === a.client4 ? true : undefined,
    );
    t.diagnostic(`traffic flowed directly ${Date.now() - t0} ms after SIGKILL`);
  });

  await t.test('a restart after SIGKILL cleans the stale state and captures again', async () => {
    const before = await dp.lab.exec(gw, 'nft', ['list', 'tables']);
    assert.match(before.stdout, /switchyard/, 'the stale table is still there (inactive)');
    const core = await dp.startCore(dp.writeConfig({ onFailure: 'open', name: 'open' }));
    assert.equal(seen(await dp.curl(lan, [`http://${a.internet4[0]}/`])), PROXIED);
    const rules = await dp.lab.exec(gw, 'ip', ['rule', 'show']);
    assert.equal(rules.stdout.match(/fwmark/g)?.length ?? 0, 1, `one ip rule, not a stale duplicate:\n${rules.stdout}`);
    core.child.kill('SIGTERM');
    await waitFor('core exit', 15_000, () => (core.child.exitCode !== null ? true : undefined));
  });

  await t.test('closed: after SIGKILL nothing leaks', async () => {
    const core = await dp.startCore(dp.writeConfig({ onFailure: 'closed', name: 'closed' }));
    assert.equal(seen(await dp.curl(lan, [`http://${a.internet4[0]}/`])), PROXIED);
    core.child.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 5000));
    for (let i = 0; i < 3; i++) {
      const out = await dp.curl(lan, ['-m', '2', `http://${a.internet4[0]}/`]);
      assert.match(out, /^failed/, `nothing may reach the target uncaptured, got ${out}`);
    }
    const udp = await dp.udp(lan, a.internet4[1]!, 7000);
    assert.match(udp, /^failed/);
    // capture clean removes it all
    const clean = await dp.lab.exec(gw, process.execPath, [`${process.cwd()}/bin/switchyard.mjs`, 'capture', 'clean']);
    assert.equal(clean.code, 0, clean.stderr);
    assert.equal(seen(await dp.curl(lan, [`http://${a.internet4[0]}/`])), a.client4);
  });
});
