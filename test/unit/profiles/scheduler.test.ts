// Auto-update timing: due after the interval, earlier with backoff after
// failures (capped at the interval), spread by jitter; timers are unref'd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAutoUpdater, nextDelay } from '../../../main/profiles/scheduler.js';
import type { ProfileRecord } from '../../../main/profiles/types.js';
import { silentLogger } from './fixtures.js';

const rec = (over: Partial<ProfileRecord> = {}): ProfileRecord => ({
  id: 'p1', name: 'x', source: { type: 'url', url: 'http://a.example/' }, interval: 3600, updatedAt: 1_000_000, lastError: null, failures: 0, userinfo: null, ...over,
});

test('due one interval after the last success, plus at most 10 % jitter (capped at 5 min)', () => {
  assert.equal(nextDelay(rec(), 1_000_000, () => 0), 3_600_000);
  assert.equal(nextDelay(rec(), 1_000_000, () => 0.999999), 3_600_000 + 0.999999 * 300_000);
  assert.equal(nextDelay(rec({ interval: 600 }), 1_000_000, () => 1), 600_000 + 60_000);
  assert.equal(nextDelay(rec(), 1_000_000 + 5_000_000, () => 0), 0, 'overdue: now');
});

test('after failures: 30 s doubling, never later than the interval', () => {
  const at = 2_000_000;
  const failed = (n: number) => rec({ failures: n, lastError: { code: 'SY_ERR_PROFILE_DIAL', message: '', at } });
  assert.equal(nextDelay(failed(1), at, () => 0), 30_000);
  assert.equal(nextDelay(failed(2), at, () => 0), 60_000);
  assert.equal(nextDelay(failed(4), at, () => 0), 240_000);
  assert.equal(nextDelay(failed(12), at, () => 0), 3_600_000);
});

test('no timer for manual, file or local profiles', () => {
  assert.equal(nextDelay(rec({ interval: 0 }), 0, () => 0), null);
  assert.equal(nextDelay(rec({ source: { type: 'file', path: '/x' } }), 0, () => 0), null);
  assert.equal(nextDelay(rec({ source: { type: 'local' } }), 0, () => 0), null);
});

test('an overdue profile is updated, then rescheduled; close() stops everything', async () => {
  let records = [rec({ updatedAt: 0 })];
  const calls: string[] = [];
  let resolveCall: () => void;
  const called = new Promise<void>((r) => (resolveCall = r));
  const au = createAutoUpdater({
    records: async () => records,
    update: async (id) => {
      calls.push(id);
      records = [rec({ updatedAt: Date.now() })];
      resolveCall();
    },
    logger: silentLogger(),
    random: () => 0,
  });
  await au.reschedule();
  await Promise.race([called, new Promise((_, rej) => setTimeout(() => rej(new Error('no update within 2 s')), 2000))]);
  assert.deepEqual(calls, ['p1']);
  au.close();
  await au.reschedule(); // no-op after close
});
