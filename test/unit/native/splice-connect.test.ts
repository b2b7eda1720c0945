// SpliceRelay.connect (native/src/splice_relay.cc): the native thread dials
// the remote itself and relays; the client's head goes first; a refused
// connect ends with `error: connect ECONNREFUSED` and resets the client;
// kill() during the connect ends it. Loopback only.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { SpliceRelay, nativeAvailable, type SpliceEnd } from '../../../native/index.js';

const skip = nativeAvailable() ? false : 'the native addon is not built';
const relay = skip ? null : new SpliceRelay();
after(() => relay?.close());

/** A client connected to a proxy listener; returns both ends (the proxy end paused, as the tunnel gets it). */
async function clientPair(): Promise<{ client: net.Socket; inbound: net.Socket; close(): void }> {
  const srv = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
  await once(srv.listen(0, '127.0.0.1'), 'listening');
  const inbound = once(srv, 'connection').then(([s]) => s as net.Socket);
  const client = net.connect({ port: (srv.address() as net.AddressInfo).port, host: '127.0.0.1', allowHalfOpen: true });
  client.on('error', () => {});
  await once(client, 'connect');
  const s = await inbound;
  return { client, inbound: s, close: () => { client.destroy(); srv.close(); } };
}

function ended(): { onEnd: (why: SpliceEnd, up: number, down: number) => void; done: Promise<{ why: SpliceEnd; up: number; down: number }> } {
  let resolve!: (v: { why: SpliceEnd; up: number; down: number }) => void;
  const done = new Promise<{ why: SpliceEnd; up: number; down: number }>((r) => (resolve = r));
  return { onEnd: (why, up, down) => resolve({ why, up, down }), done };
}

test('connect: the thread dials, sends the head first and relays both ways until both sides end', { skip }, async (t) => {
  const target = net.createServer({ allowHalfOpen: true }, (s) => {
    let got = '';
    s.on('data', (d) => (got += d));
    s.on('end', () => s.end(`echo:${got}`));
  });
  await once(target.listen(0, '127.0.0.1'), 'listening');
  t.after(() => target.close());
  const { client, inbound, close } = await clientPair();
  t.after(close);
  const e = ended();
  const conn = relay!.connect(inbound, { family: 4, mark: 0, ip: '127.0.0.1', port: (target.address() as net.AddressInfo).port, connectTimeoutMs: 2000 }, { idleMs: 0, head: Buffer.from('head|') }, e.onEnd);
  assert.ok(conn);
  client.end('body');
  let reply = '';
  client.on('data', (d) => (reply += d));
  await once(client, 'end');
  assert.equal(reply, 'echo:head|body');
  const r = await e.done;
  assert.equal(r.why, 'closed');
  assert.equal(r.up, 'head|body'.length);
  assert.equal(r.down, 'echo:head|body'.length);
});

test('connect: a refused connect ends with error: connect ECONNREFUSED and resets the client', { skip }, async (t) => {
  const dead = net.createServer();
  await once(dead.listen(0, '127.0.0.1'), 'listening');
  const port = (dead.address() as net.AddressInfo).port;
  await new Promise((r) => dead.close(r));
  const { client, inbound, close } = await clientPair();
  t.after(close);
  const e = ended();
  relay!.connect(inbound, { family: 4, mark: 0, ip: '127.0.0.1', port, connectTimeoutMs: 2000 }, { idleMs: 0 }, e.onEnd);
  const closed = new Promise((r) => client.once('close', r));
  const r = await e.done;
  assert.equal(r.why, 'error: connect ECONNREFUSED');
  assert.deepEqual([r.up, r.down], [0, 0]);
  await closed;
});

test('connect: kill() while connected ends it with error: killed', { skip }, async (t) => {
  const target = net.createServer((s) => s.on('error', () => {}));
  await once(target.listen(0, '127.0.0.1'), 'listening');
  t.after(() => target.close());
  const { client, inbound, close } = await clientPair();
  t.after(close);
  const e = ended();
  const conn = relay!.connect(inbound, { family: 4, mark: 0, ip: '127.0.0.1', port: (target.address() as net.AddressInfo).port, connectTimeoutMs: 2000 }, { idleMs: 0 }, e.onEnd);
  await once(target, 'connection');
  conn!.kill();
  assert.equal((await e.done).why, 'error: killed');
  await new Promise((r) => (client.destroyed ? r(null) : client.once('close', r)));
});

test('connect: bad arguments throw and leave the client untouched', { skip }, async (t) => {
  const { inbound, close } = await clientPair();
  t.after(close);
  assert.throws(() => relay!.connect(inbound, { family: 4, mark: 0, ip: 'nope', port: 80, connectTimeoutMs: 1000 }, { idleMs: 0 }, () => {}), /bad address/);
  assert.throws(() => relay!.connect(inbound, { family: 4, mark: 0, ip: '127.0.0.1', port: 0, connectTimeoutMs: 1000 }, { idleMs: 0 }, () => {}), /port/);
  assert.equal(inbound.destroyed, false);
});
