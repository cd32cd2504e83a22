import type { Admission } from '../../core/protocol/protocol.js';

/**
 * Hands the admission token to the ENT's backend as a first-party cookie that lives exactly as long as the
 * token. Lax, so it travels with the login form's POST and top-level navigations but not cross-site requests.
 * False when it could not be set: the admission is over by `now`, or the browser refused the cookie.
 */
export function setAdmissionCookie(name: string, { token, expiresAt }: Admission, now = Date.now(), doc: Document = document): boolean {
  const maxAge = Math.floor((Date.parse(expiresAt) - now) / 1000);
  if (!(maxAge > 0)) return false;
  const secure = doc.location?.protocol === 'https:' ? '; Secure' : '';
  const value = `${name}=${encodeURIComponent(token)}`;
  doc.cookie = `${value}; Path=/; SameSite=Lax; Max-Age=${maxAge}${secure}`;
  return doc.cookie.includes(value);
}
