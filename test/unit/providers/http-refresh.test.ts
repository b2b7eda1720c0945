// The refresh schedule of http rule providers: interval ±10% jitter,
// exponential backoff after failures (capped at the interval), stop() cancels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import { backoff, jittered, startRefresh } from '../../../main/providers/refresh.js';

test('jitter stays within ±10% of the interval', () => {
  assert.equal(jittered(100, () => 0), 90_000);
  assert.equal(jittered(100, () => 0.5), 100_000);
  assert.equal(jittered(100, () => 0.999999), 110_000);
});

test('backoff doubles per failure and is capped by the interval', () => {
  const mid = () => 0.5;
  assert.deepEqual([1, 2, 3, 4].map((n) => backoff(n, 3600, 30_000, mid)), [30_000, 60_000, 120_000, 240_000]);
  assert.equal(backoff(10, 600, 30_000, mid), 600_000);
  assert.equal(backoff(100, 0, 1, mid) > 0, true);
});

test('a failing provider is retried with growing delays, then refreshes on its interval; stop() ends it', async () => {
  const at: number[] = [];
  const t0 = Date.now();
  let calls = 0;
  const provider = {
    name: 'p',
    update: async () => {
      at.push(Date.now() - t0);
      calls++;
      if (calls <= 3) throw new Error('down');
    },
  };
  const h = startRefresh([{ provider, interval: 0.2, firstDelayMs: 0 }], { logger: NULL_LOGGER, random: () => 0.5, backoffBaseMs: 20 });
  // bounded wait for 5 calls (timers run late on a loaded machine; lower bounds still hold)
  for (const end = Date.now() + 5000; at.length < 5 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
  h.stop();
  const n = calls;
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(calls, n, 'no calls after stop()');
  // 0, +20, +40, +80 (backoff), then +200 (interval) ...
  assert.ok(at.length >= 5, `calls at ${at.join(',')}`);
  const gaps = at.slice(1).map((v, i) => v - at[i]!);
  assert.ok(gaps[0]! >= 15 && gaps[1]! >= 35 && gaps[2]! >= 75, `gaps ${gaps.join(',')}`);
  assert.ok(gaps[3]! >= 190, `interval after success: ${gaps[3]}`);
});

test('interval 0 with a local copy: never scheduled', async () => {
  let calls = 0;
  const h = startRefresh([{ provider: { name: 'q', update: async () => void calls++ }, interval: 0, firstDelayMs: 5 }], { logger: NULL_LOGGER });
  await new Promise((r) => setTimeout(r, 50));
  h.stop();
  assert.equal(calls, 0);
});
