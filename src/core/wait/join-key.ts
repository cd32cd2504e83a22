/**
 * The idempotency key of a join: 32 random bytes as 64 hex characters, made and stored before the first
 * try so that a join retried after a timeout is recognised by the server instead of taking a second place.
 */
export function makeJoinKey(getRandomValues: (bytes: Uint8Array) => Uint8Array = (bytes) => crypto.getRandomValues(bytes)): string {
  let key = '';
  for (const byte of getRandomValues(new Uint8Array(32))) key += (byte + 256).toString(16).slice(1);
  return key;
}
