// DoT and DoH dial through the injected socket factory, so SO_MARK applies:
// in a client namespace whose only route to the server is in a policy table
// selected by `fwmark`, marked sockets reach the servers and plain ones
// cannot. Two namespaces joined by a veth pair, documentation addresses only:
//   client 192.0.2.1/24 (route to 198.51.100.0/24 only in table 100, ip rule fwmark 0x2000)
//   server 198.51.100.2/24 (route back to 192.0.2.0/24)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { nativeAvailable } from '../../../native/index.js';

const C = `sy-dns-${process.pid}-c`;
const S = `sy-dns-${process.pid}-s`;
const MARK = 0x2000;
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
const children: ChildProcess[] = [];

after(() => {
  for (const c of children) if (c.pid && c.exitCode === null) c.kill('SIGKILL');
  for (const ns of [C, S]) {
    try { ip('netns', 'del', ns); } catch { /* not created */ }
  }
});

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('child gave no output in time')), timeoutMs);
    let err = '';
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    createInterface({ input: child.stdout! }).once('line', (l) => { clearTimeout(timer); resolve(l); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`child exited ${code}: ${err.slice(0, 2000)}`)); });
  });
}

test('DoT and DoH over marked sockets follow the fwmark policy route; unmarked sockets do not', async (t) => {
  if (!nativeAvailable()) return t.skip('native addon not built');
  if (process.getuid?.() !== 0 && process.env.CI !== 'true') return t.skip('needs root for network namespaces');
  ip('netns', 'add', C);
  ip('netns', 'add', S);
  ip('link', 'add', `sydns${process.pid % 100000}c`, 'netns', C, 'type', 'veth', 'peer', 'name', `sydns${process.pid % 100000}s`, 'netns', S);
  const vc = `sydns${process.pid % 100000}c`;
  const vs = `sydns${process.pid % 100000}s`;
  const inC = (...a: string[]) => ip('-n', C, ...a);
  const inS = (...a: string[]) => ip('-n', S, ...a);
  inC('link', 'set', 'lo', 'up');
  inS('link', 'set', 'lo', 'up');
  inC('addr', 'add', '192.0.2.1/24', 'dev', vc);
  inS('addr', 'add', '198.51.100.2/24', 'dev', vs);
  inC('link', 'set', vc, 'up');
  inS('link', 'set', vs, 'up');
  inS('route', 'add', '192.0.2.0/24', 'dev', vs);
  inC('route', 'add', '198.51.100.0/24', 'dev', vc, 'table', '100');
  inC('rule', 'add', 'fwmark', String(MARK), 'lookup', '100');

  const server = spawn('ip', ['netns', 'exec', S, process.execPath, '--import', 'tsx', 'test/unit/dns/ns/zone-server.ts', '198.51.100.2'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(server);
  const ready = JSON.parse(await firstLine(server, 20_000)) as { dot: number; doh: number; cert: string };
  const client = spawn('ip', ['netns', 'exec', C, process.execPath, '--import', 'tsx', 'test/unit/dns/ns/marked-client.ts', JSON.stringify({ host: '198.51.100.2', ...ready }), String(MARK)], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(client);
  const out = JSON.parse(await firstLine(client, 30_000)) as Record<string, string>;
  assert.equal(out.markedDot, '203.0.113.10', out.markedDot);
  assert.equal(out.markedDoh, '203.0.113.10', out.markedDoh);
  assert.match(out.plainDot!, /^SY_ERR_DNS_RESOLVE .*ENETUNREACH|^SY_ERR_DNS_RESOLVE .*EHOSTUNREACH/, out.plainDot);
  assert.match(out.plainDoh!, /^SY_ERR_DNS_RESOLVE .*(ENETUNREACH|EHOSTUNREACH)/, out.plainDoh);
  server.kill('SIGTERM');
});
