// `switchyard capture status|clean` inside a namespace with capture installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { installCapture, type CaptureInput, type RunCommand } from '../../../main/capture/index.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import { NetnsLab, requireRoot } from '../../helpers/netns.js';

const BIN = fileURLToPath(new URL('../../../bin/switchyard.mjs', import.meta.url));
const INPUT: CaptureInput = {
  enable: true, local: true, lan: false, interfaces: [], ipv6: true, bypass: [], onFailure: 'open',
  excludeInterfaces: [], mark: 0x2d0, table: 720, dnsRedirect: false, deadmanSeconds: 5,
  tproxyPort: 7893, dnsPort: 0, routingMark: 0x1000, upstreams: [], hostAddresses: [],
};

test('switchyard capture status shows the installed state; clean removes it', async (t) => {
  if (!requireRoot(t)) return;
  const lab = new NetnsLab('sy-cap-c');
  t.after(() => lab.destroy());
  const ns = await lab.add('c');
  const run: RunCommand = (cmd, args, stdin) => lab.exec(ns, cmd, args, stdin === undefined ? {} : { input: stdin });
  await installCapture(INPUT, { run, logger: NULL_LOGGER });
  const status = await lab.execOk(ns, process.execPath, [BIN, 'capture', 'status']);
  assert.match(status, /table inet switchyard: installed \(mark 0x2d0, routing table 720\)/);
  assert.match(status, /dead-man switch: live \((tcp, udp|udp, tcp)\)/);
  assert.match(status, /-4 \d+:\s+from all fwmark 0x2d0 lookup 720/);
  assert.match(status, /-6 local default dev lo/);
  assert.match(status, /net\.ipv4\.ip_early_demux=1/);
  assert.match(await lab.execOk(ns, process.execPath, [BIN, 'capture', 'clean']), /capture state removed/);
  const after = await lab.execOk(ns, process.execPath, [BIN, 'capture', 'status']);
  assert.match(after, /table inet switchyard: absent\nip rules: none\nroutes in table 720: none/);
  assert.match(await lab.execOk(ns, process.execPath, [BIN, 'capture', 'clean']), /nothing to remove/);
});
