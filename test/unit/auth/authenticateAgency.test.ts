import { beforeAll, describe, expect, it } from 'vitest';
import { authenticateAgency, hashSecret } from '../../../shared/auth/authenticateAgency';
import { AxisError } from '../../../shared/domain/AxisError';
import type { Agency } from '../../../shared/domain/records';
import { registerAgency } from '../../../shared/services/registerAgency';
import { FakeDirectory, FixedClock } from '../../support/fakes';

const AGENCY_ID = '000.00.00.G22';
const directory = new FakeDirectory();
let agency: Agency;
let secret: string;

beforeAll(async () => {
  ({ agency, secret } = await registerAgency(
    { directory, clock: new FixedClock() },
    { agencyId: AGENCY_ID, name: 'Văn phòng Chính phủ' },
  ));
  await registerAgency(
    { directory, clock: new FixedClock() },
    { agencyId: '000.00.00.H41', name: 'UBND Tỉnh Nghệ An' },
  );
});

const MISSING = /send x-lienthong-agency/;
const WRONG = 'unknown agency or wrong secret';

describe('authenticateAgency', () => {
  it('answers the agency for its id and secret', async () => {
    const headers = { 'x-lienthong-agency': AGENCY_ID, authorization: `Bearer ${secret}` };
    await expect(authenticateAgency(directory, headers)).resolves.toEqual(agency);
  });

  it.each([
    ['a lower-case scheme', () => `bearer ${secret}`, AGENCY_ID],
    ['several spaces after the scheme', () => `Bearer   ${secret}`, AGENCY_ID],
    ['spaces around the agency id', () => `Bearer ${secret}`, `  ${AGENCY_ID} `],
  ])('accepts %s', async (_name, authorization, agencyId) => {
    const headers = { 'x-lienthong-agency': agencyId, authorization: authorization() };
    await expect(authenticateAgency(directory, headers)).resolves.toEqual(agency);
  });

  it.each([
    ['no headers at all', {}],
    ['no authorization', { 'x-lienthong-agency': AGENCY_ID }],
    ['no agency header', { authorization: 'Bearer abc' }],
    ['an empty agency header', { 'x-lienthong-agency': '  ', authorization: 'Bearer abc' }],
    ['another scheme', { 'x-lienthong-agency': AGENCY_ID, authorization: 'Basic YTpi' }],
    ['a scheme without a secret', { 'x-lienthong-agency': AGENCY_ID, authorization: 'Bearer ' }],
    ['two tokens', { 'x-lienthong-agency': AGENCY_ID, authorization: 'Bearer a b' }],
    ['a bare secret', { 'x-lienthong-agency': AGENCY_ID, authorization: 'abcdef' }],
  ])('refuses %s with UNAUTHENTICATED and says what to send', async (_name, headers) => {
    const attempt = authenticateAgency(directory, headers);
    await expect(attempt).rejects.toBeInstanceOf(AxisError);
    await expect(attempt).rejects.toMatchObject({ code: 'UNAUTHENTICATED', httpStatus: 401 });
    await expect(attempt).rejects.toThrow(MISSING);
  });

  it.each([
    ['a wrong secret', AGENCY_ID, () => 'not-the-secret'],
    ['the secret with one character changed', AGENCY_ID, () => `${secret.slice(0, -1)}x`],
    ['the stored hash presented as the secret', AGENCY_ID, () => hashSecret(secret)],
    ['another agency’s id with this secret', '000.00.00.H41', () => secret],
    ['an unknown agency', '000.00.00.X00', () => secret],
    ['an over-long agency id', 'a'.repeat(200), () => secret],
  ])('refuses %s with the same message', async (_name, agencyId, presented) => {
    const headers = { 'x-lienthong-agency': agencyId, authorization: `Bearer ${presented()}` };
    const attempt = authenticateAgency(directory, headers);
    await expect(attempt).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: WRONG });
  });

  it('hashes secrets as hex SHA-256 of their UTF-8 bytes', () => {
    expect(hashSecret('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
