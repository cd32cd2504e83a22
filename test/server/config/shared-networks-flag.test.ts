/** `--shared-networks` (env ANTICHAMBRE_SHARED_NETWORKS): the networks whose pupils share one address. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseConfig } from '../../../src/server/config/config.js';
import { runCli } from '../../../src/server/config/cli.js';

test('--shared-networks takes IPv4 and IPv6 CIDRs (or addresses), from the flag or the environment', () => {
  const none = parseConfig([], {});
  assert.ok(none !== 'help');
  assert.deepEqual(none.sharedNetworks, [], 'none by default: every address is one client');
  const given = parseConfig(['--shared-networks', '192.0.2.0/24, 2001:db8:5c::/48,100.64.0.0/10, 198.51.100.7'], {});
  assert.ok(given !== 'help');
  assert.deepEqual(given.sharedNetworks, ['192.0.2.0/24', '2001:db8:5c::/48', '100.64.0.0/10', '198.51.100.7']);
  const fromEnv = parseConfig([], { ANTICHAMBRE_SHARED_NETWORKS: '10.20.0.0/16' });
  assert.ok(fromEnv !== 'help');
  assert.deepEqual(fromEnv.sharedNetworks, ['10.20.0.0/16']);
  for (const bad of ['192.0.2.0/33', '2001:db8::/129', 'college-jean-moulin', '192.0.2.0/24;10.0.0.0/8', '300.1.2.0/24']) {
    assert.throws(
      () => parseConfig(['--shared-networks', bad], {}),
      (e) => e instanceof ConfigError && /^--shared-networks: ".+" is not an IPv4 or IPv6 network/.test(e.message),
      bad,
    );
  }
});

test('a bad CIDR in --shared-networks stops the start with one line and exit code 2', async () => {
  const lines: string[] = [];
  const server = await runCli(['--port', '0', '--shared-networks', '192.0.2.0/24,192.0.2.0/33'], {}, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  const exitCode = process.exitCode;
  process.exitCode = 0;
  assert.equal(server, null);
  assert.equal(exitCode, 2);
  assert.deepEqual(lines, ['antichambre: --shared-networks: "192.0.2.0/33" is not an IPv4 or IPv6 network; give CIDRs (192.0.2.0/24, 2001:db8::/48) or addresses, comma-separated']);
});
