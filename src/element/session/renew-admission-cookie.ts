import type { Admission } from '../../core/protocol/protocol.js';

/**
 * Replaces the admission cookie that <antichambre-queue> set (same name, path and attributes as
 * src/element/queue/admission-cookie.ts, so it overwrites it) with the token a heartbeat brought. Its life is
 * counted on the server's clock (`serverTime`), so a device clock minutes off does not cut it short.
 * A copy, not an import: sharing that module with this lazy chunk would make the login bundle export
 * it, and that bundle has no bytes to spare.
 */
export function renewAdmissionCookie(name: string, { token, expiresAt }: Admission, serverTime: number, doc: Document = document): void {
  const maxAge = Math.floor((Date.parse(expiresAt) - serverTime) / 1000);
  if (!(maxAge > 0)) return;
  const secure = doc.location?.protocol === 'https:' ? '; Secure' : '';
  doc.cookie = `${name}=${encodeURIComponent(token)}; Path=/; SameSite=Lax; Max-Age=${maxAge}${secure}`;
}
