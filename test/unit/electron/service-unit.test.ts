import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectServiceEnv, planInstall, planRemove, renderServiceUnit, runPlan, UNIT_PATH, type ServiceEnv } from '../../../main/electron/service-unit.js';
import { autostartPath, renderAutostartDesktop } from '../../../main/electron/autostart.js';
import { ShellError } from '../../../main/electron/errors.js';

const full: ServiceEnv = { pkexec: '/usr/bin/pkexec', systemctl: '/usr/bin/systemctl', systemdRunning: true };
const unitOpts = { nodePath: '/usr/bin/node', cliPath: '/opt/switchyard/bin/switchyard.mjs', configPath: '/etc/switchyard/config.yaml' };

test('the unit runs the core with only the capabilities it needs, many files, restart on failure', () => {
  const u = renderServiceUnit(unitOpts);
  assert.match(u, /^ExecStart=\/usr\/bin\/node \/opt\/switchyard\/bin\/switchyard\.mjs run --config \/etc\/switchyard\/config\.yaml$/m);
  assert.match(u, /^AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW$/m);
  assert.match(u, /^CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW$/m);
  assert.match(u, /^LimitNOFILE=1048576$/m);
  assert.match(u, /^Restart=on-failure$/m);
  assert.match(u, /^ExecStopPost=.* capture clean$/m, 'leftover capture state is cleaned even after a crash');
  assert.match(u, /^WantedBy=multi-user\.target$/m);
  assert.doesNotMatch(u, /^User=/m);
});
test('the unit quotes paths with spaces, adds User= and Environment=', () => {
  const u = renderServiceUnit({ ...unitOpts, cliPath: '/opt/my apps/switchyard.mjs', user: 'sy', env: { ELECTRON_RUN_AS_NODE: '1' } });
  assert.match(u, /ExecStart=\/usr\/bin\/node "\/opt\/my apps\/switchyard\.mjs" run/);
  assert.match(u, /^User=sy$/m);
  assert.match(u, /^Environment="ELECTRON_RUN_AS_NODE=1"$/m);
});
test('the unit refuses relative paths, injection characters and bad user names with a coded error', () => {
  for (const bad of [{ nodePath: 'node' }, { configPath: '/tmp/x\nExecStartPre=/bin/rm' }, { cliPath: '/a/$HOME/b' }, { user: 'root; rm' }]) {
    assert.throws(() => renderServiceUnit({ ...unitOpts, ...bad }), (e: unknown) => e instanceof ShellError && e.code === 'SY_ERR_APP_BAD_OPTION');
  }
});
test('install is one pkexec call that copies, reloads and starts the unit', () => {
  const plan = planInstall(full, '/tmp/stage/switchyard.service');
  assert.equal(plan.length, 1);
  assert.deepEqual(plan[0]!.argv.slice(0, 3), ['/usr/bin/pkexec', '/bin/sh', '-c']);
  assert.match(plan[0]!.argv[3]!, new RegExp(`install -m 0644 '/tmp/stage/switchyard.service' '${UNIT_PATH}' && '/usr/bin/systemctl' daemon-reload && '/usr/bin/systemctl' enable --now switchyard.service`));
});
test('remove disables, deletes and reloads', () => {
  const s = planRemove(full)[0]!.argv[3]!;
  assert.match(s, /disable --now switchyard\.service \|\| true; rm -f '\/etc\/systemd\/system\/switchyard\.service'; '\/usr\/bin\/systemctl' daemon-reload/);
});
test('pkexec missing is a clear SY_ERR_APP_PKEXEC_MISSING that says how to fix it', () => {
  assert.throws(() => planInstall({ ...full, pkexec: '' }, '/tmp/u'), (e: unknown) => {
    assert.ok(e instanceof ShellError);
    assert.equal(e.code, 'SY_ERR_APP_PKEXEC_MISSING');
    assert.match(e.message, /apt install pkexec/);
    return true;
  });
  assert.throws(() => planRemove({ ...full, pkexec: '' }), { code: 'SY_ERR_APP_PKEXEC_MISSING' });
});
test('systemd missing (no systemctl, or not PID 1) is SY_ERR_APP_SYSTEMD_MISSING', () => {
  assert.throws(() => planInstall({ ...full, systemctl: '' }, '/tmp/u'), { code: 'SY_ERR_APP_SYSTEMD_MISSING' });
  assert.throws(() => planInstall({ ...full, systemdRunning: false }, '/tmp/u'), (e: unknown) => e instanceof ShellError && /not PID 1/.test(e.message));
});
test('detectServiceEnv looks along PATH and at /run/systemd/system', () => {
  const present = new Set(['/usr/bin/pkexec', '/bin/systemctl']);
  assert.deepEqual(detectServiceEnv({ exists: (p) => present.has(p), path: '/usr/local/bin:/usr/bin:/bin' }), {
    pkexec: '/usr/bin/pkexec', systemctl: '/bin/systemctl', systemdRunning: false,
  });
});
test('runPlan stops at the first failure and explains pkexec cancel codes', async () => {
  const ran: string[][] = [];
  const plan = [{ argv: ['a'], what: 'step a' }, { argv: ['b'], what: 'step b' }];
  await assert.rejects(runPlan(plan, async (argv) => (ran.push(argv), { code: 126, stderr: '' })), (e: unknown) => {
    assert.ok(e instanceof ShellError);
    assert.equal(e.code, 'SY_ERR_APP_SERVICE_COMMAND');
    assert.match(e.message, /step a.*authorization was cancelled/);
    return true;
  });
  assert.deepEqual(ran, [['a']]);
  await assert.rejects(runPlan(plan, async () => ({ code: 1, stderr: 'Failed to enable unit\n' })), /exit 1: Failed to enable unit/);
  await runPlan(plan, async () => ({ code: 0, stderr: '' }));
});

test('autostart entry: quoted Exec, path under XDG_CONFIG_HOME or HOME', () => {
  const d = renderAutostartDesktop({ exec: '/opt/Switch Yard/switchyard.AppImage', args: ['--hidden'] });
  assert.match(d, /^\[Desktop Entry\]$/m);
  assert.match(d, /^Exec="\/opt\/Switch Yard\/switchyard\.AppImage" --hidden$/m);
  assert.equal(autostartPath({ XDG_CONFIG_HOME: '/x/cfg', HOME: '/home/u' }), '/x/cfg/autostart/switchyard.desktop');
  assert.equal(autostartPath({ HOME: '/home/u' }), '/home/u/.config/autostart/switchyard.desktop');
  assert.throws(() => autostartPath({}), { code: 'SY_ERR_APP_BAD_OPTION' });
  assert.throws(() => renderAutostartDesktop({ exec: 'switchyard' }), { code: 'SY_ERR_APP_BAD_OPTION' });
});
