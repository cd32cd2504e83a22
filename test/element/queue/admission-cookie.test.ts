/**
 * The admission cookie is what the gate and the ENT check: the widget navigates only when it is really
 * set (issue 11), so setAdmissionCookie says whether the browser kept it.
 */
import { expect } from '@open-wc/testing';
import { setAdmissionCookie } from '../../../src/element/queue/admission-cookie.js';
import { clearAdmissionCookie } from '../support/helpers.js';

const inFiveMinutes = () => new Date(Date.now() + 300_000).toISOString();

afterEach(() => clearAdmissionCookie('t_adm'));

it('sets the cookie for the token’s remaining life and says so', () => {
  expect(setAdmissionCookie('t_adm', { token: 'a.b.c', expiresAt: inFiveMinutes() })).to.be.true;
  expect(document.cookie).to.include('t_adm=a.b.c');
});

it('refuses an admission already over by the clock it is given (the server’s)', () => {
  const expiresAt = inFiveMinutes();
  // The page's clock is 10 minutes behind the server's: by the server, this admission is over.
  expect(setAdmissionCookie('t_adm', { token: 'a.b.c', expiresAt }, Date.now() + 600_000)).to.be.false;
  expect(document.cookie).not.to.include('t_adm=');
});

it('says false when the browser does not keep the cookie (over 4 KB here)', () => {
  expect(setAdmissionCookie('t_adm', { token: 'x'.repeat(5000), expiresAt: inFiveMinutes() })).to.be.false;
  expect(document.cookie).not.to.include('t_adm=');
});
