// System proxy on GNOME against Debian's real `gsettings` with the keyfile
// backend in a scratch HOME: on sets the values, off restores exactly what
// was there (also values the user had changed), a crash is recovered at the
// next start, and a failure half-way rolls back.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createSystemProxy } from '../../../main/electron/sysproxy/system-proxy.js';
import { backupPath } from '../../../main/electron/sysproxy/backup.js';
import type { CommandRunner } from '../../../main/electron/sysproxy/types.js';
import { has, readIni, scratchDesktop, type Scratch } from './fixtures.js';

const skip = has('gsettings') && spawnSync('gsettings', ['list-keys', 'org.gnome.system.proxy']).status === 0 ? false : 'needs gsettings and gsettings-desktop-schemas (apt-get install libglib2.0-bin gsettings-desktop-schemas)';

let s: Scratch;
beforeEach(() => {
  s = scratchDesktop('ubuntu:GNOME');
});
afterEach(() => s.cleanup());

const gset = (schema: string, key: string, value: string) => s.run('gsettings', ['set', schema, key, value]).then((r) => assert.equal(r.code, 0, r.stderr));

/** The user's own settings before switchyard touches anything. */
async function userSettings(): Promise<void> {
  await gset('org.gnome.system.proxy', 'mode', "'auto'");
  await gset('org.gnome.system.proxy', 'autoconfig-url', "'http://wpad.example/proxy.pac'");
  await gset('org.gnome.system.proxy.socks', 'host', "'old.example'");
  await gset('org.gnome.system.proxy.socks', 'port', '1080');
}

test('on points every proxy at the mixed port; off restores exactly the previous keyfile', { skip }, async () => {
  await userSettings();
  const before = readIni(s.keyfile);
  const sp = createSystemProxy({ run: s.run, env: s.env, stateDir: s.stateDir });
  const st = await sp.on({ port: 7890 });
  assert.deepEqual(st.desktops, ['gnome']);
  assert.ok(existsSync(backupPath(s.stateDir)), 'backup written');
  const on = readIni(s.keyfile);
  assert.equal(on['system/proxy']!.mode, "'manual'");
  assert.equal(on['system/proxy']!['ignore-hosts'], "['localhost', '127.0.0.0/8', '::1', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '*.local']");
  for (const c of ['socks', 'http', 'https']) {
    assert.equal(on[`system/proxy/${c}`]!.host, "'127.0.0.1'", c);
    assert.equal(on[`system/proxy/${c}`]!.port, '7890', c);
  }
  assert.equal(on['system/proxy']!['autoconfig-url'], "'http://wpad.example/proxy.pac'", 'keys we do not touch stay');
  assert.equal((await sp.status()).enabled, true);

  await sp.off();
  assert.deepEqual(readIni(s.keyfile), before);
  assert.equal(existsSync(backupPath(s.stateDir)), false);
  assert.equal((await sp.status()).enabled, false);
  await sp.off(); // idempotent
});

test('from pristine defaults, off leaves no key behind', { skip }, async () => {
  const sp = createSystemProxy({ run: s.run, env: s.env, stateDir: s.stateDir });
  await sp.on({ port: 7891 });
  await sp.off();
  assert.deepEqual(readIni(s.keyfile), {});
});

test('switching on twice keeps the original backup (only the port changes)', { skip }, async () => {
  await userSettings();
  const before = readIni(s.keyfile);
  const sp = createSystemProxy({ run: s.run, env: s.env, stateDir: s.stateDir });
  await sp.on({ port: 7890 });
  await sp.on({ port: 7999 });
  assert.equal(readIni(s.keyfile)['system/proxy/http']!.port, '7999');
  await sp.off();
  assert.deepEqual(readIni(s.keyfile), before);
});

test('a crash between on and off: the next start restores the saved values', { skip }, async (t) => {
  await userSettings();
  const before = readIni(s.keyfile);
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./hold-on.ts', import.meta.url).pathname], {
    env: { ...s.env, SY_STATE_DIR: s.stateDir, SY_PORT: '7890' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('child did not switch on within 20 s')), 20_000);
    child.stdout!.on('data', (b: Buffer) => {
      if (b.toString().includes('on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (c) => reject(new Error(`child exited ${c}`)));
  });
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  assert.equal(readIni(s.keyfile)['system/proxy']!.mode, "'manual'", 'the crashed process left the proxy on');

  const next = createSystemProxy({ run: s.run, env: s.env, stateDir: s.stateDir });
  assert.equal(await next.recover(), true);
  assert.deepEqual(readIni(s.keyfile), before);
  assert.equal(await next.recover(), false);
});

test('a command failing half-way rolls back what was changed and raises a coded error', { skip }, async () => {
  await userSettings();
  const before = readIni(s.keyfile);
  const failing: CommandRunner = (file, args, env) =>
    args[0] === 'set' && args[2] === 'mode' && args[3] === "'manual'" ? Promise.resolve({ code: 1, stdout: '', stderr: 'boom' }) : s.run(file, args, env);
  const sp = createSystemProxy({ run: failing, env: s.env, stateDir: s.stateDir });
  await assert.rejects(sp.on({ port: 7890 }), { code: 'SY_ERR_SYSPROXY_COMMAND' });
  assert.deepEqual(readIni(s.keyfile), before);
  assert.equal(existsSync(backupPath(s.stateDir)), false);
});

test('no supported desktop, a missing gsettings, or a bad port: clear coded errors', async () => {
  const xfce = scratchDesktop('XFCE');
  try {
    const sp = createSystemProxy({ run: xfce.run, env: xfce.env, stateDir: xfce.stateDir });
    await assert.rejects(sp.on({ port: 7890 }), (e: { code: string; message: string }) => e.code === 'SY_ERR_SYSPROXY_NO_DESKTOP' && /XFCE/.test(e.message));
  } finally {
    xfce.cleanup();
  }
  const missing: CommandRunner = async () => ({ code: 127, stdout: '', stderr: 'not found' });
  const sp = createSystemProxy({ run: missing, env: s.env, stateDir: s.stateDir });
  await assert.rejects(sp.on({ port: 7890 }), (e: { code: string; message: string }) => e.code === 'SY_ERR_SYSPROXY_NO_DESKTOP' && /gsettings is not installed/.test(e.message));
  await assert.rejects(sp.on({ port: 70000 }), { code: 'SY_ERR_SYSPROXY_BAD_PORT' });
});
