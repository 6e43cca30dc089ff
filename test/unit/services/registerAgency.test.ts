import { generateKeyPairSync } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { authenticateAgency } from '#shared/auth/authenticateAgency';
import { type AgencyCredential, generateAgencyKey, signRequest } from '#shared/client/signRequest';
import type { SignaturePolicy } from '#shared/domain/records';
import { type RegisterAgencyInput, registerAgency } from '#shared/services/registerAgency';
import { FakeDirectory, FakeNonces, FixedClock } from '../../support/fakes';

let deps: { directory: FakeDirectory; clock: FixedClock };

beforeEach(() => {
  deps = { directory: new FakeDirectory(), clock: new FixedClock() };
});

/** A valid registration of `agencyId`, with one fresh key, changed by `overrides`. */
function input(agencyId: string, overrides: Partial<RegisterAgencyInput> = {}) {
  return {
    agencyId,
    name: 'Agency',
    keys: [{ keyId: 'k1', publicKeySpki: generateAgencyKey().publicKeySpki }],
    signaturePolicy: 'report' as const,
    ...overrides,
  } satisfies RegisterAgencyInput;
}

/** Whether the axis, as it stands in `deps.directory`, accepts a GET signed by `credential`. */
function signedGet(credential: AgencyCredential) {
  const headers = signRequest(credential, {
    method: 'GET',
    path: '/v1/inbox',
    now: deps.clock.now(),
  });
  return authenticateAgency(
    { directory: deps.directory, nonces: new FakeNonces(), clock: deps.clock },
    { method: 'GET', path: '/v1/inbox', query: {}, headers, body: new Uint8Array() },
  );
}

describe('registerAgency', () => {
  it('keeps the public keys, the policy and the units, and nothing that could sign', async () => {
    const key = generateAgencyKey();

    const result = await registerAgency(deps, {
      agencyId: '000.00.00.H41',
      name: '  UBND Tỉnh Nghệ An ',
      keys: [{ keyId: '2026-01', publicKeySpki: key.publicKeySpki }],
      signaturePolicy: 'optional',
      sendsFor: ['000.00.00.H41.01', '000.00.00.H41.02', '000.00.00.H41.01'],
    });

    expect(Object.keys(result)).toEqual(['agency']);
    const stored = deps.directory.agencies.get('000.00.00.H41');
    expect(stored).toEqual(result.agency);
    expect(stored).toEqual({
      agencyId: '000.00.00.H41',
      name: 'UBND Tỉnh Nghệ An',
      channel: { mode: 'inbox' },
      keys: [
        { keyId: '2026-01', publicKeySpki: key.publicKeySpki, addedAt: '2026-12-04T09:00:00.000Z' },
      ],
      signaturePolicy: 'optional',
      sendsFor: ['000.00.00.H41.01', '000.00.00.H41.02'],
      registeredAt: '2026-12-04T09:00:00.000Z',
    });
    const privateDer = key.privateKey.export({ format: 'der', type: 'pkcs8' });
    const privateD = key.privateKey.export({ format: 'jwk' }).d ?? '';
    expect(privateD).not.toBe('');
    const text = JSON.stringify(stored);
    expect(text).not.toContain(privateDer.toString('base64'));
    expect(text).not.toContain(privateD);
  });

  it('replaces the keys on re-registration: the old key stops working', async () => {
    const first = generateAgencyKey();
    const second = generateAgencyKey();
    const keyOf = (publicKeySpki: string) => [{ keyId: 'k1', publicKeySpki }];
    await registerAgency(deps, input('vxp.saas.03', { keys: keyOf(first.publicKeySpki) }));
    const { agency } = await registerAgency(
      deps,
      input('vxp.saas.03', { keys: keyOf(second.publicKeySpki) }),
    );

    const credential = (privateKey: AgencyCredential['privateKey']) => ({
      agencyId: 'vxp.saas.03',
      keyId: 'k1',
      privateKey,
    });
    await expect(signedGet(credential(first.privateKey))).rejects.toMatchObject({
      code: 'BAD_REQUEST_SIGNATURE',
      httpStatus: 401,
    });
    await expect(signedGet(credential(second.privateKey))).resolves.toEqual(agency);
  });

  it('accepts requests signed with any of its keys, each under its own id', async () => {
    const current = generateAgencyKey();
    const next = generateAgencyKey();
    const { agency } = await registerAgency(
      deps,
      input('000.00.00.H14', {
        keys: [
          { keyId: '2026-01', publicKeySpki: current.publicKeySpki },
          { keyId: '2026-07', publicKeySpki: next.publicKeySpki },
        ],
      }),
    );

    const as = (keyId: string, privateKey: AgencyCredential['privateKey']) =>
      signedGet({ agencyId: '000.00.00.H14', keyId, privateKey });
    await expect(as('2026-01', current.privateKey)).resolves.toEqual(agency);
    await expect(as('2026-07', next.privateKey)).resolves.toEqual(agency);
    // A key is bound to its id: the other key's id does not make it valid.
    await expect(as('2026-07', current.privateKey)).rejects.toMatchObject({
      code: 'BAD_REQUEST_SIGNATURE',
    });
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
    await expect(registerAgency(deps, input(agencyId))).rejects.toMatchObject({
      code: 'INVALID_PARAMETER',
      httpStatus: 400,
    });
    expect(deps.directory.agencies.size).toBe(0);
  });

  it.each(['28.22.H17', 'vxp.saas.03', 'a', 'a'.repeat(64), 'A_b-9'])(
    'accepts id %j',
    async (id) => {
      await expect(registerAgency(deps, input(id))).resolves.toBeDefined();
      expect(deps.directory.agencies.has(id)).toBe(true);
    },
  );

  it.each(['', '   ', '\t\n'])('refuses the empty name %j', async (name) => {
    await expect(registerAgency(deps, input('000.00.00.H41', { name }))).rejects.toMatchObject({
      code: 'INVALID_PARAMETER',
    });
    expect(deps.directory.agencies.size).toBe(0);
  });
});

