import { createHash, createPublicKey, sign, verify } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { authenticateAgency, type IncomingRequest } from '#shared/auth/authenticateAgency';
import {
  AUTH_HEADERS,
  canonicalRequest,
  REPLAY_WINDOW_SECONDS,
  SCHEME,
} from '#shared/auth/requestSignature';
import { type AgencyCredential, generateAgencyKey, signRequest } from '#shared/client/signRequest';
import { AxisError } from '#shared/domain/AxisError';
import type { NonceStore } from '#shared/domain/ports';
import { registerAgency } from '#shared/services/registerAgency';
import {
  GOVERNMENT_OFFICE,
  impostorOf,
  NGHE_AN,
  type Registered,
  registerAgencies,
  registeredAs,
  TEST_KEY_ID,
} from '../../support/agencies';
import { FakeDirectory, FakeNonces, FixedClock } from '../../support/fakes';

/** An agency with two keys, to show that each signature is bound to its key id. */
const ROTATING = '000.00.00.H14';
const ROTATING_KEYS = { current: generateAgencyKey(), next: generateAgencyKey() };

const BODY = Buffer.from('<edXML:edXML>văn bản</edXML:edXML>');
const OTHER_BODY = Buffer.from('<edXML:edXML>văn bản khác</edXML:edXML>');
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const MISSING = /^sign the request with LT1-ES256: send x-lienthong-agency, /;
const WRONG_SCHEME = 'the authorization header must be "LT1-ES256 <signature>"';
const BAD_NONCE = 'the nonce must be 16 to 64 URL-safe characters';
const UNKNOWN = 'unknown agency or key';

let directory: FakeDirectory;
let nonces: FakeNonces;
let clock: FixedClock;
let agencies: Map<string, Registered>;

beforeEach(async () => {
  directory = new FakeDirectory();
  nonces = new FakeNonces();
  clock = new FixedClock();
  agencies = await registerAgencies({ directory, clock }, [GOVERNMENT_OFFICE, NGHE_AN]);
  await registerAgency(
    { directory, clock },
    {
      agencyId: ROTATING,
      name: 'UBND Tỉnh Cao Bằng',
      keys: [
        { keyId: '2026-01', publicKeySpki: ROTATING_KEYS.current.publicKeySpki },
        { keyId: '2026-07', publicKeySpki: ROTATING_KEYS.next.publicKeySpki },
      ],
      signaturePolicy: 'report',
    },
  );
});

const own = (agencyId = GOVERNMENT_OFFICE) => registeredAs(agencies, agencyId).credential;

interface Signing {
  readonly credential?: AgencyCredential;
  readonly method?: string;
  readonly path?: string;
  readonly query?: Record<string, string>;
  readonly body?: Uint8Array;
  /** Seconds from the axis's clock at which the request is signed. */
  readonly skewSeconds?: number;
  readonly nonce?: string;
}

/** A request exactly as the agency's software signs and sends it. */
function signed(signing: Signing = {}): IncomingRequest {
  const method = signing.method ?? 'POST';
  const path = signing.path ?? '/v1/documents';
  const query = signing.query ?? {};
  const body = signing.body ?? BODY;
  const now = new Date(clock.now().getTime() + (signing.skewSeconds ?? 0) * 1000);
  const headers = signRequest(signing.credential ?? own(), {
    method,
    path,
    query,
    body,
    now,
    ...(signing.nonce ? { nonce: signing.nonce } : {}),
  });
  return { method, path, query, headers, body };
}

/** The same request with some headers replaced (undefined: removed). */
function withHeaders(
  request: IncomingRequest,
  changes: Record<string, string | undefined>,
): IncomingRequest {
  const headers: Record<string, string | undefined> = { ...request.headers, ...changes };
  for (const [name, value] of Object.entries(changes))
    if (value === undefined) delete headers[name];
  return { ...request, headers };
}

const authenticate = (request: IncomingRequest) =>
  authenticateAgency({ directory, nonces, clock }, request);

/** The refusal `request` gets; fails the test if it is accepted. */
async function refusal(request: IncomingRequest): Promise<AxisError> {
  const outcome = await authenticate(request).then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof AxisError)) throw new Error(`expected an AxisError, got ${outcome}`);
  return outcome;
}

const signatureOf = (request: IncomingRequest) =>
  String(request.headers.authorization).split(' ')[1] as string;

