// Running out of file descriptors (reference §7.3): under `ulimit -n 64` the
// mixed port's accept() hits EMFILE; the process must survive, the clients it
// cannot take must be closed (not left hanging), at most one log line per
// episode, and the port must serve again once descriptors are free.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

test('EMFILE on accept: no crash, excess clients closed, serving again after release', async (t) => {
  const root = new URL('../../../', import.meta.url).pathname;
  const child = spawn('bash', ['-c', `ulimit -n 64 && exec "${process.execPath}" --import tsx test/unit/inbound/emfile-probe.ts`], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const clients: net.Socket[] = [];
  t.after(() => {
    for (const c of clients) c.destroy();
    if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
  });
  const records: any[] = [];
  let onLine: (o: any) => void = () => {};
  createInterface({ input: child.stdout! }).on('line', (l) => {
    try {
      const o = JSON.parse(l);
      records.push(o);
      onLine(o);
    } catch {
      /* not JSON */
    }
  });
  const waitFor = (pred: (o: any) => boolean, ms: number) =>
    new Promise<any>((resolve, reject) => {
      const hit = records.find(pred);
      if (hit) return resolve(hit);
      const timer = setTimeout(() => reject(new Error(`timeout; records: ${JSON.stringify(records.slice(-5))}`)), ms);
      onLine = (o) => {
        if (pred(o)) {
          clearTimeout(timer);
          resolve(o);
        }
      };
    });
  const { port } = await waitFor((o) => typeof o.port === 'number', 15000);

  // open more connections than the child has descriptors; each completes a SOCKS5 CONNECT so the dispatcher holds it
  for (let i = 0; i < 120; i++) {
    const c = net.connect({ host: '127.0.0.1', port });
    c.on('error', () => {});
    c.on('connect', () => c.write(Buffer.from([5, 1, 0, 5, 1, 0, 1, 127, 0, 0, 1, 0, 80])));
    clients.push(c);
  }
  // libuv sheds what it cannot accept (its reserve-fd trick): those clients are closed, not left hanging
  const deadline = Date.now() + 5000;
  const closedCount = () => clients.filter((c) => c.destroyed || c.readableEnded).length;
  while (closedCount() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 300));
  const shed = closedCount();
  assert.ok(shed > 0 && shed < clients.length, `shed ${shed} of ${clients.length}`);
  assert.equal(child.exitCode, null, 'still running');
  assert.ok(records.filter((o) => /out of file descriptors/.test(o.msg ?? '')).length <= 1, 'at most one log line per episode');

  for (const c of clients.splice(0)) c.destroy();
  child.send('release');
  await waitFor((o) => o.released, 3000);
  // serving again
  const s = net.connect({ host: '127.0.0.1', port });
  const reply = await new Promise<Buffer>((resolve, reject) => {
    s.on('error', reject);
    s.on('connect', () => s.write(Buffer.from([5, 1, 0])));
    s.once('data', resolve);
  });
  assert.deepEqual([...reply], [5, 0]);
  s.destroy();
});
