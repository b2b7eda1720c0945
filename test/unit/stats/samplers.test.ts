// Traffic and memory samplers: rates from counter deltas (closed connections
// included), one frame per interval, first memory frame 0, stop() stops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnectionTracker } from '../../../main/stats/tracker.js';
import { createMemorySampler, createTrafficSampler } from '../../../main/stats/samplers.js';
import { newMetadata } from '../../../main/core/metadata.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';

test('traffic rates are per-second deltas of all counters, including a connection that closed in between', () => {
  let clock = 0;
  const t = createConnectionTracker({ logger: NULL_LOGGER });
  const c = { up: 0, down: 0 };
  const tc = t.open({ meta: newMetadata({ network: 'tcp', type: 'TProxy' }), chains: ['DIRECT'], rule: '', rulePayload: '' }, { upload: () => c.up, download: () => c.down }, () => {});
  const s = createTrafficSampler({ source: t, now: () => clock });
  c.up = 1000;
  c.down = 4000;
  clock = 1000;
  assert.deepEqual(s.tick(), { up: 1000, down: 4000, upTotal: 1000, downTotal: 4000 });
  c.up = 1500;
  c.down = 6000;
  tc.closed('closed');
  clock = 2000;
  assert.deepEqual(s.tick(), { up: 500, down: 2000, upTotal: 1500, downTotal: 6000 });
  clock = 4000; // two seconds, nothing moved
  assert.deepEqual(s.tick(), { up: 0, down: 0, upTotal: 1500, downTotal: 6000 });
  s.stop();
});

test('traffic subscribers get about one frame per interval, stop() ends them', async () => {
  const s = createTrafficSampler({ source: { totals: () => ({ upload: 0, download: 0 }) }, intervalMs: 50 });
  const frames: unknown[] = [];
  s.subscribe((f) => frames.push(f));
  s.subscribe(() => {
    throw new Error('broken subscriber');
  });
  await new Promise((r) => setTimeout(r, 280));
  s.stop();
  const n = frames.length;
  assert.ok(n >= 3 && n <= 6, `frames: ${n}`);
  await new Promise((r) => setTimeout(r, 120));
  assert.equal(frames.length, n);
});

test('memory: first frame is inuse 0, then real samples', async () => {
  const m = createMemorySampler({ intervalMs: 30, read: () => 12345 });
  const frames: { inuse: number; oslimit: number }[] = [];
  const off = m.subscribe((f) => frames.push(f));
  await new Promise((r) => setTimeout(r, 100));
  off();
  m.stop();
  assert.deepEqual(frames[0], { inuse: 0, oslimit: 0 });
  assert.ok(frames.length >= 2);
  assert.deepEqual(frames[1], { inuse: 12345, oslimit: 0 });
});

test('a non-positive interval is refused', () => {
  assert.throws(() => createMemorySampler({ intervalMs: 0 }), RangeError);
});
