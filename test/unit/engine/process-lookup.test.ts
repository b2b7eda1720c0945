// Finding the local process that owns a connection, through the real /proc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { realpathSync } from 'node:fs';
import { basename } from 'node:path';
import { createProcessLookup, decodeProcAddress, findSocket } from '../../../main/engine/process-lookup.js';
import { newMetadata } from '../../../main/core/metadata.js';

test('/proc/net addresses decode: v4 little-endian words, v6 four of them', () => {
  assert.deepEqual(decodeProcAddress('0100007F:1F90'), { ip: '127.0.0.1', port: 8080 });
  assert.deepEqual(decodeProcAddress('00000000000000000000000001000000:0050'), { ip: '::1', port: 80 });
  assert.deepEqual(decodeProcAddress('B80D0120000000000000000001000000:01BB'), { ip: '2001:db8::1', port: 443 });
  assert.equal(decodeProcAddress('garbage'), null);
});

test('findSocket prefers the exact address and falls back to a wildcard bind', () => {
  const table = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 111 2 0',
    '   1: 0200000A:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   102        0 222 2 0',
    '   2: 0300000A:0035 0100000A:1234 06 00000000:00000000 03:00000AD2 00000000     0        0 0 3 0',
  ].join('\n');
  // a TIME_WAIT leftover (inode 0) of an earlier connection on the same port is not the owner
  assert.deepEqual(findSocket(table, '10.0.0.3', 53), { uid: 101, inode: 111 });
  assert.deepEqual(findSocket(table, '10.0.0.2', 53), { uid: 102, inode: 222 });
  assert.deepEqual(findSocket(table, '10.0.0.9', 53), { uid: 101, inode: 111 });
  assert.equal(findSocket(table, '10.0.0.2', 54), null);
});

test('a connection from this process is found: uid, process name and path', async (t) => {
  const srv = net.createServer((s) => s.resume());
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  t.after(() => srv.close());
  const c = net.connect((srv.address() as net.AddressInfo).port, '127.0.0.1');
  await once(c, 'connect');
  t.after(() => c.destroy());
  const meta = newMetadata({ network: 'tcp', type: 'Mixed', srcIP: '127.0.0.1', srcPort: c.localPort! });
  await createProcessLookup().lookup(meta);
  assert.equal(meta.uid, process.getuid!());
  assert.equal(meta.processPath, realpathSync(process.execPath));
  assert.equal(meta.process, basename(realpathSync(process.execPath)));
});

test('a source that is not this host has no process', async () => {
  const meta = newMetadata({ network: 'tcp', type: 'TProxy', srcIP: '192.0.2.2', srcPort: 40000 });
  await createProcessLookup({ localAddresses: () => new Set(['127.0.0.1']) }).lookup(meta);
  assert.equal(meta.process, undefined);
  assert.equal(meta.uid, undefined);
});
