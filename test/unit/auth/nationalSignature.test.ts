import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalString,
  NATIONAL_CLOCK_SKEW_SECONDS,
  type NationalRequestToVerify,
  sha256Hex,
  signNationalRequest,
  verifyNationalRequest,
} from '#shared/auth/nationalSignature';

const SYSTEM = 'lienthong-test';
const SECRET = 'correct horse battery staple';
const NOW = new Date('2026-12-04T09:00:00.000Z');
const NOW_SECONDS = String(NOW.getTime() / 1000);
const BODY = Buffer.from('<edXML>văn bản</edXML>');
const PATH = '/sendEdoc';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const SEND_HEADERS = ['x-to', 'x-message-id'];

/** A signed sendEdoc request as the client would send it. */
function signedSend(overrides: { now?: Date; secret?: string } = {}): Record<string, string> {
  return signNationalRequest({
    method: 'POST',
    pathWithQuery: PATH,
    body: BODY,
    headers: { 'X-To': '000.00.00.H41,000.00.00.H14', 'X-Message-Id': 'msg-1' },
    systemId: SYSTEM,
    secret: overrides.secret ?? SECRET,
    now: overrides.now ?? NOW,
  });
}

function verify(
  headers: Record<string, string | undefined>,
  overrides: Partial<NationalRequestToVerify> = {},
) {
  return verifyNationalRequest({
    method: 'POST',
    pathWithQuery: PATH,
    headers,
    body: BODY,
    alsoRequired: SEND_HEADERS,
    secretOf: (systemId) => (systemId === SYSTEM ? SECRET : undefined),
    now: NOW,
    ...overrides,
  });
}

describe('canonicalString', () => {
  it('is the method, the path with query, then name:value per signed header in order', () => {
    expect(
      canonicalString('get', '/getReceivedEdocList?limit=5', ['x-timestamp', 'x-system-id'], {
        'x-system-id': 'S1',
        'x-timestamp': '1796400000',
      }),
    ).toBe('GET\n/getReceivedEdocList?limit=5\nx-timestamp:1796400000\nx-system-id:S1');
  });
});

describe('signNationalRequest', () => {
  it('sends the auth headers, signs the extra ones, with the documented HMAC', () => {
    const headers = signedSend();

    expect(headers).toMatchObject({
      'x-system-id': SYSTEM,
      'x-timestamp': NOW_SECONDS,
      'x-content-sha256': sha256Hex(BODY),
      'x-to': '000.00.00.H41,000.00.00.H14',
      'x-message-id': 'msg-1',
      'x-signed-headers': 'x-system-id;x-timestamp;x-content-sha256;x-to;x-message-id',
    });
    const text = [
      'POST',
      PATH,
      `x-system-id:${SYSTEM}`,
      `x-timestamp:${NOW_SECONDS}`,
      `x-content-sha256:${sha256Hex(BODY)}`,
      'x-to:000.00.00.H41,000.00.00.H14',
      'x-message-id:msg-1',
    ].join('\n');
    expect(headers['x-signature']).toBe(createHmac('sha256', SECRET).update(text).digest('base64'));
    expect(Object.values(headers).join('\n')).not.toContain(SECRET);
  });

  it('digests the empty string when there is no body', () => {
    const headers = signNationalRequest({
      method: 'GET',
      pathWithQuery: '/getAgenciesList',
      systemId: SYSTEM,
      secret: SECRET,
      now: NOW,
    });
    expect(headers['x-content-sha256']).toBe(EMPTY_SHA256);
  });
});