describe('authenticateAgency: a correctly signed request', () => {
  it('answers the agency that signed it and spends its nonce', async () => {
    const request = signed();
    await expect(authenticate(request)).resolves.toEqual(
      registeredAs(agencies, GOVERNMENT_OFFICE).agency,
    );
    expect([...nonces.spent]).toEqual([
      `${GOVERNMENT_OFFICE}#${request.headers['x-lienthong-nonce']}`,
    ]);
  });

  it.each<[string, () => IncomingRequest]>([
    [
      'a GET without a body',
      () => signed({ method: 'GET', path: '/v1/inbox', body: new Uint8Array() }),
    ],
    [
      'a GET with query parameters',
      () => signed({ method: 'GET', path: '/v1/inbox', query: { limit: '10', cursor: 'abc' } }),
    ],
    [
      'query values that need encoding',
      () => signed({ method: 'GET', path: '/v1/inbox', query: { cursor: 'a b&c=d/é+' } }),
    ],
    ['a lower-case method', () => ({ ...signed({ method: 'post' }), method: 'POST' })],
    [
      'header values with spaces around them',
      () => {
        const request = signed();
        const padded = Object.fromEntries(
          Object.entries(request.headers).map(([name, value]) => [name, `  ${value}\t`]),
        );
        return { ...request, headers: padded };
      },
    ],
    [
      'several spaces between the scheme and the signature',
      () => {
        const request = signed();
        return withHeaders(request, { authorization: `${SCHEME}   ${signatureOf(request)}` });
      },
    ],
    [
      'the scheme in lower case (scheme names are case-insensitive, RFC 9110 §11.1)',
      () => {
        const request = signed();
        return withHeaders(request, {
          authorization: `${SCHEME.toLowerCase()} ${signatureOf(request)}`,
        });
      },
    ],
    [
      'an upper-case body digest',
      () => {
        const request = signed();
        const digest = String(request.headers['x-lienthong-content-sha256']).toUpperCase();
        return withHeaders(request, { 'x-lienthong-content-sha256': digest });
      },
    ],
    ['a nonce of 16 characters', () => signed({ nonce: 'a'.repeat(16) })],
    ['a nonce of 64 characters', () => signed({ nonce: 'Z'.repeat(64) })],
    ['a nonce with - and _', () => signed({ nonce: 'abc-DEF_123-xyz_' })],
    [
      'the first of two keys',
      () =>
        signed({
          credential: {
            agencyId: ROTATING,
            keyId: '2026-01',
            privateKey: ROTATING_KEYS.current.privateKey,
          },
        }),
    ],
    [
      'the second of two keys',
      () =>
        signed({
          credential: {
            agencyId: ROTATING,
            keyId: '2026-07',
            privateKey: ROTATING_KEYS.next.privateKey,
          },
        }),
    ],
  ])('accepts %s', async (_name, build) => {
    const request = build();
    const agency = await authenticate(request);
    expect(agency.agencyId).toBe(request.headers['x-lienthong-agency']?.trim());
    expect(nonces.spent.size).toBe(1);
  });

  it.each([
    ['in reverse order', { limit: '10', cursor: 'abc' }, { cursor: 'abc', limit: '10' }],
    ['in another order', { b: '2', a: '1', c: '3' }, { c: '3', a: '1', b: '2' }],
    ['with an absent parameter among them', { limit: '10' }, { cursor: undefined, limit: '10' }],
  ])('does not care about query parameter order: %s', async (_name, signedQuery, sentQuery) => {
    const request = signed({
      method: 'GET',
      path: '/v1/inbox',
      query: signedQuery,
      body: new Uint8Array(),
    });
    await expect(authenticate({ ...request, query: sentQuery })).resolves.toMatchObject({
      agencyId: GOVERNMENT_OFFICE,
    });
  });
});

