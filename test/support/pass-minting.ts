/**
 * An ENT minting priority passes as docs/integration.md says ("Minting a pass (Node)"), and a queue server
 * driven over real HTTP with them: for the passes' fault, flood and replay tests.
 */
import assert from 'node:assert/strict';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import type { PassKeys } from '../../src/core/protocol/protocol.js';

export type PublicJwk = NonNullable<PassKeys['publicKeys']>[number];

export interface Ent {
  privateKey: CryptoKey;
  jwk: PublicJwk;
  kid: string;
}

export async function entKeys(kid = 'ent-2026'): Promise<Ent> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, kid, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256' } as PublicJwk };
}

/** `now`: the ENT's clock (ms), for a server whose clock the test moves; `lifetimeS` default 8 h. */
export function mintPass(ent: Ent, room: string, claims: { lane?: string; sub?: string; kid?: string; now?: number; lifetimeS?: number } = {}): Promise<string> {
  const issuedAt = Math.floor((claims.now ?? Date.now()) / 1000);
  return new SignJWT({ lane: claims.lane ?? 'personnels' })
    .setProtectedHeader({ alg: 'ES256', kid: claims.kid ?? ent.kid })
    .setSubject(claims.sub ?? `prof-${Math.random().toString(36).slice(2)}`)
    .setAudience(room)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (claims.lifetimeS ?? 8 * 3600))
    .sign(ent.privateKey);
}

export interface JoinAnswer {
  id: string;
  state: string;
  position: number | null;
  ticket: string;
  lane?: string;
  passRefused?: string;
  etaSeconds?: number | null;
}

/** A pupil's or teacher's browser: joins (from `address` when the server trusts 127.0.0.1 as a proxy). */
export async function joinOver(
  apiUrl: string,
  room: string,
  body: { key: string; pass?: string },
  address?: string,
): Promise<{ status: number; retryAfter: string | null; body: JoinAnswer }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (address !== undefined) headers['x-forwarded-for'] = address;
  const res = await fetch(`${apiUrl}/rooms/${room}/tickets`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(8000) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as JoinAnswer };
}

export async function configureOver(apiUrl: string, adminToken: string, room: string, config: object): Promise<void> {
  const res = await fetch(`${apiUrl}/admin/rooms/${room}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify(config),
  });
  assert.ok(res.status === 200 || res.status === 201, `PUT ${room}: ${res.status} ${await res.text()}`);
}
