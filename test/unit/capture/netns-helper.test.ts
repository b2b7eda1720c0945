// The shared namespace helper (test/helpers/netns.ts) builds the documented
// topology, runs commands inside it and leaves nothing behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NetnsLab, buildGateway, requireRoot, run } from '../../helpers/netns.js';

const SERVER = `require('net').createServer((s) => s.end(s.remoteAddress)).listen(7001, '::', () => console.log('up'))`;
const CLIENT = `const s = require('net').connect(7001, process.argv[1]); s.setTimeout(3000, () => process.exit(2)); s.on('data', (d) => process.stdout.write(d)); s.on('error', (e) => { console.error(e.message); process.exit(1); })`;

test('buildGateway: the LAN client reaches an "internet" address through gw, and destroy removes everything', async (t) => {
  if (!requireRoot(t)) return;
  const lab = new NetnsLab('sy-cap-h');
  t.after(() => lab.destroy());
  const topo = await buildGateway(lab, 1);
  // the server answers with the source address it saw
  const server = lab.spawn(topo.wan, process.execPath, ['-e', SERVER]);
  await new Promise((r) => server.stdout!.once('data', r));
  for (const ip of [topo.addr.internet4[0]!, topo.addr.internet6[0]!]) {
    const r = await lab.exec(topo.lan, process.execPath, ['-e', CLIENT, ip]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, ip.includes(':') ? /2001:db8:1::2/ : /192\.0\.2\.2/);
  }
  const sleeper = lab.spawn(topo.gw, 'sleep', ['30']);
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(sleeper.pid);
  await lab.destroy(200);
  await lab.destroy(); // idempotent
  const list = await run('ip', ['netns', 'list']);
  assert.ok(!list.stdout.includes(lab.prefix), `namespaces left: ${list.stdout}`);
  assert.throws(() => process.kill(sleeper.pid!, 0));
});
