// installCapture / removeCapture / captureStatus against real nftables and
// iproute2 inside a throwaway namespace (the runner is injected).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installCapture, removeCapture, captureStatus, type CaptureInput, type RunCommand } from '../../../main/capture/index.js';
import { isSyError } from '../../../main/core/errors.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import { NetnsLab, requireRoot } from '../../helpers/netns.js';

const INPUT: CaptureInput = {
  enable: true, local: true, lan: true, interfaces: ['lan1'], ipv6: true, bypass: ['203.0.113.0/24'], onFailure: 'open',
  excludeInterfaces: ['docker*', 'veth*', 'br-*'], mark: 0x2d0, table: 720, dnsRedirect: true, deadmanSeconds: 5,
  tproxyPort: 7893, dnsPort: 1053, routingMark: 0x1000, upstreams: ['198.51.100.2'], hostAddresses: ['192.0.2.1'],
};

async function setup(t: { after(fn: () => unknown): void }) {
  const lab = new NetnsLab('sy-cap-i');
  t.after(() => lab.destroy());
  const ns = await lab.add('i');
  const calls: string[] = [];
  const run: RunCommand = (cmd, args, stdin) => {
    calls.push(`${cmd} ${args.join(' ')}`);
    return lab.exec(ns, cmd, args, stdin === undefined ? {} : { input: stdin });
  };
  return { lab, ns, run, calls };
}

test('install is idempotent: twice in a row leaves one table, one rule and one route per family', async (t) => {
  if (!requireRoot(t)) return;
  const { run, lab, ns } = await setup(t);
  await lab.sysctl(ns, { 'net.ipv4.ip_forward': 0 });
  await installCapture(INPUT, { run, logger: NULL_LOGGER });
  await installCapture(INPUT, { run, logger: NULL_LOGGER });
  const s = await captureStatus({ run });
  assert.equal(s.table, true);
  assert.deepEqual(s.live.sort(), ['tcp', 'udp']);
  assert.equal(s.rules.length, 2, s.rules.join('|'));
  assert.equal(s.routes.length, 2, s.routes.join('|'));
  assert.equal(s.state?.sysctls?.['net.ipv4.ip_forward'], '0', 'the value before the first install is remembered');
  assert.equal((await lab.execOk(ns, 'sysctl', ['-n', 'net.ipv4.ip_forward'])).trim(), '1');
  assert.equal(await removeCapture({ run, logger: NULL_LOGGER }), true);
  assert.equal((await lab.execOk(ns, 'sysctl', ['-n', 'net.ipv4.ip_forward'])).trim(), '0', 'restored');
  const after = await captureStatus({ run }, { mark: INPUT.mark, table: INPUT.table });
  assert.deepEqual([after.table, after.rules, after.routes], [false, [], []]);
});

test('a failing step rolls back everything done so far and raises SY_ERR_CAPTURE_APPLY', async (t) => {
  if (!requireRoot(t)) return;
  const { run: real, calls } = await setup(t);
  const run: RunCommand = (cmd, args, stdin) =>
    args.join(' ').startsWith('-6 route add') ? Promise.resolve({ code: 2, stdout: '', stderr: 'RTNETLINK answers: injected failure' }) : real(cmd, args, stdin);
  await assert.rejects(installCapture(INPUT, { run, logger: NULL_LOGGER }), (e: unknown) => {
    assert.ok(isSyError(e));
    assert.equal(e.code, 'SY_ERR_CAPTURE_APPLY');
    assert.match(e.message, /ip -6 route add local ::\/0 dev lo table 720/);
    assert.match(e.message, /injected failure/);
    return true;
  });
  const s = await captureStatus({ run: real }, { mark: INPUT.mark, table: INPUT.table });
  assert.deepEqual([s.table, s.rules, s.routes], [false, [], []], 'nothing is left half-applied');
  assert.ok(calls.some((c) => c === 'nft delete table inet switchyard'), 'the table was deleted by the rollback');
});

test('an nft error (bad ruleset for this kernel) is raised with nft stderr, nothing applied', async (t) => {
  if (!requireRoot(t)) return;
  const { run: real } = await setup(t);
  const run: RunCommand = (cmd, args, stdin) =>
    cmd === 'nft' && args[0] === '-f' ? real(cmd, args, (stdin ?? '') + 'this is not nft\n') : real(cmd, args, stdin);
  await assert.rejects(installCapture(INPUT, { run, logger: NULL_LOGGER }), /SY_ERR_CAPTURE_APPLY|installing capture failed.*nft -f/);
  const s = await captureStatus({ run: real }, { mark: INPUT.mark, table: INPUT.table });
  assert.deepEqual([s.table, s.rules], [false, []]);
});

test('removeCapture cleans rules and routes left without a table (given the hint), and is a no-op on a clean system', async (t) => {
  if (!requireRoot(t)) return;
  const { run, lab, ns } = await setup(t);
  await lab.ip(ns, ['rule', 'add', 'fwmark', '0x2d0', 'lookup', '720']);
  await lab.ip(ns, ['rule', 'add', 'fwmark', '0x2d0', 'lookup', '720']);
  await lab.ip(ns, ['route', 'add', 'local', 'default', 'dev', 'lo', 'table', '720']);
  assert.equal(await removeCapture({ run, logger: NULL_LOGGER }, { mark: 0x2d0, table: 720 }), true);
  const s = await captureStatus({ run }, { mark: 0x2d0, table: 720 });
  assert.deepEqual([s.rules, s.routes], [[], []]);
  assert.equal(await removeCapture({ run, logger: NULL_LOGGER }, { mark: 0x2d0, table: 720 }), false);
});
