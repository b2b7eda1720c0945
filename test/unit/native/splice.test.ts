// The native splice relay (native/src/splice_relay.cc) on loopback: bytes
// both ways with the head first, half-close carried across, live counts,
// reset, kill, idle timeout, bad arguments, and no pipe kept by idle
// connections.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { SpliceRelay, type SpliceEnd, type SplicedConnection } from '../../../native/index.js';

const relay = new SpliceRelay();
after(() => relay.close());

interface Pair {
  /** the client's socket (the test talks through it) */
  client: net.Socket;
  /** the target's end of the relayed connection */
  target: net.Socket;
  conn: SplicedConnection;
  ended: Promise<{ why: SpliceEnd; up: number; down: number }>;
  close(): void;
}

/** client → proxy (adopts into the relay) → target; resolves when handed over. */
async function relayed(opts: { idleMs?: number; head?: Buffer; early?: Buffer } = {}): Promise<Pair> {
  const targetSrv = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
  const proxySrv = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
  await Promise.all([once(targetSrv.listen(0, '127.0.0.1'), 'listening'), once(proxySrv.listen(0, '127.0.0.1'), 'listening')]);
  const targetSock = once(targetSrv, 'connection').then(([s]) => s as net.Socket);
  const inbound = once(proxySrv, 'connection').then(([s]) => s as net.Socket);
  const client = net.connect({ port: (proxySrv.address() as net.AddressInfo).port, host: '127.0.0.1', allowHalfOpen: true });
  await once(client, 'connect');
  if (opts.early) client.write(opts.early);
  const down = await inbound;
  const up = net.connect({ port: (targetSrv.address() as net.AddressInfo).port, host: '127.0.0.1', allowHalfOpen: true });
  await once(up, 'connect');
  const target = await targetSock;
  for (const s of [client, target]) s.on('error', () => {}); // each test asserts what it expects to see
  target.resume();
  target.pause();
  if (opts.early) await new Promise((r) => setTimeout(r, 50)); // let Node buffer the early bytes
  let resolveEnd!: (v: { why: SpliceEnd; up: number; down: number }) => void;
  const ended = new Promise<{ why: SpliceEnd; up: number; down: number }>((r) => (resolveEnd = r));
  const conn = relay.adopt(down, up, { idleMs: opts.idleMs ?? 10_000, ...(opts.head ? { head: opts.head } : {}) }, (why, u, d) => resolveEnd({ why, up: u, down: d }));
  assert.ok(conn, 'plain TCP sockets are adopted');
  assert.equal(down.destroyed, true, 'the Node sockets are destroyed after the hand-over');
  return {
    client, target, conn, ended,
    close() {
      client.destroy();
      target.destroy();
      targetSrv.close();
      proxySrv.close();
    },
  };
}

function readAll(s: net.Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  s.resume();
  return once(s, 'end').then(() => Buffer.concat(chunks));
}

/** Resolves on 'close' (events.once would reject on the expected 'error'). */
function closeOf(s: net.Socket): Promise<void> {
  return new Promise((r) => s.once('close', () => r()));
}

function pattern(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

test('bytes both ways arrive intact, the head and Node-buffered bytes first, with exact counts', async () => {
  const head = Buffer.from('HEAD:');
  const early = Buffer.from('early-bytes:');
  const p = await relayed({ head, early });
  try {
    const upData = pattern(3 * 1024 * 1024 + 17, 1);
    const downData = pattern(2 * 1024 * 1024 + 5, 2);
    const atTarget = readAll(p.target);
    const atClient = readAll(p.client);
    p.client.end(upData);
    const got = await atTarget;
    assert.deepEqual(got, Buffer.concat([head, early, upData]));
    p.target.end(downData);
    assert.deepEqual(await atClient, downData);
    const end = await p.ended;
    assert.equal(end.why, 'closed');
    assert.equal(end.up, head.length + early.length + upData.length);
    assert.equal(end.down, downData.length);
    assert.equal(p.conn.upload(), end.up);
    assert.equal(p.conn.download(), end.down);
  } finally {
    p.close();
  }
});

test('half-close: the client FIN reaches the target, which can still answer', async () => {
  const p = await relayed();
  try {
    const atClient = readAll(p.client);
    p.target.resume();
    p.client.end('question');
    await once(p.target, 'end');
    await new Promise((r) => setTimeout(r, 50));
    p.target.end('answer after the client finished');
    assert.equal((await atClient).toString(), 'answer after the client finished');
    assert.equal((await p.ended).why, 'closed');
  } finally {
    p.close();
  }
});

test('live counts are readable while bytes flow', async () => {
  const p = await relayed();
  try {
    p.target.resume();
    p.client.write(pattern(100_000, 3));
    for (let i = 0; i < 100 && p.conn.upload() < 100_000; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(p.conn.upload(), 100_000);
    assert.equal(p.conn.download(), 0);
    p.client.end();
    p.target.end();
    await p.ended;
  } finally {
    p.close();
  }
});

test('a reset by the target resets the client and ends with a remote error', async () => {
  const p = await relayed();
  try {
    p.client.on('error', () => {});
    const clientClosed = closeOf(p.client);
    p.target.resetAndDestroy();
    const end = await p.ended;
    assert.match(end.why, /^error: remote (ECONNRESET|EPIPE)/);
    await clientClosed;
  } finally {
    p.close();
  }
});

test('kill closes both sides and reports error: killed', async () => {
  const p = await relayed();
  try {
    p.client.on('error', () => {});
    p.target.on('error', () => {});
    p.client.resume();
    p.target.resume();
    const closed = Promise.all([closeOf(p.client), closeOf(p.target)]);
    p.conn.kill();
    p.conn.kill(); // idempotent
    assert.equal((await p.ended).why, 'error: killed');
    await closed;
  } finally {
    p.close();
  }
});

test('idle connections time out natively and hold no pipe', async () => {
  const p = await relayed({ idleMs: 300 });
  try {
    p.client.on('error', () => {});
    p.target.on('error', () => {});
    p.client.resume();
    p.target.resume();
    const s = relay.stats();
    assert.ok(s.connections >= 1);
    assert.equal(s.pipesOpen, s.pipesPooled, 'an idle connection holds no pipe');
    const t0 = Date.now();
    assert.equal((await p.ended).why, 'timeout');
    assert.ok(Date.now() - t0 < 2500, 'the timeout fires within its resolution');
  } finally {
    p.close();
  }
});

test('sockets that cannot be handed over are left to the caller', async () => {
  const a = new net.Socket();
  const b = new net.Socket();
  assert.equal(relay.adopt(a, b, { idleMs: 0 }, () => {}), null);
  assert.equal(a.destroyed, false);
});

test('bad arguments are TypeErrors', () => {
  const raw = (relay as unknown as { native: { add(...a: unknown[]): number; counts(x: unknown): unknown } }).native;
  assert.throws(() => raw.add(-1, 3, 0), (e: NodeJS.ErrnoException) => e instanceof TypeError && e.code === 'ERR_INVALID_ARG_VALUE');
  assert.throws(() => raw.add(3, 3, 0), TypeError);
  assert.throws(() => raw.add(0, 1, 'x'), TypeError);
  assert.throws(() => raw.counts('x'), TypeError);
  assert.equal(raw.counts(1e9), undefined);
  assert.throws(() => new SpliceRelay({ maxPoolPipes: -1 }), TypeError);
});