describe('authenticateAgency: missing or malformed credentials', () => {
  it.each(Object.values(AUTH_HEADERS))(
    'refuses a request without %s as UNAUTHENTICATED',
    async (name) => {
      const error = await refusal(withHeaders(signed(), { [name]: undefined }));
      expect(error).toMatchObject({ code: 'UNAUTHENTICATED', httpStatus: 401 });
      expect(error.message).toMatch(MISSING);
      expect(nonces.spent.size).toBe(0);
    },
  );

  it.each(Object.values(AUTH_HEADERS))('refuses an empty %s as UNAUTHENTICATED', async (name) => {
    const error = await refusal(withHeaders(signed(), { [name]: '   ' }));
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', httpStatus: 401 });
    expect(error.message).toMatch(MISSING);
  });

  it.each<[string, (request: IncomingRequest) => IncomingRequest]>([
    ['no headers at all', (request) => ({ ...request, headers: {} })],
    [
      'the scheme without a signature',
      (request) => withHeaders(request, { authorization: SCHEME }),
    ],
    [
      'a bare signature without the scheme',
      (request) => withHeaders(request, { authorization: signatureOf(request) }),
    ],
  ])('refuses %s as UNAUTHENTICATED and says what to send', async (_name, change) => {
    const error = await refusal(change(signed()));
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', httpStatus: 401 });
    expect(error.message).toMatch(MISSING);
  });

  it('refuses words after the signature in the authorization header', async () => {
    const request = signed();
    const error = await refusal(
      withHeaders(request, { authorization: `LT1-ES256 ${signatureOf(request)} extra` }),
    );
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', message: WRONG_SCHEME });
    expect(nonces.spent.size).toBe(0);
  });

  it.each(['Bearer', 'Basic', 'LT1-ES384', 'LT1ES256', 'LT2-ES256', 'AWS4-HMAC-SHA256'])(
    'refuses the scheme %s as UNAUTHENTICATED',
    async (scheme) => {
      const request = signed();
      const error = await refusal(
        withHeaders(request, { authorization: `${scheme} ${signatureOf(request)}` }),
      );
      expect(error).toMatchObject({
        code: 'UNAUTHENTICATED',
        httpStatus: 401,
        message: WRONG_SCHEME,
      });
      expect(nonces.spent.size).toBe(0);
    },
  );

  it.each([
    ['15 characters', 'a'.repeat(15)],
    ['65 characters', 'a'.repeat(65)],
    ['a plus sign', `${'a'.repeat(15)}+`],
    ['a slash', `${'a'.repeat(15)}/`],
    ['base64 padding', `${'a'.repeat(15)}=`],
    ['a space inside', `${'a'.repeat(8)} ${'a'.repeat(8)}`],
    ['a letter outside ASCII', `${'a'.repeat(15)}ă`],
  ])('refuses a nonce with %s as UNAUTHENTICATED', async (_name, nonce) => {
    const error = await refusal(signed({ nonce }));
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', httpStatus: 401, message: BAD_NONCE });
    expect(nonces.spent.size).toBe(0);
  });
});