describe('registerAgency request-signing keys', () => {
  const spki = (key: { export(options: { format: 'der'; type: 'spki' }): Buffer }) =>
    key.export({ format: 'der', type: 'spki' }).toString('base64');
  const p256 = () => generateAgencyKey().publicKeySpki;

  it.each<[string, () => RegisterAgencyInput['keys']]>([
    ['no key at all', () => []],
    [
      'a P-384 key',
      () => [
        {
          keyId: 'k1',
          publicKeySpki: spki(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey),
        },
      ],
    ],
    [
      'an Ed25519 key',
      () => [{ keyId: 'k1', publicKeySpki: spki(generateKeyPairSync('ed25519').publicKey) }],
    ],
    [
      'an RSA key',
      () => [
        {
          keyId: 'k1',
          publicKeySpki: spki(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey),
        },
      ],
    ],
    ['bytes that are not DER', () => [{ keyId: 'k1', publicKeySpki: 'bm90IGEga2V5' }]],
    ['an empty key', () => [{ keyId: 'k1', publicKeySpki: '' }]],
    [
      'the same key id twice',
      () => [
        { keyId: 'k1', publicKeySpki: p256() },
        { keyId: 'k1', publicKeySpki: p256() },
      ],
    ],
    ['an empty key id', () => [{ keyId: '', publicKeySpki: p256() }]],
    ['a key id with a space', () => [{ keyId: 'key 1', publicKeySpki: p256() }]],
    ['a key id of 65 characters', () => [{ keyId: 'k'.repeat(65), publicKeySpki: p256() }]],
  ])('refuses %s with INVALID_PARAMETER and stores nothing', async (_name, keys) => {
    await expect(
      registerAgency(deps, input('000.00.00.H41', { keys: keys() })),
    ).rejects.toMatchObject({ code: 'INVALID_PARAMETER', httpStatus: 400 });
    expect(deps.directory.agencies.size).toBe(0);
  });

  it.each<SignaturePolicy>(['required', 'optional', 'report'])(
    'keeps the signature policy %s',
    async (signaturePolicy) => {
      const { agency } = await registerAgency(deps, input('000.00.00.H41', { signaturePolicy }));
      expect(agency.signaturePolicy).toBe(signaturePolicy);
    },
  );

  it.each(['strict', '', 'REQUIRED'])('refuses the signature policy %j', async (policy) => {
    const registration = input('000.00.00.H41', {
      signaturePolicy: policy as SignaturePolicy,
    });
    await expect(registerAgency(deps, registration)).rejects.toMatchObject({
      code: 'INVALID_PARAMETER',
    });
    expect(deps.directory.agencies.size).toBe(0);
  });

  it.each([
    ['an empty unit', ''],
    ['a unit with a slash', '000.00.00.H41/01'],
    ['a unit of 65 characters', 'u'.repeat(65)],
  ])('refuses to send for %s', async (_name, unit) => {
    const registration = input('000.00.00.H41', { sendsFor: ['000.00.00.H41.01', unit] });
    await expect(registerAgency(deps, registration)).rejects.toMatchObject({
      code: 'INVALID_PARAMETER',
    });
    expect(deps.directory.agencies.size).toBe(0);
  });

  it('sends for nobody else unless told', async () => {
    const { agency } = await registerAgency(deps, input('000.00.00.H41'));
    expect(agency.sendsFor).toEqual([]);
  });
});

describe('registerAgency webhook URLs', () => {
  const register = (webhookUrl: string, allowLoopbackHttp?: boolean) =>
    registerAgency(deps, input('000.00.00.H14', { name: 'Cao Bằng', webhookUrl }), {
      allowLoopbackHttp,
    });

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
