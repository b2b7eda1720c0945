import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatDuration, formatLatency, formatNumber, formatRelative, formatSpeed } from '../../../renderer/src/utils/format.js';

test('bytes use SI units through Intl, with sensible precision', () => {
  assert.equal(formatBytes(0, 'en'), '0B');
  assert.equal(formatBytes(999, 'en'), '999B');
  assert.equal(formatBytes(1234, 'en'), '1.23 kB');
  assert.equal(formatBytes(1_234_567, 'en'), '1.23 MB');
  assert.equal(formatBytes(45_600_000_000, 'en'), '45.6 GB');
  assert.equal(formatBytes(Number.NaN, 'en'), '—');
});
test('speeds are bytes per second', () => {
  assert.equal(formatSpeed(2_500_000, 'en'), '2.5 MB/s');
  assert.equal(formatSpeed(0, 'en'), '0B/s');
});
test('numbers are grouped per locale', () => {
  assert.equal(formatNumber(5000, 'en'), '5,000');
  assert.equal(formatNumber(5000, 'zh-CN'), '5,000');
});
test('durations show the two largest units', () => {
  assert.equal(formatDuration(5_000, 'en'), '5 sec');
  assert.equal(formatDuration(65_000, 'en'), '1 min 5 sec');
  assert.equal(formatDuration(3_600_000 + 120_000 + 3000, 'en'), '1 hr 2 min');
  assert.equal(formatDuration(-5, 'en'), '0 sec');
  assert.match(formatDuration(65_000, 'zh-CN'), /1\s*分钟\s*5\s*秒/);
});
test('relative times go through Intl.RelativeTimeFormat', () => {
  const now = Date.parse('2026-11-22T12:00:00Z');
  assert.equal(formatRelative('2026-11-22T11:55:00Z', now, 'en'), '5 minutes ago');
  assert.equal(formatRelative('2026-11-22T11:55:00Z', now, 'zh-CN'), '5分钟前');
  assert.equal(formatRelative('2026-11-21T12:00:00Z', now, 'en'), 'yesterday');
  assert.equal(formatRelative('', now, 'en'), '—');
});
test('latency in milliseconds', () => {
  assert.equal(formatLatency(123, 'en'), '123 ms');
});
