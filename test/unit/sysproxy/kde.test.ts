// System proxy on KDE against the real kwriteconfig5/kreadconfig5 on a
// scratch kioslaverc: on writes [Proxy Settings], off restores exactly the
// previous file content (keys that did not exist are deleted again).
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createSystemProxy } from '../../../main/electron/sysproxy/system-proxy.js';
import { backupPath } from '../../../main/electron/sysproxy/backup.js';
import { has, readIni, scratchDesktop, type Scratch } from './fixtures.js';

const skip = (has('kwriteconfig5') && has('kreadconfig5')) || (has('kwriteconfig6') && has('kreadconfig6')) ? false : 'needs kwriteconfig5/6 (apt-get install libkf5config-bin)';

let s: Scratch;
beforeEach(() => {
  s = scratchDesktop('KDE');
});
afterEach(() => s.cleanup());

function userKioslaverc(): void {
  mkdirSync(dirname(s.kioslaverc), { recursive: true });
  writeFileSync(s.kioslaverc, ['[Proxy Settings]', 'ProxyType=0', 'httpProxy=http://old.example 3128', 'NoProxyFor=intranet.example', '', '[Cache]', 'MaxCacheSize=5000', ''].join('\n'));
}

test('on writes the manual proxy at the mixed port; off restores the previous kioslaverc exactly', { skip }, async () => {
  userKioslaverc();
  const before = readIni(s.kioslaverc);
  const sp = createSystemProxy({ run: s.run, env: s.env, stateDir: s.stateDir });
  const st = await sp.on({ port: 7890 });
  assert.deepEqual(st.desktops, ['kde']);
  const on = readIni(s.kioslaverc)['Proxy Settings']!;
  assert.equal(on.ProxyType, '1');
  assert.equal(on.socksProxy, 'socks://127.0.0.1 7890');
  assert.equal(on.httpProxy, 'http://127.0.0.1 7890');
  assert.equal(on.httpsProxy, 'http://127.0.0.1 7890');
  assert.equal(on.NoProxyFor, 'localhost,127.0.0.0/8,::1,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,*.local');
  assert.equal(readIni(s.kioslaverc).Cache!.MaxCacheSize, '5000');

  await sp.off();
  assert.deepEqual(readIni(s.kioslaverc), before);
  assert.equal(readIni(s.kioslaverc)['Proxy Settings']!.socksProxy, undefined, 'a key that did not exist is deleted again');
  assert.equal(existsSync(backupPath(s.stateDir)), false);
});

test('without a kioslaverc, off leaves no proxy key behind', { skip }, async () => {
  const sp = createSystemProxy({ run: s.run, env: s.env, stateDir: s.stateDir });
  await sp.on({ port: 7890 });
  await sp.off();
  assert.deepEqual(readIni(s.kioslaverc)['Proxy Settings'] ?? {}, {});
});

test('a crashed session (backup left behind) is restored by recover()', { skip }, async () => {
  userKioslaverc();
  const before = readIni(s.kioslaverc);
  await createSystemProxy({ run: s.run, env: s.env, stateDir: s.stateDir }).on({ port: 7890 });
  // a new instance, as after a restart
  const next = createSystemProxy({ run: s.run, env: s.env, stateDir: s.stateDir });
  assert.equal((await next.status()).enabled, true);
  assert.equal(await next.recover(), true);
  assert.deepEqual(readIni(s.kioslaverc), before);
});

test('a corrupt backup is reported, not dropped', async () => {
  mkdirSync(s.stateDir, { recursive: true });
  writeFileSync(backupPath(s.stateDir), '{"version":1,"saved":"nope"}');
  const sp = createSystemProxy({ run: s.run, env: s.env, stateDir: s.stateDir });
  await assert.rejects(sp.off(), { code: 'SY_ERR_SYSPROXY_BACKUP' });
  assert.ok(existsSync(backupPath(s.stateDir)));
});
