/**
 * The brute-force half of an ALTCHA (v1) proof of work: find n in [from, to) with
 * SHA-256(salt + decimal n) = challenge. Plain JavaScript rather than `crypto.subtle.digest`, which costs
 * one promise per try: in Chromium 78,000 tries a second against this loop's 490,000 (docs/defences.md).
 * The loop hashes the salt's full 64-byte blocks once (midstate), then one or two blocks per try.
 *
 * Self-contained on purpose (no import, no module-scope name): pow-solver.ts ships its source text to a
 * Web Worker as is (`String(searchPow)`). Returns the number, or -1 when the range holds none.
 */
export function searchPow(salt: string, challenge: string, from: number, to: number): number {
  // The 64 round constants and the initial state, derived as the standard defines them (fractional parts
  // of the cube and square roots of the first primes): smaller than the tables they replace.
  const K: number[] = [];
  const init: number[] = [];
  for (let c = 2; K.length < 64; c++) {
    let prime = true;
    for (let d = 2; d * d <= c; d++) if (c % d === 0) prime = false;
    if (prime) {
      if (init.length < 8) init.push(((Math.sqrt(c) % 1) * 2 ** 32) | 0);
      K.push(((Math.cbrt(c) % 1) * 2 ** 32) | 0);
    }
  }
  const w = new Int32Array(64);
  const compress = (state: Int32Array, block: Uint8Array, at: number): void => {
    for (let i = 0; i < 16; i++) w[i] = (block[at + 4 * i] << 24) | (block[at + 4 * i + 1] << 16) | (block[at + 4 * i + 2] << 8) | block[at + 4 * i + 3];
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15];
      const b = w[i - 2];
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    let [a, b, c, d, e, f, g, h] = state;
    for (let i = 0; i < 64; i++) {
      const t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
      const t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
  };
  const target = new Int32Array(8);
  for (let i = 0; i < 8; i++) target[i] = parseInt(challenge.slice(8 * i, 8 * i + 8), 16) | 0;
  // Salts are ASCII (hex and URL parameters): one byte per character.
  const bytes = new Uint8Array(salt.length + 64);
  for (let i = 0; i < salt.length; i++) bytes[i] = salt.charCodeAt(i);
  const full = salt.length - (salt.length % 64);
  const mid = new Int32Array(init);
  for (let at = 0; at < full; at += 64) compress(mid, bytes, at);
  const tail = new Uint8Array(128);
  const state = new Int32Array(8);
  for (let n = from; n < to; n++) {
    const digits = String(n);
    let size = 0;
    for (let i = full; i < salt.length; i++) tail[size++] = bytes[i];
    for (let i = 0; i < digits.length; i++) tail[size++] = digits.charCodeAt(i);
    const bits = (salt.length + digits.length) * 8;
    const blocks = size + 9 > 64 ? 128 : 64;
    tail[size++] = 0x80;
    tail.fill(0, size, blocks);
    // Messages here are far below 2^32 bits: the high length word stays 0.
    tail[blocks - 4] = bits >>> 24;
    tail[blocks - 3] = bits >>> 16;
    tail[blocks - 2] = bits >>> 8;
    tail[blocks - 1] = bits;
    state.set(mid);
    compress(state, tail, 0);
    if (blocks === 128) compress(state, tail, 64);
    if (state[0] === target[0] && state.every((word, i) => word === target[i])) return n;
  }
  return -1;
}
