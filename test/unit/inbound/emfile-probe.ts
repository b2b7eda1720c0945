// Run by emfile.test.ts under a tiny open-files limit: a mixed port whose
// dispatcher holds every connection open, so accept() soon fails with EMFILE.
// Prints the port, then every log record as a JSON line.
import { createMixedInbound } from '../../../main/inbound/mixed.js';
import { createLogHub } from '../../../main/core/logger.js';
import type net from 'node:net';

const hub = createLogHub({ level: 'info', sink: { write: (l: string) => process.stdout.write(l) } });
const held: net.Socket[] = [];
const inbound = createMixedInbound({
  port: 0,
  allowLan: false,
  logger: hub.logger,
  dispatcher: {
    handleTcp: (s) => {
      held.push(s);
      s.on('error', () => {});
    },
    handleUdp: () => {},
  },
});
await inbound.start();
process.stdout.write(JSON.stringify({ port: inbound.addresses()[0]!.port }) + '\n');
process.on('message', (m) => {
  if (m === 'release') {
    for (const s of held.splice(0)) s.destroy();
    process.stdout.write(JSON.stringify({ released: true }) + '\n');
  }
});
