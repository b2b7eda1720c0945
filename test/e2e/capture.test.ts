// Capture end to end, in namespaces (test/helpers/netns.ts topology):
// lan client 192.0.2.2 — gw (capture + a tiny native-API proxy) — wan with
// "internet" servers 203.0.113.x / 2001:db8:3::x that answer with the source
// address they saw. Proxied traffic is seen from the gw's WAN address
// (198.51.100.1 / 2001:db8:2::1, the proxy's marked outbound); traffic that
// flows directly is seen from the client itself (192.0.2.2: plain routing, no NAT).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { NetnsLab, buildGateway, requireRoot, type GatewayTopology } from '../helpers/netns.js';
import { installCapture, removeCapture, captureStatus, type CaptureInput, type RunCommand } from '../../main/capture/index.js';
import { NULL_LOGGER } from '../../main/core/logger.js';
import { CLIENT, TARGET } from './capture-peers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PROXY = fileURLToPath(new URL('./capture-proxy.ts', import.meta.url));
const TPROXY_PORT = 7893;
const DNS_PORT = 1053;
const MARK = 0x2d0;
const ROUTING_MARK = 0x1000;
const DEADMAN = 3;

interface Proxy {
  child: ChildProcess;
  events: Array<Record<string, any>>;
}

function inputFor(topo: GatewayTopology, onFailure: 'open' | 'closed'): CaptureInput {
  const a = topo.addr;
  return {
    enable: true, local: true, lan: true, interfaces: [topo.ifaces.gwLan], ipv6: true, bypass: [], onFailure,
    excludeInterfaces: ['docker*', 'veth*', 'br-*'], mark: MARK, table: 720, dnsRedirect: true, deadmanSeconds: DEADMAN,
    tproxyPort: TPROXY_PORT, dnsPort: DNS_PORT, routingMark: ROUTING_MARK,
    upstreams: [a.upstream4, a.upstream6], hostAddresses: [`${a.gwLan4}/24`, `${a.gwWan4}/24`, `${a.gwLan6}/64`, `${a.gwWan6}/64`],
  };
}

async function waitFor<T>(what: string, ms: number, fn: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + ms;
  for (let i = 0; i < 1000; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

function collect(child: ChildProcess): Array<Record<string, any>> {
  const events: Array<Record<string, any>> = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    try {
      events.push(JSON.parse(l));
    } catch {
      events.push({ text: l });
    }
  });
  return events;
}

