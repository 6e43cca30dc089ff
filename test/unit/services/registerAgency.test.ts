import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { authenticateAgency } from '../../../shared/auth/authenticateAgency';
import { registerAgency } from '../../../shared/services/registerAgency';
import { FakeDirectory, FixedClock } from '../../support/fakes';

let deps: { directory: FakeDirectory; clock: FixedClock };

beforeEach(() => {
  deps = { directory: new FakeDirectory(), clock: new FixedClock() };
});

describe('registerAgency', () => {
  it('returns the secret once and keeps only its SHA-256', async () => {
    const { agency, secret } = await registerAgency(deps, {
      agencyId: '000.00.00.H41',
      name: '  UBND Tỉnh Nghệ An ',
    });

    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = deps.directory.agencies.get('000.00.00.H41');
    expect(stored).toEqual(agency);
    expect(stored).toEqual({
      agencyId: '000.00.00.H41',
      name: 'UBND Tỉnh Nghệ An',
      channel: { mode: 'inbox' },
      credentialHash: createHash('sha256').update(secret).digest('hex'),
      registeredAt: '2026-12-04T09:00:00.000Z',
    });
    expect(JSON.stringify(stored)).not.toContain(secret);
  });

  it('issues a new secret on re-registration and the old one stops working', async () => {
    const first = await registerAgency(deps, { agencyId: 'vxp.saas.03', name: 'Saas' });
    const second = await registerAgency(deps, { agencyId: 'vxp.saas.03', name: 'Saas' });

    expect(second.secret).not.toBe(first.secret);
    const headers = (secret: string) => ({
      'x-lienthong-agency': 'vxp.saas.03',
      authorization: `Bearer ${secret}`,
    });
    await expect(authenticateAgency(deps.directory, headers(first.secret))).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await expect(authenticateAgency(deps.directory, headers(second.secret))).resolves.toEqual(
      second.agency,
    );
  });

  it.each([
    ['an empty id', ''],
    ['a space', '000.00.00 H41'],
    ['a slash', '000/H41'],
    ['a path traversal', '../agencies'],
    ['a letter outside ASCII', 'Đ.00.00.H41'],
    ['65 characters', 'a'.repeat(65)],
    ['a newline', '000.00.00.H41\n'],
  ])('refuses an id with %s', async (_name, agencyId) => {
    await expect(registerAgency(deps, { agencyId, name: 'Agency' })).rejects.toMatchObject({
      code: 'INVALID_PARAMETER',
      httpStatus: 400,
    });
    expect(deps.directory.agencies.size).toBe(0);
  });

  it.each(['28.22.H17', 'vxp.saas.03', 'a', 'a'.repeat(64), 'A_b-9'])(
    'accepts id %j',
    async (id) => {
      await expect(registerAgency(deps, { agencyId: id, name: 'Agency' })).resolves.toBeDefined();
      expect(deps.directory.agencies.has(id)).toBe(true);
    },
  );

  it.each(['', '   ', '\t\n'])('refuses the empty name %j', async (name) => {
    await expect(registerAgency(deps, { agencyId: '000.00.00.H41', name })).rejects.toMatchObject({
      code: 'INVALID_PARAMETER',
    });
    expect(deps.directory.agencies.size).toBe(0);
  });
});

describe('registerAgency webhook URLs', () => {
  const register = (webhookUrl: string, allowLoopbackHttp?: boolean) =>
    registerAgency(
      deps,
      { agencyId: '000.00.00.H14', name: 'Cao Bằng', webhookUrl },
      {
        allowLoopbackHttp,
      },
    );

  it.each([
    ['https://vanban.caobang.gov.vn/hook', undefined, 'https://vanban.caobang.gov.vn/hook'],
    [
      'https://VANBAN.caobang.gov.vn:8443/a?b=c',
      undefined,
      'https://vanban.caobang.gov.vn:8443/a?b=c',
    ],
    ['http://127.0.0.1:8080/hook', true, 'http://127.0.0.1:8080/hook'],
    ['http://localhost:3000/in', true, 'http://localhost:3000/in'],
    ['http://[::1]:3000/in', true, 'http://[::1]:3000/in'],
  ])('accepts %s (loopback http allowed: %s)', async (url, allow, stored) => {
    const { agency } = await register(url, allow);
    expect(agency.channel).toEqual({ mode: 'webhook', url: stored });
    expect(deps.directory.agencies.get('000.00.00.H14')?.channel).toEqual(agency.channel);
  });

  it.each([
    ['plain http to a public host', 'http://vanban.caobang.gov.vn/hook', undefined],
    ['plain http to a public host, loopback allowed', 'http://vanban.caobang.gov.vn/hook', true],
    ['loopback http without the option', 'http://127.0.0.1:8080/hook', undefined],
    ['loopback http with the option off', 'http://localhost:8080/hook', false],
    ['a host that only starts like localhost', 'http://localhost.example.vn/hook', true],
    ['a private address that is not loopback', 'http://10.0.0.1/hook', true],
    ['a user and password', 'https://user:pw@vanban.caobang.gov.vn/hook', undefined],
    ['a user alone', 'https://user@vanban.caobang.gov.vn/hook', undefined],
    ['credentials on loopback', 'http://u:p@127.0.0.1:8080/hook', true],
    ['another scheme', 'ftp://vanban.caobang.gov.vn/hook', undefined],
    ['text that is not a URL', 'vanban.caobang.gov.vn/hook', undefined],
  ])('refuses %s', async (_name, url, allow) => {
    await expect(register(url, allow)).rejects.toMatchObject({
      code: 'INVALID_PARAMETER',
      httpStatus: 400,
    });
    expect(deps.directory.agencies.size).toBe(0);
  });
});
