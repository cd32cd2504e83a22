import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWidgetConfig } from '../../../src/core/wait/widget-config.js';
import { AntichambreError } from '../../../src/core/protocol/errors.js';
import { queueEndpoint } from '../../../src/core/protocol/queue-endpoint.js';

const page = 'https://ent.example/login?x=1';

test('valid attributes are normalised, with defaults', () => {
  assert.deepEqual(parseWidgetConfig({ endpoint: '/api/v1/', room: 'college-jean-moulin' }, page), {
    endpoint: 'https://ent.example/api/v1',
    room: 'college-jean-moulin',
    returnUrl: undefined,
    admissionCookie: 'antichambre_admission',
    whenUnreachable: 'wait',
    pass: undefined,
  });
  const full = parseWidgetConfig(
    { endpoint: 'https://file.example/api', room: 'r1', returnUrl: '/home', admissionCookie: 'ent_q', whenUnreachable: 'open' },
    page,
  );
  assert.equal(full.returnUrl, 'https://ent.example/home');
  assert.equal(full.whenUnreachable, 'open');
});

test('the pass comes from the attribute, else from the first-party cookie antichambre_pass, else there is none', () => {
  const base = { endpoint: '/api/v1', room: 'r1' };
  const cookies = 'theme=dark; antichambre_pass=eyJ.cookie.sig; antichambre_admission=x';
  assert.equal(parseWidgetConfig({ ...base, pass: 'eyJ.attr.sig' }, page, page, cookies).pass, 'eyJ.attr.sig');
  assert.equal(parseWidgetConfig(base, page, page, cookies).pass, 'eyJ.cookie.sig');
  assert.equal(parseWidgetConfig(base, page, page, 'antichambre_pass=first').pass, 'first');
  assert.equal(parseWidgetConfig({ ...base, pass: '' }, page, page, cookies).pass, 'eyJ.cookie.sig', 'an empty attribute is no pass');
  // Another cookie whose name merely ends or starts like it is not the pass.
  assert.equal(parseWidgetConfig(base, page, page, 'old_antichambre_pass=a; antichambre_passes=b').pass, undefined);
  assert.equal(parseWidgetConfig(base, page).pass, undefined);
});

test('the endpoint takes the one normal form the service worker compares with: no trailing slash, query or fragment', () => {
  for (const endpoint of ['https://file.example/api/v1//', 'https://file.example/api/v1/?ent=1#top', '/api/v1?x']) {
    const config = parseWidgetConfig({ endpoint, room: 'r1' }, page);
    assert.equal(config.endpoint, queueEndpoint(endpoint, page));
    assert.match(config.endpoint, /^https:\/\/[a-z.]+\/api\/v1$/);
  }
});

test('each bad attribute is named by its error code', () => {
  const cases: Array<[Record<string, string | null>, string]> = [
    [{ room: 'r' }, 'missing-endpoint'],
    [{ endpoint: 'javascript:alert(1)', room: 'r' }, 'bad-endpoint'],
    [{ endpoint: '/api' }, 'missing-room'],
    [{ endpoint: '/api', room: 'Collège Jean Moulin' }, 'bad-room'],
    [{ endpoint: '/api', room: 'r', returnUrl: 'javascript:alert(1)' }, 'bad-return-url'],
    [{ endpoint: '/api', room: 'r', admissionCookie: 'a b;' }, 'bad-admission-cookie'],
    [{ endpoint: '/api', room: 'r', whenUnreachable: 'later' }, 'bad-when-unreachable'],
  ];
  for (const [attributes, code] of cases) {
    assert.throws(() => parseWidgetConfig(attributes, page), (e) => e instanceof AntichambreError && e.code === code, code);
  }
});

test('a return-url that is the page itself (hash aside) is dropped: the element reveals its content, no reload', () => {
  const login = 'https://ent.example/login';
  assert.equal(parseWidgetConfig({ endpoint: '/api', room: 'r', returnUrl: '/login' }, login).returnUrl, undefined);
  assert.equal(parseWidgetConfig({ endpoint: '/api', room: 'r', returnUrl: '/login#form' }, login, `${login}#top`).returnUrl, undefined);
  // The base URI may differ from the page (a <base> element): the page's own URL decides.
  assert.equal(parseWidgetConfig({ endpoint: '/api', room: 'r', returnUrl: 'login' }, 'https://ent.example/', login).returnUrl, undefined);
  assert.equal(parseWidgetConfig({ endpoint: '/api', room: 'r', returnUrl: '/login?next=/home' }, login).returnUrl, `${login}?next=/home`);
  assert.equal(parseWidgetConfig({ endpoint: '/api', room: 'r', returnUrl: '/home' }, login).returnUrl, 'https://ent.example/home');
});