describe('authenticateAgency: time and replay', () => {
  it.each([
    ['301 s in the past', -301],
    ['301 s in the future', 301],
    ['an hour in the past', -3600],
    ['a day in the future', 86_400],
  ])('refuses a timestamp %s as STALE_TIMESTAMP', async (_name, skewSeconds) => {
    const error = await refusal(signed({ skewSeconds }));
    expect(error).toMatchObject({ code: 'STALE_TIMESTAMP', httpStatus: 401 });
    expect(error.message).toContain(`${REPLAY_WINDOW_SECONDS} s`);
    expect(nonces.spent.size).toBe(0);
  });

  it.each([
    ['milliseconds', '1796374800000'],
    ['an ISO date', '2026-12-04T09:00:00Z'],
    ['a negative number', '-1'],
    ['a fraction', '1796374800.5'],
    ['zero', '0'],
    ['text', 'now'],
  ])('refuses a timestamp in %s as STALE_TIMESTAMP', async (_name, timestamp) => {
    const error = await refusal(withHeaders(signed(), { 'x-lienthong-timestamp': timestamp }));
    expect(error).toMatchObject({ code: 'STALE_TIMESTAMP', httpStatus: 401 });
  });

  it.each([
    ['exactly 300 s in the past', -300],
    ['299 s in the past', -299],
    ['exactly 300 s in the future', 300],
    ['299 s in the future', 299],
    ['on time', 0],
  ])('accepts a timestamp %s', async (_name, skewSeconds) => {
    await expect(authenticate(signed({ skewSeconds }))).resolves.toMatchObject({
      agencyId: GOVERNMENT_OFFICE,
    });
  });

  it.each([
    ['300 s in the past', -300],
    ['on time', 0],
    ['300 s in the future', 300],
  ])('keeps a nonce signed %s until its timestamp can no longer pass', async (_name, skew) => {
    const claims: Array<{ agencyId: string; nonce: string; expiresAt: Date }> = [];
    const recording: NonceStore = {
      claim: (agencyId, nonce, expiresAt) => {
        claims.push({ agencyId, nonce, expiresAt });
        return nonces.claim(agencyId, nonce);
      },
    };
    const request = signed({ skewSeconds: skew });

    await authenticateAgency({ directory, nonces: recording, clock }, request);

    const signedAt = Number(request.headers['x-lienthong-timestamp']) * 1000;
    expect(claims).toEqual([
      {
        agencyId: GOVERNMENT_OFFICE,
        nonce: request.headers['x-lienthong-nonce'],
        expiresAt: expect.any(Date),
      },
    ]);
    expect(claims[0]?.expiresAt.getTime()).toBeGreaterThanOrEqual(
      signedAt + REPLAY_WINDOW_SECONDS * 1000,
    );
  });

  it.each<[string, (first: IncomingRequest) => IncomingRequest]>([
    ['the same request again', (first) => first],
    [
      'the same request a minute later',
      (first) => {
        clock.advance(60_000);
        return first;
      },
    ],
    [
      'another request signed with the same nonce',
      (first) =>
        signed({
          method: 'GET',
          path: '/v1/inbox',
          body: new Uint8Array(),
          nonce: String(first.headers['x-lienthong-nonce']),
        }),
    ],
  ])('refuses %s as REPLAYED_REQUEST', async (_name, replay) => {
    const first = signed();
    await expect(authenticate(first)).resolves.toMatchObject({ agencyId: GOVERNMENT_OFFICE });

    const error = await refusal(replay(first));

    expect(error).toMatchObject({ code: 'REPLAYED_REQUEST', httpStatus: 401 });
    expect(nonces.spent.size).toBe(1);
  });

  it('lets two agencies use the same nonce, each once', async () => {
    const nonce = 'shared-nonce-0001';
    await expect(authenticate(signed({ nonce }))).resolves.toMatchObject({
      agencyId: GOVERNMENT_OFFICE,
    });
    await expect(authenticate(signed({ nonce, credential: own(NGHE_AN) }))).resolves.toMatchObject({
      agencyId: NGHE_AN,
    });
    expect((await refusal(signed({ nonce, credential: own(NGHE_AN) }))).code).toBe(
      'REPLAYED_REQUEST',
    );
  });
});

