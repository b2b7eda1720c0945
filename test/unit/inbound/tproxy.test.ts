// TPROXY inbounds end to end inside network namespaces (never the root one):
// lan client -> gw (nftables tproxy + policy routing, the real inbounds with
// the real native module) -> wan "internet" server. The server must see the
// gateway's WAN address (so the connection really went through the inbound),
// and the metadata must carry the client and the ORIGINAL destination.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createInterface } from 'node:readline';
import type { ChildProcess } from 'node:child_process';
import { NetnsLab, buildGateway, requireRoot } from '../../helpers/netns.js';
import { nativeAvailable } from '../../../native/index.js';

const PORT = 15001; // outside the ephemeral range, inside a private namespace
const lab = new NetnsLab('sy-inb');
after(() => lab.destroy());

const SERVERS = `
const net = require('node:net'), dgram = require('node:dgram');
for (const h of ['203.0.113.1', '2001:db8:3::1']) {
  net.createServer((s) => s.end('seen ' + s.remoteAddress.replace(/^::ffff:/, ''))).listen(80, h);
}
const u = dgram.createSocket('udp4');
u.on('message', (m, r) => u.send('seen ' + r.address + ' ' + m, r.port, r.address));
u.bind(5353, '203.0.113.1', () => console.log('up'));
`;

const UDP_CLIENT = `
const dgram = require('node:dgram');
const c = dgram.createSocket('udp4');
c.on('message', (m, r) => { console.log(JSON.stringify({ reply: String(m), from: r.address + ':' + r.port })); process.exit(0); });
c.send('hi', 5353, '203.0.113.1');
setTimeout(() => { console.log(JSON.stringify({ timeout: true })); process.exit(1); }, 3000);
`;

function lines(child: ChildProcess): { next(pred: (o: any) => boolean, ms?: number): Promise<any> } {
  const seen: any[] = [];
  const waiters: { pred: (o: any) => boolean; resolve: (o: any) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    let o: any;
    try {
      o = JSON.parse(l);
    } catch {
      return;
    }
    seen.push(o);
    for (const w of [...waiters]) if (w.pred(o)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(o);
    }
  });
  return {
    next: (pred, ms = 5000) =>
      new Promise((resolve, reject) => {
        const hit = seen.find(pred);
        if (hit) return resolve(hit);
        const t = setTimeout(() => reject(new Error('timed out waiting for probe output')), ms);
        waiters.push({ pred, resolve: (o) => (clearTimeout(t), resolve(o)) });
      }),
  };
}

test('TPROXY TCP (v4 and v6) and UDP: original destination in metadata, relayed through the gateway', async (t) => {
  if (!requireRoot(t)) return;
  if (!nativeAvailable()) return void t.skip('native addon not built');
  const topo = await buildGateway(lab, 1);
  const { gw, lan, wan } = topo;
  await lab.execOk(gw, 'nft', ['-f', '-'], `
table inet sy_inb_test {
  chain pre {
    type filter hook prerouting priority mangle; policy accept;
    iifname "gwlan" meta l4proto { tcp, udp } th dport { 80, 5353 } tproxy to :${PORT} meta mark set 1 accept
  }
  chain out {
    type filter hook output priority mangle; policy accept;
    meta mark 0x20 counter name "marked"
  }
  counter marked {}
}`);
  await lab.execOk(gw, 'ip', ['rule', 'add', 'fwmark', '1', 'lookup', '100']);
  await lab.execOk(gw, 'ip', ['route', 'add', 'local', '0.0.0.0/0', 'dev', 'lo', 'table', '100']);
  await lab.execOk(gw, 'ip', ['-6', 'rule', 'add', 'fwmark', '1', 'lookup', '100']);
  await lab.execOk(gw, 'ip', ['-6', 'route', 'add', 'local', '::/0', 'dev', 'lo', 'table', '100']);

  const servers = lab.spawn(wan, 'node', ['-e', SERVERS]);
  await new Promise<void>((resolve) => servers.stdout!.once('data', () => resolve()));
  const probe = lab.spawn(gw, process.execPath, ['--import', 'tsx', 'test/unit/inbound/tproxy-probe.ts'], {
    cwd: new URL('../../../', import.meta.url).pathname,
    env: { ...process.env, SY_PROBE: JSON.stringify({ port: PORT }) },
  });
  let stderr = '';
  probe.stderr!.on('data', (d) => (stderr += d));
  const out = lines(probe);
  await out.next((o) => o.ready, 15000).catch((e) => assert.fail(`${e.message}: ${stderr}`));

  // TCP v4: the target sees the gateway's WAN address
  const r4 = await lab.execOk(lan, 'curl', ['-sS', '--http0.9', '--max-time', '5', 'http://203.0.113.1/']);
  assert.equal(r4, 'seen 198.51.100.1');
  const m4 = await out.next((o) => o.tcp && o.tcp.dstIP === '203.0.113.1');
  assert.equal(m4.tcp.srcIP, '192.0.2.2');
  assert.equal(m4.tcp.dstPort, 80);
  assert.equal(m4.tcp.type, 'TProxy');
  assert.equal(m4.tcp.inboundName, 'DEFAULT-TPROXY');
  assert.equal(m4.tcp.inboundPort, PORT);
  assert.equal(m4.paused, true, 'handed over paused');

  // TCP v6
  const r6 = await lab.execOk(lan, 'curl', ['-sS', '--http0.9', '--max-time', '5', 'http://[2001:db8:3::1]/']);
  assert.equal(r6, 'seen 2001:db8:2::1');
  const m6 = await out.next((o) => o.tcp && o.tcp.dstIP === '2001:db8:3::1');
  assert.equal(m6.tcp.srcIP, '2001:db8:1::2');

  // UDP: the reply comes from the original destination
  const u = JSON.parse(await lab.execOk(lan, 'node', ['-e', UDP_CLIENT]));
  assert.equal(u.from, '203.0.113.1:5353');
  assert.equal(u.reply, 'seen 198.51.100.1 hi');
  const mu = await out.next((o) => o.udp && o.udp.network === 'udp');
  assert.equal(mu.udp.srcIP, '192.0.2.2');
  assert.equal(mu.udp.dstIP, '203.0.113.1');
  assert.equal(mu.udp.dstPort, 5353);
  assert.equal(mu.udp.network, 'udp');

  // the DIRECT outbound's sockets carried SO_MARK (the routing-mark capture skips)
  const counter = JSON.parse(await lab.execOk(gw, 'nft', ['-j', 'list', 'counter', 'inet', 'sy_inb_test', 'marked']));
  const packets = counter.nftables.find((x: any) => x.counter)?.counter.packets ?? 0;
  assert.ok(packets > 0, `marked packets: ${packets}`);
});
