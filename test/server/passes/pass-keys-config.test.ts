/** `passKeys` in the `--rooms` file, as an operator writes it in YAML: read, or refused with the line that says why. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RoomsFileError, parseRoomsFile } from '../../../src/server/room-policy/rooms-file.js';

test('a rooms file declares a room\'s pass keys; a private key or an unknown member is refused naming where', () => {
  const rooms = parseRoomsFile(
    `rooms:
  college-jean-moulin:
    capacity: 300
    passKeys:
      jwksUrl: https://ent.example/.well-known/antichambre-passes.json
      publicKeys:
        - { kty: EC, crv: P-256, kid: ent-2026, x: f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU, y: x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0 }
`,
    'rooms.yaml',
  );
  assert.equal(rooms['college-jean-moulin']?.passKeys?.jwksUrl, 'https://ent.example/.well-known/antichambre-passes.json');
  assert.equal(rooms['college-jean-moulin']?.passKeys?.publicKeys?.[0]?.kid, 'ent-2026');

  const privateKey = 'rooms:\n  college-jean-moulin:\n    passKeys: { publicKeys: [{ kty: EC, crv: P-256, x: a, y: b, d: secret }] }\n';
  assert.throws(() => parseRoomsFile(privateKey, 'rooms.yaml'), (error: unknown) => error instanceof RoomsFileError && /rooms\.college-jean-moulin\.passKeys\.publicKeys\.0: a pass key must be a public key/.test(error.message));
  const typo = 'rooms:\n  college-jean-moulin:\n    passKeys: { jwksURL: "https://ent.example/jwks.json" }\n';
  assert.throws(() => parseRoomsFile(typo, 'rooms.yaml'), /rooms\.college-jean-moulin\.passKeys\.jwksURL: unknown setting "jwksURL"$/);
});
