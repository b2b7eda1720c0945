// startDeadman keeps the `live` elements alive while running; once stopped
// (or the process is gone) they expire within the timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderCapture, startDeadman, captureStatus, type CaptureInput, type RunCommand } from '../../../main/capture/index.js';
import type { SyError } from '../../../main/core/errors.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import { NetnsLab, requireRoot } from '../../helpers/netns.js';

const INPUT: CaptureInput = {
  enable: true, local: true, lan: false, interfaces: [], ipv6: true, bypass: [], onFailure: 'open',
  excludeInterfaces: [], mark: 0x2d0, table: 720, dnsRedirect: false, deadmanSeconds: 1,
  tproxyPort: 7893, dnsPort: 0, routingMark: 0x1000, upstreams: [], hostAddresses: [],
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('startDeadman refreshes the live elements past their timeout; after stop they expire; failures are reported', async (t) => {
  if (!requireRoot(t)) return;
  const lab = new NetnsLab('sy-cap-d');
  t.after(() => lab.destroy());
  const ns = await lab.add('d');
  const run: RunCommand = (cmd, args, stdin) => lab.exec(ns, cmd, args, stdin === undefined ? {} : { input: stdin });
  await lab.execOk(ns, 'nft', ['-f', '-'], renderCapture(INPUT));
  const errors: SyError[] = [];
  const stop = startDeadman({ run, logger: NULL_LOGGER, seconds: 1, onError: (e) => errors.push(e) });
  t.after(stop);
  await sleep(2500);
  assert.deepEqual((await captureStatus({ run })).live.sort(), ['tcp', 'udp'], 'still live after 2.5 timeouts');
  stop();
  stop(); // idempotent
  await sleep(1500);
  assert.deepEqual((await captureStatus({ run })).live, [], 'expired after stop');
  assert.equal(errors.length, 0, errors.map((e) => e.message).join('; '));

  await lab.execOk(ns, 'nft', ['delete', 'table', 'inet', 'switchyard']);
  const stop2 = startDeadman({ run, logger: NULL_LOGGER, seconds: 1, onError: (e) => errors.push(e) });
  t.after(stop2);
  for (let i = 0; i < 40 && errors.length === 0; i++) await sleep(50);
  stop2();
  assert.equal(errors[0]?.code, 'SY_ERR_CAPTURE_DEADMAN');
});