describe('authenticateAgency: forged and altered requests', () => {
  const rotating = (keyId: string, privateKey: AgencyCredential['privateKey']) => ({
    agencyId: ROTATING,
    keyId,
    privateKey,
  });

  it.each<[string, () => IncomingRequest]>([
    [
      'signed with a key the axis never saw',
      () => signed({ credential: impostorOf(GOVERNMENT_OFFICE) }),
    ],
    [
      "signed with another agency's key, claiming this one",
      () => signed({ credential: { ...own(NGHE_AN), agencyId: GOVERNMENT_OFFICE } }),
    ],
    [
      "signed with the agency's other key under this key's id",
      () => signed({ credential: rotating('2026-07', ROTATING_KEYS.current.privateKey) }),
    ],
    [
      'a valid signature over another path',
      () => ({ ...signed({ path: '/v1/statuses' }), path: '/v1/documents' }),
    ],
    [
      'a valid signature over another method',
      () => ({ ...signed({ method: 'PUT' }), method: 'POST' }),
    ],
    [
      'a valid signature over another query value',
      () => ({
        ...signed({ method: 'GET', path: '/v1/inbox', query: { limit: '10' } }),
        query: { limit: '100' },
      }),
    ],
    [
      'a valid signature without a query parameter that was sent',
      () => ({ ...signed({ method: 'GET', path: '/v1/inbox' }), query: { limit: '10' } }),
    ],
    [
      'a valid signature with a query parameter that was not sent',
      () => ({
        ...signed({ method: 'GET', path: '/v1/inbox', query: { limit: '10' } }),
        query: {},
      }),
    ],
    [
      'a valid signature over another body digest',
      () =>
        withHeaders(
          { ...signed(), body: OTHER_BODY },
          { 'x-lienthong-content-sha256': createHash('sha256').update(OTHER_BODY).digest('hex') },
        ),
    ],
    [
      'the timestamp changed within the window',
      () => {
        const request = signed();
        const later = String(Number(request.headers['x-lienthong-timestamp']) + 1);
        return withHeaders(request, { 'x-lienthong-timestamp': later });
      },
    ],
    [
      'the nonce changed',
      () => withHeaders(signed(), { 'x-lienthong-nonce': 'another-nonce-0001' }),
    ],
    ['the agency changed', () => withHeaders(signed(), { 'x-lienthong-agency': NGHE_AN })],
    [
      'the key id changed to the agency’s other key',
      () =>
        withHeaders(signed({ credential: rotating('2026-01', ROTATING_KEYS.current.privateKey) }), {
          'x-lienthong-key-id': '2026-07',
        }),
    ],
    [
      'one bit of the signature flipped',
      () => {
        const request = signed();
        const bytes = Buffer.from(signatureOf(request), 'base64url');
        bytes[10] = (bytes[10] ?? 0) ^ 1;
        return withHeaders(request, { authorization: `${SCHEME} ${bytes.toString('base64url')}` });
      },
    ],
    [
      'a truncated signature',
      () => {
        const request = signed();
        return withHeaders(request, {
          authorization: `${SCHEME} ${signatureOf(request).slice(0, 40)}`,
        });
      },
    ],
    [
      'the signature DER-encoded instead of r||s',
      () => {
        const request = signed();
        const text = canonicalRequest({
          ...request,
          agencyId: GOVERNMENT_OFFICE,
          keyId: TEST_KEY_ID,
          timestamp: String(request.headers['x-lienthong-timestamp']),
          nonce: String(request.headers['x-lienthong-nonce']),
          contentSha256: String(request.headers['x-lienthong-content-sha256']),
        });
        const der = sign('sha256', Buffer.from(text), own().privateKey).toString('base64url');
        return withHeaders(request, { authorization: `${SCHEME} ${der}` });
      },
    ],
    [
      'a signature of zeros',
      () => withHeaders(signed(), { authorization: `${SCHEME} ${'A'.repeat(86)}` }),
    ],
    [
      'a signature that is not base64url',
      () => withHeaders(signed(), { authorization: `${SCHEME} !!!!` }),
    ],
  ])('refuses %s as BAD_REQUEST_SIGNATURE', async (_name, request) => {
    const error = await refusal(request());
    expect(error).toMatchObject({ code: 'BAD_REQUEST_SIGNATURE', httpStatus: 401 });
    expect(nonces.spent.size).toBe(0);
  });

  it.each<[string, () => IncomingRequest]>([
    ['another body', () => ({ ...signed(), body: OTHER_BODY })],
    ['a byte appended', () => ({ ...signed(), body: Buffer.concat([BODY, Buffer.from('\n')]) })],
    ['the body dropped', () => ({ ...signed(), body: new Uint8Array() })],
    [
      'a body added to a GET',
      () => ({
        ...signed({ method: 'GET', path: '/v1/inbox', body: new Uint8Array() }),
        body: BODY,
      }),
    ],
    [
      'a digest that is not hex',
      () => withHeaders(signed(), { 'x-lienthong-content-sha256': 'not-a-digest' }),
    ],
  ])(
    'refuses a body changed after signing (%s) as BODY_DIGEST_MISMATCH',
    async (_name, request) => {
      const error = await refusal(request());
      expect(error).toMatchObject({ code: 'BODY_DIGEST_MISMATCH', httpStatus: 401 });
      expect(nonces.spent.size).toBe(0);
    },
  );
});

describe('authenticateAgency: unknown agencies and keys', () => {
  it.each<[string, () => IncomingRequest]>([
    ['an unknown agency', () => signed({ credential: impostorOf('000.00.00.X00') })],
    ['an unknown key id', () => signed({ credential: { ...own(), keyId: 'retired-2025' } })],
    ['an over-long agency id', () => signed({ credential: impostorOf('a'.repeat(200)) })],
    ["another agency's key id", () => signed({ credential: { ...own(), keyId: '2026-01' } })],
  ])('refuses %s as UNAUTHENTICATED with the same message', async (_name, request) => {
    const error = await refusal(request());
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', httpStatus: 401, message: UNKNOWN });
    expect(nonces.spent.size).toBe(0);
  });

  it('gives an unknown agency and an unknown key exactly the same answer', async () => {
    const agency = await refusal(signed({ credential: impostorOf('000.00.00.X00') }));
    const key = await refusal(signed({ credential: { ...own(), keyId: 'k-unknown' } }));
    expect({ code: agency.code, message: agency.message, status: agency.httpStatus }).toEqual({
      code: key.code,
      message: key.message,
      status: key.httpStatus,
    });
    expect(agency.details).toBeUndefined();
    expect(key.details).toBeUndefined();
  });
});

