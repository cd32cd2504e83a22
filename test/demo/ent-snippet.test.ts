/** The administrator's snippets on the teachers' page: filled in from the form, never broken by it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { entSnippets } from '../../demo/ent-snippet.js';

const good = { room: 'college-jean-moulin', endpoint: 'https://file.ent.example/api/v1', idleMinutes: '15' };

test('the login and session snippets carry the form values, the widget hosted next to the API', () => {
  const result = entSnippets(good);
  assert.ok(result.ok);
  assert.match(result.login, /<script type="module" src="https:\/\/file\.ent\.example\/antichambre\.js"><\/script>/);
  assert.match(result.login, /<antichambre-queue endpoint="https:\/\/file\.ent\.example\/api\/v1" room="college-jean-moulin" lang="fr">/);
  assert.match(result.login, /<\/antichambre-queue>$/);
  assert.match(result.session, /<antichambre-session endpoint="https:\/\/file\.ent\.example\/api\/v1" room="college-jean-moulin"\n  idle-timeout="900" idle-warning="60"/);
});

test('a path on the same site works too; a trailing slash and spaces are tidied', () => {
  const result = entSnippets({ room: ' lycee-hugo ', endpoint: '/api/v1/ ', idleMinutes: ' 1 ' });
  assert.ok(result.ok);
  assert.match(result.login, /src="\/antichambre\.js"/);
  assert.match(result.login, /endpoint="\/api\/v1" room="lycee-hugo"/);
  assert.match(result.session, /idle-timeout="60"/);
});

test('bad values are refused field by field, in French, and never reach a snippet', () => {
  const cases: [Partial<typeof good>, keyof typeof good][] = [
    [{ room: 'Collège Jean Moulin' }, 'room'],
    [{ room: '' }, 'room'],
    [{ room: 'a'.repeat(65) }, 'room'],
    [{ endpoint: 'file.ent.example/api' }, 'endpoint'],
    [{ endpoint: 'javascript:alert(1)' }, 'endpoint'],
    [{ endpoint: '//evil.example/api' }, 'endpoint'],
    [{ endpoint: 'https://file.ent.example/api" onload="x' }, 'endpoint'],
    [{ idleMinutes: '0' }, 'idleMinutes'],
    [{ idleMinutes: '1441' }, 'idleMinutes'],
    [{ idleMinutes: '2.5' }, 'idleMinutes'],
  ];
  for (const [change, field] of cases) {
    const result = entSnippets({ ...good, ...change });
    assert.equal(result.ok, false, JSON.stringify(change));
    if (result.ok) continue;
    assert.deepEqual(Object.keys(result.errors), [field], JSON.stringify(change));
    assert.match(result.errors[field]!, /[a-zé]/);
  }
});

test('an endpoint with a query string is escaped inside its attribute', () => {
  const result = entSnippets({ ...good, endpoint: 'https://file.ent.example/api/v1?a=1&b=2' });
  assert.ok(result.ok);
  assert.match(result.login, /endpoint="https:\/\/file\.ent\.example\/api\/v1\?a=1&amp;b=2"/);
});

test("with the README's values, the login snippet is recipe (a)'s login page (docs/recipes/widget/login.html)", async () => {
  const recipe = await readFile(new URL('../../docs/recipes/widget/login.html', import.meta.url), 'utf8');
  const result = entSnippets(good);
  assert.ok(result.ok);
  assert.equal(`${result.login}\n`, recipe);
});
