import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const LAUNCHER = fileURLToPath(new URL('../../../cli/lienthong.mjs', import.meta.url));

/** Runs the `lienthong` launcher as a process, as the package's bin would. */
function lienthong(args: string[]) {
  const run = spawnSync(process.execPath, [LAUNCHER, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
    timeout: 30_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('the lienthong launcher', () => {
  it('prints help with exit 0 and exits 2 on a usage error', () => {
    const help = lienthong(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('lienthong keygen --out agency.key');
    const usage = lienthong(['inbox']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('missing --url (or LIENTHONG_URL)');
  }, 60_000);
});