describe('verifyNationalRequest', () => {
  it('accepts a well-signed request and names the system', () => {
    expect(verify(signedSend())).toEqual({ ok: true, systemId: SYSTEM });
  });

  it('accepts a GET whose signature covers its query string', () => {
    const pathWithQuery = '/getReceivedEdocList?limit=10';
    const headers = signNationalRequest({
      method: 'GET',
      pathWithQuery,
      systemId: SYSTEM,
      secret: SECRET,
      now: NOW,
    });
    const base = { method: 'GET', body: new Uint8Array(), alsoRequired: [] };
    expect(verify(headers, { ...base, pathWithQuery })).toMatchObject({ ok: true });
    expect(
      verify(headers, { ...base, pathWithQuery: '/getReceivedEdocList?limit=1000' }),
    ).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it.each(['x-system-id', 'x-timestamp', 'x-content-sha256', 'x-signed-headers', 'x-signature'])(
    'refuses a request without %s',
    (name) => {
      const headers: Record<string, string | undefined> = signedSend();
      delete headers[name];
      expect(verify(headers)).toMatchObject({ ok: false, code: 'MISSING_AUTH_HEADER' });
    },
  );

  it('refuses a system nobody connected', () => {
    expect(verify(signedSend(), { secretOf: () => undefined })).toMatchObject({
      ok: false,
      code: 'UNKNOWN_SYSTEM',
    });
  });

  it('accepts the edge of the clock window and refuses beyond it, either way', () => {
    const at = (offsetSeconds: number) =>
      verify(signedSend({ now: new Date(NOW.getTime() + offsetSeconds * 1000) }));
    expect(at(NATIONAL_CLOCK_SKEW_SECONDS)).toMatchObject({ ok: true });
    expect(at(-NATIONAL_CLOCK_SKEW_SECONDS)).toMatchObject({ ok: true });
    expect(at(NATIONAL_CLOCK_SKEW_SECONDS + 1)).toMatchObject({ code: 'STALE_TIMESTAMP' });
    expect(at(-NATIONAL_CLOCK_SKEW_SECONDS - 1)).toMatchObject({ code: 'STALE_TIMESTAMP' });
  });

  it('refuses a timestamp that is not Unix seconds', () => {
    for (const value of ['2026-12-04T09:00:00Z', '', '1796400000.5', '-1']) {
      const headers = { ...signedSend(), 'x-timestamp': value };
      expect(verify(headers)).toMatchObject({ ok: false });
      if (value !== '') expect(verify(headers)).toMatchObject({ code: 'STALE_TIMESTAMP' });
    }
  });

  it.each([
    ['x-system-id', 'x-timestamp;x-content-sha256;x-to;x-message-id'],
    ['x-timestamp', 'x-system-id;x-content-sha256;x-to;x-message-id'],
    ['x-content-sha256', 'x-system-id;x-timestamp;x-to;x-message-id'],
    ['x-to', 'x-system-id;x-timestamp;x-content-sha256;x-message-id'],
    ['x-message-id', 'x-system-id;x-timestamp;x-content-sha256;x-to'],
  ])('refuses a request that leaves %s unsigned', (name, list) => {
    const result = verify({ ...signedSend(), 'x-signed-headers': list });
    expect(result).toMatchObject({ ok: false, code: 'HEADER_NOT_SIGNED' });
    expect(result.ok === false && result.message).toContain(name);
  });

  it('refuses a signed header that the request does not carry, or one listed twice', () => {
    const withoutTo: Record<string, string | undefined> = signedSend();
    delete withoutTo['x-to'];
    expect(verify(withoutTo)).toMatchObject({ code: 'HEADER_NOT_SIGNED' });

    const twice = { ...signedSend() };
    twice['x-signed-headers'] = `${twice['x-signed-headers']};x-to`;
    expect(verify(twice)).toMatchObject({ code: 'HEADER_NOT_SIGNED' });
  });

  it('refuses a body whose digest is not the one sent', () => {
    expect(verify(signedSend(), { body: Buffer.from('<edXML>khác</edXML>') })).toMatchObject({
      ok: false,
      code: 'BODY_DIGEST_MISMATCH',
    });
  });

  it('refuses a body and digest both replaced, on the signature', () => {
    const other = Buffer.from('<edXML>khác</edXML>');
    const headers = { ...signedSend(), 'x-content-sha256': sha256Hex(other) };
    expect(verify(headers, { body: other })).toMatchObject({ code: 'BAD_SIGNATURE' });
  });

  it.each([
    ['the method', { method: 'PUT' }],
    ['the path', { pathWithQuery: '/sendEdoc?extra=1' }],
  ])('refuses a request whose %s changed', (_, change) => {
    expect(verify(signedSend(), change)).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it.each([
    ['x-to', '000.00.00.H41,000.00.00.X99'],
    ['x-message-id', 'msg-2'],
    ['x-system-id', 'another-system'],
  ])('refuses a request whose signed header %s changed', (name, value) => {
    const headers = { ...signedSend(), [name]: value };
    const result = verify(headers, { secretOf: () => SECRET });
    expect(result).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it('refuses a timestamp changed within the window', () => {
    const headers = { ...signedSend(), 'x-timestamp': String(Number(NOW_SECONDS) - 1) };
    expect(verify(headers)).toMatchObject({ code: 'BAD_SIGNATURE' });
  });

  it('refuses a signature made with another secret, truncated, or padded', () => {
    expect(verify(signedSend({ secret: 'wrong' }))).toMatchObject({ code: 'BAD_SIGNATURE' });
    const good = signedSend();
    const signature = good['x-signature'] as string;
    for (const bad of [signature.slice(0, 20), `${signature}!`, `${signature}AAAA`, 'not base64']) {
      expect(verify({ ...good, 'x-signature': bad })).toMatchObject({ code: 'BAD_SIGNATURE' });
    }
  });

  it('never puts the secret in a refusal', () => {
    const results = [
      verify(signedSend({ secret: 'wrong' })),
      verify(signedSend(), { body: new Uint8Array() }),
      verify({ ...signedSend(), 'x-signed-headers': 'x-system-id' }),
    ];
    for (const result of results) {
      expect(result.ok).toBe(false);
      expect(JSON.stringify(result)).not.toContain(SECRET);
    }
  });
});
