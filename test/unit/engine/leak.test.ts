// Memory per connection does not accumulate: after forced GCs, the heap is the
// same after 2,000, 4,000 and 6,000 short connections through the core (the
// RSS soak in test/e2e/robust shows the same under load, but RSS is noisy).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEngine } from '../../../main/engine.js';
import { createLogHub } from '../../../main/core/logger.js';

const BASE = 26000 + (process.pid % 2000) * 2;

test('short connections leave nothing behind on the heap', { timeout: 120_000 }, async (t) => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const dir = mkdtempSync(join(tmpdir(), 'sy-leak-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, `mixed-port: ${BASE}\ntproxy-port: 0\nexternal-controller: 127.0.0.1:${BASE + 1}\nsecret: s\ndns: {enable: false}\nrules:\n  - DST-PORT,1,REJECT\n  - MATCH,DIRECT\n`);
  const echo = net.createServer((s) => {
    s.on('error', () => {});
    s.once('data', () => s.end('hi'));
  });
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  t.after(() => echo.close());
  const port = (echo.address() as net.AddressInfo).port;
  const engine = await startEngine({ configFile: file, logHub: createLogHub({ sink: null }) });
  t.after(() => engine.stop());

  const one = async () => {
    const s = net.connect(BASE, '127.0.0.1');
    s.on('error', () => {});
    await once(s, 'connect');
    s.write(`CONNECT 127.0.0.1:${port} HTTP/1.1\r\n\r\n`);
    await once(s, 'data');
    s.write('x');
    await new Promise((r) => {
      s.on('close', r);
      s.resume();
    });
  };
  const batch = async (n: number) => {
    for (let i = 0; i < n; i += 20) await Promise.all(Array.from({ length: 20 }, one));
  };
  const heap = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed / 1048576;
  };
  await batch(2000);
  const h1 = heap();
  await batch(2000);
  const h2 = heap();
  await batch(2000);
  const h3 = heap();
  t.diagnostic(`heap after GC: ${h1.toFixed(1)} -> ${h2.toFixed(1)} -> ${h3.toFixed(1)} MB over 4,000 more connections`);
  // a leak of even 500 bytes per connection would show as +2 MB
  assert.ok(h3 - h1 < 2, `heap grew ${(h3 - h1).toFixed(2)} MB`);
  assert.ok(engine.tracker.size() < 50, 'finished connections leave the live table');
});
