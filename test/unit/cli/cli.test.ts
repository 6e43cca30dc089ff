import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../../cli/main';
import { captureIo } from './capture';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-'));
});
afterEach(() => {
  vi.unstubAllGlobals();
  rmSync(dir, { recursive: true, force: true });
});

/** Agency settings pointing at a loopback URL nothing listens on unless fetch is stubbed. */
function agencyEnv(): Record<string, string> {
  const key = join(dir, 'agency.key');
  return {
    LIENTHONG_URL: 'http://127.0.0.1:9',
    LIENTHONG_AGENCY: '000.00.00.G22',
    LIENTHONG_KEY_ID: 'k1',
    LIENTHONG_KEY_FILE: key,
  };
}

async function keyInto(path: string) {
  const run = captureIo();
  expect(await runCli(['keygen', '--out', path, '--json'], run.io)).toBe(0);
  return JSON.parse(run.stdout()) as { publicKeyPem: string; keyFile: string };
}

describe('lienthong usage', () => {
  it('exits 2 with the usage text without a command or with an unknown one', async () => {
    const none = captureIo();
    expect(await runCli([], none.io)).toBe(2);
    expect(none.stderr()).toContain('lienthong send FILE|FOLDER');
    const unknown = captureIo();
    expect(await runCli(['fly'], unknown.io)).toBe(2);
    expect(unknown.stderr()).toContain('unknown command fly');
  });

  it('prints help with exit 0', async () => {
    const run = captureIo();
    expect(await runCli(['ack', '--help'], run.io)).toBe(0);
    expect(run.stdout()).toContain('ack MESSAGE_ID --done|--failed');
  });

  it('exits 2 on an unknown option, naming it', async () => {
    const run = captureIo(agencyEnv());
    expect(await runCli(['inbox', '--bogus'], run.io)).toBe(2);
    expect(run.stderr()).toContain('--bogus');
  });

  it('exits 2 naming the flag and the variable of a missing setting', async () => {
    const run = captureIo({});
    expect(await runCli(['inbox'], run.io)).toBe(2);
    expect(run.stderr()).toContain('missing --url (or LIENTHONG_URL)');
  });

  it('ack needs exactly one of --done and --failed', async () => {
    for (const flags of [[], ['--done', '--failed'], ['--done', '--reason', 'x']]) {
      const run = captureIo(agencyEnv());
      expect(await runCli(['ack', 'msg_1', ...flags], run.io)).toBe(2);
    }
  });

  it('rejects a bad --limit and an unknown queue', async () => {
    expect(await runCli(['inbox', '--limit', 'ten'], captureIo(agencyEnv()).io)).toBe(2);
    expect(await runCli(['dlq', 'list', 'nowhere'], captureIo({}).io)).toBe(2);
  });
});

describe('lienthong keygen', () => {
  it('writes a PKCS#8 P-256 key with mode 0600 and prints only the public key', async () => {
    const path = join(dir, 'agency.key');
    const run = captureIo();
    expect(await runCli(['keygen', '--out', path], run.io)).toBe(0);
    const privateKey = createPrivateKey(readFileSync(path));
    expect(privateKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(run.stdout()).toContain('BEGIN PUBLIC KEY');
    expect(run.stdout()).not.toContain('PRIVATE KEY');
    // stdout is the PEM alone, so it can be redirected into a .pem file.
    expect(run.stdout().trimStart().startsWith('-----BEGIN PUBLIC KEY-----')).toBe(true);
    expect(run.stderr()).toContain(`private key written to ${path}`);
    const printed = run.stdout();
    expect(createPublicKey(printed).export({ format: 'jwk' })).toEqual(
      createPublicKey(privateKey).export({ format: 'jwk' }),
    );
  });

  it('refuses to overwrite an existing key (exit 1)', async () => {
    const path = join(dir, 'agency.key');
    await keyInto(path);
    const before = readFileSync(path, 'utf8');
    const run = captureIo();
    expect(await runCli(['keygen', '--out', path], run.io)).toBe(1);
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(run.stderr()).not.toContain('PRIVATE KEY');
  });
});

describe('lienthong send', () => {
  it('reports progress, goes on after a failure and exits 1 if any failed', async () => {
    const env = agencyEnv();
    await keyInto(env.LIENTHONG_KEY_FILE as string);
    writeFileSync(join(dir, 'a.edxml'), '<a/>');
    writeFileSync(join(dir, 'b.edxml'), '<b/>');
    writeFileSync(join(dir, 'notes.txt'), 'skip me');
    let call = 0;
    vi.stubGlobal('fetch', async () => {
      call += 1;
      if (call === 1) {
        const error = { error: { code: 'NOT_EDXML', message: 'not an edXML envelope' } };
        return new Response(JSON.stringify(error), { status: 400 });
      }
      const answer = { documentId: 'doc_2', recipients: ['x'], duplicate: false };
      return new Response(JSON.stringify(answer), { status: 202 });
    });
    const run = captureIo(env);
    expect(await runCli(['send', dir], run.io)).toBe(1);
    expect(run.out).toEqual([
      '[1/2] a.edxml ✗ NOT_EDXML: not an edXML envelope (HTTP 400)',
      '[2/2] b.edxml → doc_2',
      '1 sent, 1 failed',
    ]);
    expect(run.stdout()).not.toContain('<a/>');
  });

  it('prints one JSON document with --json', async () => {
    const env = agencyEnv();
    await keyInto(env.LIENTHONG_KEY_FILE as string);
    const file = join(dir, 'a.edxml');
    writeFileSync(file, '<a/>');
    const answer = { documentId: 'doc_1', recipients: ['x'], duplicate: true };
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify(answer), { status: 202 }));
    const run = captureIo(env);
    expect(await runCli(['send', file, '--json'], run.io)).toBe(0);
    expect(JSON.parse(run.stdout())).toEqual({
      ok: true,
      results: [{ file, ok: true, ...answer }],
    });
  });

  it('exits 1 with the axis error code when the axis refuses', async () => {
    const env = agencyEnv();
    await keyInto(env.LIENTHONG_KEY_FILE as string);
    const error = { error: { code: 'UNAUTHENTICATED', message: 'unknown key' } };
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify(error), { status: 401 }));
    const run = captureIo(env);
    expect(await runCli(['inbox', '--json'], run.io)).toBe(1);
    expect(JSON.parse(run.stdout())).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
    expect(run.stderr()).toContain('UNAUTHENTICATED');
  });

  it('does not show a broken key file in its error', async () => {
    const env = agencyEnv();
    writeFileSync(env.LIENTHONG_KEY_FILE as string, 'SECRET-MATERIAL');
    const run = captureIo(env);
    expect(await runCli(['inbox'], run.io)).toBe(2);
    expect(run.stderr()).toContain('is not a PEM private key');
    expect(run.stderr()).not.toContain('SECRET-MATERIAL');
  });
});
