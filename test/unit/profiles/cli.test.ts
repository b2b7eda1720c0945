// `switchyard profile …` and `run`'s default config: the commands against a
// scratch XDG_CONFIG_HOME and a local subscription server.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { profileAddCommand, profileListCommand, profileRemoveCommand, profileUpdateCommand, profileUseCommand } from '../../../main/commands/profile.js';
import { resolveConfigFile } from '../../../main/commands/run.js';
import { goodConfig, scratchHome, serve, startServer } from './fixtures.js';

const srv = await startServer();
const h = scratchHome();
after(async () => {
  await srv.close();
  h.cleanup();
});

function io() {
  const o = { out: '', err: '', env: { XDG_CONFIG_HOME: h.home, HOME: h.home } as NodeJS.ProcessEnv };
  return Object.assign(o, { deps: { env: o.env, out: (s: string) => void (o.out += s), err: (s: string) => void (o.err += s) } });
}

test('add, list, update, use, remove; `run` without --config then starts the active profile', async () => {
  srv.on('/cli', serve(goodConfig('cli.example'), { 'subscription-userinfo': 'upload=1073741824; download=1073741824; total=10737418240; expire=0' }));
  let x = io();
  assert.equal(await profileAddCommand(srv.url('/cli'), { name: 'Work', interval: '3600' }, x.deps), 0, x.err);
  const added = JSON.parse(x.out);
  assert.equal(added.name, 'Work');
  assert.equal(added.interval, 3600);

  x = io();
  assert.equal(await profileListCommand({}, x.deps), 0);
  assert.match(x.out, /^\s+ID\s+NAME/);
  assert.match(x.out, /Work\s+url\s+\S+ \S+\s+2\.0\/10\.0 GiB/);

  x = io();
  assert.equal(await profileUpdateCommand('Work', x.deps), 0, x.err);

  assert.equal(resolveConfigFile(undefined, { XDG_CONFIG_HOME: h.home }).file.endsWith('rules/default.yaml'), true, 'no active profile yet');
  x = io();
  assert.equal(await profileUseCommand('Work', x.deps), 0, x.err);
  assert.equal(resolveConfigFile(undefined, { XDG_CONFIG_HOME: h.home }).file, join(h.home, 'switchyard', 'profiles', `${added.id}.effective.yaml`));

  x = io();
  assert.equal(await profileRemoveCommand('Work', x.deps), 1);
  assert.match(x.err, /SY_ERR_PROFILE_ACTIVE/);
  x = io();
  assert.equal(await profileUpdateCommand('nope', x.deps), 1);
  assert.match(x.err, /^switchyard: SY_ERR_PROFILE_NOT_FOUND: /);
});

test('the switchyard binary has the profile and sysproxy commands', () => {
  const bin = new URL('../../../bin/switchyard.mjs', import.meta.url).pathname;
  const env = { ...process.env, XDG_CONFIG_HOME: join(h.home, 'empty'), XDG_STATE_HOME: join(h.home, 'state'), XDG_CURRENT_DESKTOP: 'XFCE' };
  const list = spawnSync(process.execPath, [bin, 'profile', 'list', '--json'], { env, encoding: 'utf8', timeout: 30_000 });
  assert.equal(list.status, 0, list.stderr);
  assert.deepEqual(JSON.parse(list.stdout), []);
  const st = spawnSync(process.execPath, [bin, 'sysproxy', 'status'], { env, encoding: 'utf8', timeout: 30_000 });
  assert.equal(st.status, 0, st.stderr);
  assert.equal(JSON.parse(st.stdout).enabled, false);
  const on = spawnSync(process.execPath, [bin, 'sysproxy', 'on', '--port', '7890'], { env, encoding: 'utf8', timeout: 30_000 });
  assert.equal(on.status, 1);
  assert.match(on.stderr, /SY_ERR_SYSPROXY_NO_DESKTOP/);
});
