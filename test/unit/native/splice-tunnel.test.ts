// The tunnel's relay choice (main/tunnel/relay.ts startRelay): the native
// splice relay when it can take the sockets, Node pipes otherwise — the same
// bytes, counts and end reason either way.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { SpliceRelay } from '../../../native/index.js';
import { startRelay, type RelayEnd, type SpliceAdopter } from '../../../main/tunnel/relay.js';
import { loopbackPair } from './loopback-pair.js';

const splice = new SpliceRelay();
after(() => splice.close());

const pair = loopbackPair;

async function exchange(p: Awaited<ReturnType<typeof pair>>, adopter: SpliceAdopter | null, pending?: string) {
  let resolveEnd!: (w: RelayEnd) => void;
  const ended = new Promise<RelayEnd>((r) => (resolveEnd = r));
  if (pending) p.remote.cork(), p.remote.write(pending); // a write still queued in Node: cannot be handed over
  const h = startRelay(p.inbound, p.remote, { idleMs: 10_000, head: Buffer.from('head:') }, adopter, resolveEnd);
  if (pending) p.remote.uncork();
  const atTarget: Buffer[] = [];
  p.target.on('data', (c: Buffer) => atTarget.push(c));
  const targetEnd = once(p.target, 'end');
  const atClient: Buffer[] = [];
  p.client.on('data', (c: Buffer) => atClient.push(c));
  const clientEnd = once(p.client, 'end');
  p.client.end('question');
  await targetEnd;
  p.target.end('answer');
  await clientEnd;
  const why = await ended;
  return { kind: h.kind, why, up: h.counters.upload(), down: h.counters.download(), atTarget: Buffer.concat(atTarget).toString(), atClient: Buffer.concat(atClient).toString() };
}

test('plain TCP sockets go to the splice relay, with the head first and exact counts', async () => {
  const p = await pair();
  try {
    const r = await exchange(p, splice);
    assert.deepEqual(r, { kind: 'splice', why: 'closed', up: 13, down: 6, atTarget: 'head:question', atClient: 'answer' });
  } finally {
    p.close();
  }
});

test('without the addon the Node pipe relay carries the same bytes', async () => {
  const p = await pair();
  try {
    const r = await exchange(p, null);
    assert.deepEqual(r, { kind: 'pipe', why: 'closed', up: 13, down: 6, atTarget: 'head:question', atClient: 'answer' });
  } finally {
    p.close();
  }
});

test('a socket with a write still queued in Node is not handed over (pipe fallback)', async () => {
  const p = await pair();
  try {
    const r = await exchange(p, splice, 'pending:');
    assert.equal(r.kind, 'pipe');
    assert.equal(r.atTarget, 'pending:head:question');
    assert.equal(r.atClient, 'answer');
  } finally {
    p.close();
  }
});
