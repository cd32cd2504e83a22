import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IdleConfigErrorCode, parseIdleConfig } from '../../../src/core/session/idle-config.js';

describe('idle-config: attributes an ENT integrator writes', () => {
  it('uses 15 min and 60 s, with no error, when the attributes are absent', () => {
    assert.deepEqual(parseIdleConfig({}), { timeoutMs: 900_000, warningMs: 60_000, errors: [] });
    assert.deepEqual(parseIdleConfig({ idleTimeout: null, idleWarning: null }).errors, []);
  });

  it('reads whole seconds, tolerating spaces around them', () => {
    const config = parseIdleConfig({ idleTimeout: ' 1200 ', idleWarning: '90' });
    assert.equal(config.timeoutMs, 1_200_000);
    assert.equal(config.warningMs, 90_000);
    assert.deepEqual(config.errors, []);
  });

  for (const bad of ['0', '-5', 'abc', '15m', '1.5', '', '1e3', '999999999999']) {
    it(`falls back to the default timeout, never to zero, for idle-timeout="${bad}" and says why`, () => {
      const config = parseIdleConfig({ idleTimeout: bad });
      assert.equal(config.timeoutMs, 900_000);
      assert.equal(config.errors.length, 1);
      const [error] = config.errors;
      assert.equal(error?.code, IdleConfigErrorCode.BAD_TIMEOUT);
      assert.equal(error?.value, bad);
      assert.match(error?.message ?? '', new RegExp(`^idle-timeout="${bad.replace('.', '\\.')}" .*default \\(900 s\\)`));
    });
  }

  it('explains the kind of mistake in the message', () => {
    const [units] = parseIdleConfig({ idleTimeout: '15m' }).errors;
    assert.match(units?.message ?? '', /whole number of seconds/);
    const [zero] = parseIdleConfig({ idleTimeout: '0' }).errors;
    assert.match(zero?.message ?? '', /at least 1 second/);
    const [huge] = parseIdleConfig({ idleTimeout: '999999' }).errors;
    assert.match(huge?.message ?? '', /more than 86400 seconds/);
  });

  it('clamps a warning shorter than 20 s to 20 s (WCAG 2.2.1) and reports it', () => {
    const config = parseIdleConfig({ idleWarning: '5' });
    assert.equal(config.warningMs, 20_000);
    assert.equal(config.errors[0]?.code, IdleConfigErrorCode.WARNING_TOO_SHORT);
    assert.match(config.errors[0]?.message ?? '', /WCAG 2\.2\.1.*using 20 s/);
  });

  it('uses the default warning for a zero or nonsense warning, not a zero countdown', () => {
    for (const bad of ['0', 'soixante', '7200']) {
      const config = parseIdleConfig({ idleWarning: bad });
      assert.equal(config.warningMs, 60_000, bad);
      assert.equal(config.errors[0]?.code, IdleConfigErrorCode.BAD_WARNING, bad);
    }
  });

  it('reports both attributes when both are wrong, and keeps a valid one', () => {
    const both = parseIdleConfig({ idleTimeout: 'x', idleWarning: 'y' });
    assert.deepEqual(both.errors.map((e) => e.attribute), ['idle-timeout', 'idle-warning']);
    const oneGood = parseIdleConfig({ idleTimeout: '600', idleWarning: 'y' });
    assert.equal(oneGood.timeoutMs, 600_000);
    assert.equal(oneGood.warningMs, 60_000);
  });
});
