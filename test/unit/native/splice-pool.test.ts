// SplicePool (main/tunnel/splice-pool.ts) over real native splice relays:
// connections spread over the threads (fewest live first), every byte and
// count arrives as with one relay, and a thread's load drops when its
// connections end.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { SpliceRelay, nativeAvailable } from '../../../native/index.js';
import { SplicePool } from '../../../main/tunnel/splice-pool.js';
import { spliceRelays } from '../../../main/engine/splice.js';
import type { RelayEnd } from '../../../main/tunnel/relay.js';
import { loopbackPair } from './loopback-pair.js';

const skip = !nativeAvailable();
const relays = skip ? [] : [new SpliceRelay(), new SpliceRelay()];
const pool = skip ? null : new SplicePool(relays);
after(() => pool?.close());

/** client -> [inbound | pool | remote] -> target, on loopback. */
async function relayedPair(p: SplicePool) {
  const { client, inbound, remote, target, close } = await loopbackPair();
  let done!: (v: { why: RelayEnd; up: number; down: number }) => void;
  const ended = new Promise<{ why: RelayEnd; up: number; down: number }>((r) => (done = r));
  const h = p.adopt(inbound, remote, { idleMs: 10_000 }, (why, up, down) => done({ why, up, down }));
  assert.ok(h, 'the pool takes the sockets');
  return { client, target, ended, close };
}

test('connections spread over the splice threads, bytes and counts intact, loads drop as they end', { skip: skip && 'native addon not built' }, async () => {
  const pairs = [];
  for (let i = 0; i < 6; i++) pairs.push(await relayedPair(pool!));
  try {
    assert.deepEqual(pool!.loads(), [3, 3], 'fewest-live-first: 6 connections as 3 + 3');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(relays.map((r) => r.stats().connections), [3, 3], 'each native thread carries 3');
    const results = await Promise.all(
      pairs.map(async (p, i) => {
        const got: Buffer[] = [];
        p.client.on('data', (c: Buffer) => got.push(c));
        const clientEnd = once(p.client, 'end');
        const atTarget: Buffer[] = [];
        p.target.on('data', (c: Buffer) => atTarget.push(c));
        const targetEnd = once(p.target, 'end');
        p.client.end(`question ${i}`);
        await targetEnd;
        p.target.end(`answer ${i}!`);
        await clientEnd;
        const end = await p.ended;
        return { at: Buffer.concat(atTarget).toString(), back: Buffer.concat(got).toString(), ...end };
      }),
    );
    results.forEach((r, i) => assert.deepEqual(r, { at: `question ${i}`, back: `answer ${i}!`, why: 'closed', up: 10, down: 9 }));
    assert.deepEqual(pool!.loads(), [0, 0], 'every end gave its slot back');
    // The next connection goes to a thread again (fewest live: the first).
    const again = await relayedPair(pool!);
    assert.deepEqual(pool!.loads(), [1, 0]);
    again.client.end();
    await once(again.target, 'end');
    again.target.end();
    await again.ended;
    again.close();
  } finally {
    for (const p of pairs) p.close();
  }
});

test('spliceRelays: one relay per core by default, SWITCHYARD_SPLICE_THREADS to choose, a pool only for more than one', () => {
  const made: number[] = [];
  const fake = () => {
    made.push(made.length);
    return { adopt: () => null, close() {} };
  };
  assert.ok(spliceRelays(fake, { SWITCHYARD_SPLICE_THREADS: '3' }) instanceof SplicePool);
  assert.equal(made.length, 3);
  const one = spliceRelays(fake, { SWITCHYARD_SPLICE_THREADS: '1' });
  assert.ok(one && !(one instanceof SplicePool), 'one thread: the relay itself');
  assert.equal(spliceRelays(() => null, {}), null, 'no addon: null (the Node pipe relay is used)');
  assert.throws(() => new SplicePool([]), RangeError);
});
