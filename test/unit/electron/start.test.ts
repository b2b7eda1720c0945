import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../..', import.meta.url).pathname;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

test('npm start without a display says why, runs the headless core, and passes SIGTERM through', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-start-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cfg = join(dir, 'config.yaml');
  writeFileSync(cfg, [`mixed-port: ${await freePort()}`, `external-controller: 127.0.0.1:${await freePort()}`, 'tproxy-port: 0', 'capture:', '  enable: false', ''].join('\n'));
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: dir };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  const child = spawn(process.execPath, [join(root, 'bin', 'start.mjs'), '--config', cfg], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const deadline = Date.now() + 20_000;
  while (!/switchyard running with/.test(out) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
  assert.match(out, /desktop app not started: no display \(neither DISPLAY nor WAYLAND_DISPLAY is set\); running the headless core/);
  if (/engine is not built yet/.test(out)) return t.skip('switchyard run is still a placeholder');
  assert.match(out, /switchyard running with /, out.slice(-500));
  child.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000).unref())]);
  assert.equal(code, 0, `exit after SIGTERM: ${out.slice(-300)}`);
  assert.match(out, /SIGTERM: stopping/, 'the core itself received the signal');
});
