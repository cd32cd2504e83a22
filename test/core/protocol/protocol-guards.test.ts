import { test } from 'node:test';
import assert from 'node:assert/strict';
import { is } from 'valibot';
import { errorCode, isAdmission, isTicketStatus } from '../../../src/core/protocol/protocol-guards.js';
import { AdmissionSchema, ErrorBodySchema, TicketStatusSchema } from '../../../src/core/protocol/protocol.js';
import { status } from '../../support/fakes.js';

const admission = { token: 'header.payload.signature', expiresAt: '2026-09-01T08:30:00.000Z' };

/** Each sample is one field away from a valid answer; the guard must agree with the schema on every one. */
const samples: unknown[] = [
  status(),
  status({ ticket: 'signed-credential' }),
  status({ state: 'admitted', position: null, ahead: 0, admission }),
  status({ etaSeconds: null, etaLowSeconds: null, etaHighSeconds: null }),
  { ...status(), extra: 'ignored' },
  status({ admitGraceSeconds: 180 }),
  status({ lane: 'personnels' }),
  status({ passRefused: 'pass-expired' }),
  // A refusal code a newer server adds: still an answer the widget takes (it only logs the code).
  status({ passRefused: 'pass-revoked' }),
  null,
  'waiting',
  [],
  ...(
    [
      ['id', 'short'],
      ['id', 'has spaces in it'],
      ['room', 'Collège'],
      ['room', ''],
      ['state', 'queued'],
      ['position', 0],
      ['position', 1.5],
      ['position', '3'],
      ['ahead', -1],
      ['ahead', null],
      ['etaSeconds', -1],
      ['etaLowSeconds', '60'],
      ['pollAfterMs', -1],
      ['pollAfterMs', 24 * 3600 * 1000 + 1],
      ['serverTime', 'yesterday'],
      ['serverTime', '2026-13-01T00:00:00Z'],
      ['admitGraceSeconds', -1],
      ['admitGraceSeconds', '180'],
      ['ticket', ''],
      ['ticket', 'x'.repeat(2049)],
      ['ticket', 42],
      ['admission', {}],
      ['admission', { ...admission, token: '' }],
      ['admission', { ...admission, expiresAt: 'soon' }],
      ['lane', 42],
      ['lane', null],
      ['passRefused', true],
      ['passRefused', null],
    ] as const
  ).map(([field, value]) => ({ ...status(), [field]: value })),
  (({ serverTime: _, ...rest }) => rest)(status()),
];

test('isTicketStatus accepts and refuses exactly what TicketStatusSchema does', () => {
  for (const sample of samples) assert.equal(isTicketStatus(sample), is(TicketStatusSchema, sample), JSON.stringify(sample)?.slice(0, 200));
  assert.ok(samples.filter((s) => is(TicketStatusSchema, s)).length >= 5 && samples.filter((s) => !is(TicketStatusSchema, s)).length >= 20);
});

test('isAdmission agrees with AdmissionSchema', () => {
  for (const sample of [admission, { token: 't', expiresAt: '2026-09-01T08:30:00+02:00' }, { token: '', expiresAt: admission.expiresAt }, { token: 't' }, null]) {
    assert.equal(isAdmission(sample), is(AdmissionSchema, sample), JSON.stringify(sample));
  }
});

test("errorCode reads a server's error body, and nothing from a proxy's page", () => {
  for (const body of [{ error: { code: 'ticket-not-found', message: 'gone' } }, { error: { code: 'x' } }, { error: 'busy' }, '<html>', null]) {
    assert.equal(errorCode(body), is(ErrorBodySchema, body) ? body.error.code : undefined, JSON.stringify(body));
  }
});