test('capture e2e: LAN and local capture, DNS redirect, no loop, dead-man open/closed, clean install and removal', { timeout: 120_000 }, async (t) => {
  if (!requireRoot(t)) return;
  const lab = new NetnsLab('sy-cap-e2e');
  t.after(() => lab.destroy());
  const topo = await buildGateway(lab, 2);
  const { lan, gw, wan, addr } = topo;
  const run: RunCommand = (cmd, args, stdin) => lab.exec(gw, cmd, args, stdin === undefined ? {} : { input: stdin });
  const deps = { run, logger: NULL_LOGGER };

  const target = lab.spawn(wan, process.execPath, ['-e', TARGET, JSON.stringify([80, 7000])]);
  const seen = collect(target);
  await waitFor('target ready', 5000, () => (seen.some((e) => e.ready) ? true : undefined));

  const client = async (ns: string, kind: 'tcp' | 'udp' | 'udp3', ip: string, port: number) => {
    const r = await lab.exec(ns, process.execPath, ['-e', CLIENT, kind, ip, String(port)]);
    return r.code === 0 ? r.stdout : `failed(${r.code})`;
  };
  const startProxy = async (): Promise<Proxy> => {
    const child = lab.spawn(gw, process.execPath, ['--import', 'tsx', PROXY], {
      cwd: ROOT,
      env: { ...process.env, SY_PROXY: JSON.stringify({ port: TPROXY_PORT, mark: ROUTING_MARK, dnsPort: DNS_PORT, deadmanSeconds: DEADMAN }) },
    });
    const events = collect(child);
    await waitFor('proxy ready', 10_000, () => {
      const fatal = events.find((e) => e.fatal);
      if (fatal) throw new Error(`proxy failed: ${fatal.fatal}`);
      return events.some((e) => e.ready) ? true : undefined;
    });
    return { child, events };
  };

  await t.test('without capture the target sees the client itself', async () => {
    assert.equal(await client(lan, 'tcp', addr.internet4[0]!, 80), `seen ${addr.client4}`);
  });

  await installCapture(inputFor(topo, 'open'), deps);
  let proxy = await startProxy();

  await t.test('LAN TCP, UDP and IPv6 reach the proxy with their original destination', async () => {
    assert.equal(await client(lan, 'tcp', addr.internet4[0]!, 80), `seen ${addr.gwWan4}`);
    assert.equal(await client(lan, 'udp', addr.internet4[0]!, 7000), `seen ${addr.gwWan4}`);
    const udpBefore = proxy.events.filter((e) => e.udp).length;
    assert.equal(await client(lan, 'udp3', addr.internet4[1]!, 7000), `seen ${addr.gwWan4}`);
    assert.equal(proxy.events.filter((e) => e.udp).length - udpBefore, 3, 'every datagram of a flow reaches the proxy');
    assert.equal(await client(lan, 'tcp', addr.internet6[0]!, 80), `seen ${addr.gwWan6}`);
    assert.equal(await client(lan, 'udp', addr.internet6[1]!, 7000), `seen ${addr.gwWan6}`);
    const ev = proxy.events;
    assert.ok(ev.some((e) => e.tcp?.src === addr.client4 && e.tcp.dst.ip === addr.internet4[0] && e.tcp.dst.port === 80), JSON.stringify(ev));
    assert.ok(ev.some((e) => e.udp?.src === addr.client4 && e.udp.dst.ip === addr.internet4[0] && e.udp.dst.port === 7000));
    assert.ok(ev.some((e) => e.tcp?.src === addr.client6 && e.tcp.dst.ip === addr.internet6[0]));
    assert.ok(ev.some((e) => e.udp?.src === addr.client6 && e.udp.dst.ip === addr.internet6[1]));
  });

  await t.test("the proxy's own marked traffic is not captured again (no loop)", async () => {
    const before = proxy.events.filter((e) => e.tcp).length;
    assert.equal(await client(lan, 'tcp', addr.internet4[1]!, 80), `seen ${addr.gwWan4}`);
    await new Promise((r) => setTimeout(r, 200));
    const tcp = proxy.events.filter((e) => e.tcp).slice(before);
    assert.deepEqual(tcp, [{ tcp: { src: addr.client4, dst: { ip: addr.internet4[1], port: 80 } } }]);
  });

  await t.test('connected subnets (the upstream side) are never captured', async () => {
    const before = proxy.events.length;
    assert.equal(await client(lan, 'tcp', addr.upstream4, 80), `seen ${addr.client4}`);
    assert.equal(await client(lan, 'tcp', addr.upstream6, 80), `seen ${addr.client6}`);
    assert.equal(proxy.events.length, before);
  });

  await t.test("this machine's own traffic (a process in gw) is captured", async () => {
    assert.equal(await client(gw, 'tcp', addr.internet4[1]!, 80), `seen ${addr.gwWan4}`);
    assert.ok(proxy.events.some((e) => e.tcp?.src === addr.gwWan4 && e.tcp.dst.ip === addr.internet4[1]));
    assert.equal(await client(gw, 'udp', addr.internet6[0]!, 7000), `seen ${addr.gwWan6}`);
    assert.ok(proxy.events.some((e) => e.udp?.src === addr.gwWan6 && e.udp.dst.ip === addr.internet6[0]));
  });

  await t.test('DNS to any server :53 goes to the DNS port (LAN UDP/TCP, IPv6, local)', async () => {
    assert.equal(await client(lan, 'udp', addr.internet4[0]!, 53), 'dns-ok');
    assert.equal(await client(lan, 'tcp', addr.internet4[0]!, 53), 'dns-ok');
    assert.equal(await client(lan, 'udp', addr.internet6[0]!, 53), 'dns-ok');
    assert.equal(await client(gw, 'udp', addr.internet4[1]!, 53), 'dns-ok');
    assert.ok(proxy.events.some((e) => e.dns?.src === addr.client4));
  });

  await t.test('SIGKILL of the proxy (on-failure open): LAN and local traffic flow directly again within 10 s', async () => {
    proxy.child.kill('SIGKILL');
    const t0 = Date.now();
    // LAN traffic falls through at once (no transparent listener: TPROXY does not match, reference §6.3) ...
    await waitFor('direct LAN path', 10_000, async () => ((await client(lan, 'tcp', addr.internet4[0]!, 80)) === `seen ${addr.client4}` ? true : undefined));
    t.diagnostic(`LAN direct again after ${Date.now() - t0} ms`);
    // ... while local traffic, rerouted to lo by the mark, needs the dead-man switch to expire.
    await waitFor('direct local path', 10_000, async () => ((await client(gw, 'tcp', addr.internet4[1]!, 80)) === `seen ${addr.gwWan4}` ? true : undefined));
    t.diagnostic(`local direct again after ${Date.now() - t0} ms`);
    assert.ok(Date.now() - t0 < 10_000);
    assert.equal(await client(lan, 'udp', addr.internet4[0]!, 7000), `seen ${addr.client4}`);
    const status = await captureStatus(deps);
    assert.equal(status.table, true, 'the table stays; only its live elements expired');
    assert.deepEqual(status.live, []);
  });

  await t.test('install after a SIGKILL cleans the stale state; on-failure closed leaks nothing', async () => {
    await installCapture(inputFor(topo, 'closed'), deps);
    const status = await captureStatus(deps);
    assert.equal(status.rules.length, 2, `one rule per family: ${status.rules.join(' | ')}`);
    assert.equal(status.routes.length, 2, status.routes.join(' | '));
    // live, but no transparent listener yet: TPROXY falls through, and closed drops instead of forwarding
    const quiet = seen.length;
    assert.match(await client(lan, 'tcp', addr.internet4[0]!, 80), /^failed/);
    assert.deepEqual(seen.slice(quiet), []);
    proxy = await startProxy();
    assert.equal(await client(lan, 'tcp', addr.internet4[0]!, 80), `seen ${addr.gwWan4}`);
    proxy.child.kill('SIGKILL');
    await waitFor('live elements to expire', (DEADMAN + 3) * 1000, async () => ((await captureStatus(deps)).live.length === 0 ? true : undefined));
    const mark = seen.length;
    const tries = await Promise.all([
      client(lan, 'tcp', addr.internet4[0]!, 80),
      client(lan, 'udp', addr.internet4[0]!, 7000),
      client(lan, 'tcp', addr.internet6[0]!, 80),
      client(lan, 'udp', addr.internet4[0]!, 53),
      client(gw, 'tcp', addr.internet4[1]!, 80),
    ]);
    for (const r of tries) assert.match(r, /^failed/);
    assert.deepEqual(seen.slice(mark), [], 'the target saw nothing while the core was dead');
  });

  await t.test('removeCapture leaves no table, rule or route, and restores sysctls', async () => {
    const demux = await lab.execOk(gw, 'sysctl', ['-n', 'net.ipv4.ip_early_demux']);
    assert.equal(demux.trim(), '0', 'early demux is off while capture is installed');
    assert.equal(await removeCapture(deps), true);
    const status = await captureStatus(deps, { mark: MARK, table: 720 });
    assert.deepEqual({ table: status.table, rules: status.rules, routes: status.routes }, { table: false, rules: [], routes: [] });
    assert.equal((await lab.execOk(gw, 'sysctl', ['-n', 'net.ipv4.ip_early_demux'])).trim(), '1');
    assert.equal(await client(lan, 'tcp', addr.internet4[0]!, 80), `seen ${addr.client4}`);
    assert.equal(await removeCapture(deps, { mark: MARK, table: 720 }), false, 'removing again is a no-op');
  });
});
