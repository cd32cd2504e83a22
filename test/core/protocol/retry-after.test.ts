import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_RETRY_AFTER_MS, readRetryAfter as parseRetryAfter } from '../../../src/core/protocol/retry-after.js';

const NOW = Date.UTC(2026, 8, 1, 7, 55, 0); // 1 Sept 2026, 07:55:00 GMT: la rentrée

test('delay-seconds becomes milliseconds to wait', async () => {
  assert.equal(await parseRetryAfter('7', NOW), 7_000);
  assert.equal(await parseRetryAfter(' 120 ', NOW), 120_000);
  assert.equal(await parseRetryAfter('0', NOW), 0);
});

test('an HTTP date in any of the three RFC 9110 forms is measured from now', async () => {
  assert.equal(await parseRetryAfter('Tue, 01 Sep 2026 07:55:30 GMT', NOW), 30_000);
  assert.equal(await parseRetryAfter('Tuesday, 01-Sep-26 07:56:00 GMT', NOW), 60_000);
  assert.equal(await parseRetryAfter('Tue Sep  1 07:55:45 2026', NOW), 45_000);
});

test('a date in the past means "now", not a negative wait', async () => {
  assert.equal(await parseRetryAfter('Tue, 01 Sep 2026 07:50:00 GMT', NOW), 0);
  assert.equal(await parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', NOW), 0);
});

test('negative, fractional and garbage values are ignored, so the client backs off on its own', async () => {
  for (const header of ['-5', '1.5', '', 'soon', '30s', '<html>503</html>', 'Tue, 31 Feb 2026 07:55:30 GMT', 'Tue, 01 Sep 2026 25:00:00 GMT', '2026-09-01T07:56:00Z']) {
    assert.equal(await parseRetryAfter(header, NOW), null, header);
  }
  assert.equal(await parseRetryAfter(null, NOW), null);
});

test('a huge value is clamped, so a server typo cannot strand pupils until their ticket expires', async () => {
  assert.equal(MAX_RETRY_AFTER_MS, 5 * 60_000);
  assert.equal(await parseRetryAfter('86400', NOW), MAX_RETRY_AFTER_MS);
  assert.equal(await parseRetryAfter('9'.repeat(400), NOW), MAX_RETRY_AFTER_MS);
  assert.equal(await parseRetryAfter('Fri, 01 Jan 2100 00:00:00 GMT', NOW), MAX_RETRY_AFTER_MS);
  assert.equal(await parseRetryAfter('900', NOW, 60_000), 60_000);
});
