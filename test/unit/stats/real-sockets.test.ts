// The table over real sockets (127.0.0.1, OS-chosen port): counters sampled
// from socket.bytesWritten, as the tunnel does, and the traffic sampler's
// rates and totals across a connection that closes between ticks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { createConnectionTracker } from '../../../main/stats/tracker.js';
import { createTrafficSampler } from '../../../main/stats/samplers.js';
import { newMetadata } from '../../../main/core/metadata.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';

test('bytes from real sockets are sampled into the table, totals and traffic frames', async (t) => {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const port = (server.address() as net.AddressInfo).port;

  let clock = 0;
  const table = createConnectionTracker({ logger: NULL_LOGGER, now: () => clock });
  const sampler = createTrafficSampler({ source: table, now: () => clock });
  t.after(() => sampler.stop());

  const accepted = once(server, 'connection');
  const client = net.connect(port, '127.0.0.1');
  await once(client, 'connect');
  const [srv] = (await accepted) as [net.Socket];
  // As the tunnel counts: upload = bytes written to the remote, download = bytes written back to the client.
  const tc = table.open(
    { meta: newMetadata({ network: 'tcp', type: 'Socks5', srcIP: '127.0.0.1', srcPort: client.localPort!, dstIP: '127.0.0.1', dstPort: port }), chains: ['DIRECT'], rule: '', rulePayload: '' },
    { upload: () => client.bytesWritten, download: () => srv.bytesWritten },
    () => client.destroy(),
  );
  client.on('close', () => tc.closed('closed'));
  let received = 0;
  srv.on('data', (d) => (received += d.length));
  client.resume();

  client.write(Buffer.alloc(64 * 1024, 1));
  srv.write(Buffer.alloc(256 * 1024, 2));
  const deadline = Date.now() + 5000;
  while (received < 64 * 1024 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(received, 64 * 1024);

  const snap = table.snapshot();
  assert.equal(snap.connections[0]!.upload, 64 * 1024);
  assert.equal(snap.connections[0]!.download, 256 * 1024);
  assert.equal(snap.connections[0]!.metadata.destinationPort, String(port));
  clock = 1000;
  assert.deepEqual(sampler.tick(), { up: 65536, down: 262144, upTotal: 65536, downTotal: 262144 });

  client.write(Buffer.alloc(1000));
  await new Promise((r) => setTimeout(r, 50));
  table.kill(tc.id);
  await once(client, 'close');
  assert.equal(table.size(), 0);
  clock = 2000;
  assert.deepEqual(sampler.tick(), { up: 1000, down: 0, upTotal: 66536, downTotal: 262144 });
  assert.equal(table.closedHistory()[0]!.upload, 66536);
  srv.destroy();
});