describe('authenticateAgency: a refused request does not spend its nonce', () => {
  const nonce = 'kept-for-later-0001';

  it.each<[string, () => IncomingRequest, string]>([
    [
      'a forged signature',
      () => signed({ nonce, credential: impostorOf(GOVERNMENT_OFFICE) }),
      'BAD_REQUEST_SIGNATURE',
    ],
    ['a changed body', () => ({ ...signed({ nonce }), body: OTHER_BODY }), 'BODY_DIGEST_MISMATCH'],
    ['a stale timestamp', () => signed({ nonce, skewSeconds: -600 }), 'STALE_TIMESTAMP'],
    [
      'an unknown key id',
      () => signed({ nonce, credential: { ...own(), keyId: 'nope' } }),
      'UNAUTHENTICATED',
    ],
  ])('after %s, a correct request with that nonce succeeds', async (_name, bad, code) => {
    expect((await refusal(bad())).code).toBe(code);

    await expect(authenticate(signed({ nonce }))).resolves.toMatchObject({
      agencyId: GOVERNMENT_OFFICE,
    });
    expect([...nonces.spent]).toEqual([`${GOVERNMENT_OFFICE}#${nonce}`]);
  });
});

describe('canonicalRequest', () => {
  it('is the exact text below for a fixed request', () => {
    const text = canonicalRequest({
      method: 'get',
      path: '/v1/inbox',
      query: { limit: '10', cursor: 'a b&c=d', ä: 'ö', skipped: undefined },
      agencyId: '000.00.00.G22',
      keyId: '2026-01',
      timestamp: '1796374800',
      nonce: '3q2-7wZk_AbCdEfGh',
      contentSha256: EMPTY_SHA256,
    });

    expect(text).toBe(
      [
        'LT1-ES256',
        'GET',
        '/v1/inbox',
        'cursor=a%20b%26c%3Dd&limit=10&%C3%A4=%C3%B6',
        '000.00.00.G22',
        '2026-01',
        '1796374800',
        '3q2-7wZk_AbCdEfGh',
        EMPTY_SHA256,
      ].join('\n'),
    );
  });

  it('leaves an empty line for an empty query', () => {
    const text = canonicalRequest({
      method: 'POST',
      path: '/v1/documents',
      query: {},
      agencyId: 'A',
      keyId: 'k',
      timestamp: '1',
      nonce: 'n',
      contentSha256: 'd',
    });
    expect(text).toBe('LT1-ES256\nPOST\n/v1/documents\n\nA\nk\n1\nn\nd');
  });

  it('is what signRequest signs, with the headers it sends', () => {
    const request = signed({
      method: 'GET',
      path: '/v1/inbox',
      query: { limit: '5' },
      body: new Uint8Array(),
    });
    const { headers } = request;

    expect(headers).toEqual({
      'x-lienthong-agency': GOVERNMENT_OFFICE,
      'x-lienthong-key-id': TEST_KEY_ID,
      'x-lienthong-timestamp': '1796374800',
      'x-lienthong-nonce': expect.stringMatching(/^[A-Za-z0-9_-]{16,64}$/),
      'x-lienthong-content-sha256': EMPTY_SHA256,
      authorization: expect.stringMatching(/^LT1-ES256 [A-Za-z0-9_-]{86}$/),
    });
    const text = canonicalRequest({
      method: 'GET',
      path: '/v1/inbox',
      query: { limit: '5' },
      agencyId: GOVERNMENT_OFFICE,
      keyId: TEST_KEY_ID,
      timestamp: '1796374800',
      nonce: String(headers['x-lienthong-nonce']),
      contentSha256: EMPTY_SHA256,
    });
    const publicKey = createPublicKey({
      key: Buffer.from(registeredAs(agencies, GOVERNMENT_OFFICE).publicKeySpki, 'base64'),
      format: 'der',
      type: 'spki',
    });
    const valid = verify(
      'sha256',
      Buffer.from(text, 'utf8'),
      { key: publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signatureOf(request), 'base64url'),
    );
    expect(valid).toBe(true);
  });

  it('gives every request a fresh nonce unless one is chosen', () => {
    const seen = new Set(Array.from({ length: 50 }, () => signed().headers['x-lienthong-nonce']));
    expect(seen.size).toBe(50);
  });
});
