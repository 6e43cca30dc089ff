import { createHash, timingSafeEqual } from 'node:crypto';
import { AxisError } from '../domain/AxisError';
import type { AgencyDirectory } from '../domain/ports';
import type { Agency } from '../domain/records';

/**
 * The one place that decides who is calling.
 *
 * Today an agency presents its id and the secret it was issued at
 * registration:
 *
 *     x-lienthong-agency: 000.00.00.G22
 *     authorization: Bearer <secret>
 *
 * Only the SHA-256 of the secret is stored, and it is compared in constant
 * time. Every failure gives the same answer, so a caller cannot tell an
 * unknown agency from a wrong secret.
 */
export const AGENCY_HEADER = 'x-lienthong-agency';

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export async function authenticateAgency(
  directory: AgencyDirectory,
  headers: Readonly<Record<string, string | undefined>>,
): Promise<Agency> {
  const agencyId = headers[AGENCY_HEADER]?.trim();
  const secret = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
  if (!agencyId || !secret) {
    throw new AxisError(
      'UNAUTHENTICATED',
      `send ${AGENCY_HEADER} and an "authorization: Bearer <secret>" header`,
    );
  }
  const agency = agencyId.length <= 64 ? await directory.get(agencyId) : undefined;
  const presented = Buffer.from(hashSecret(secret), 'hex');
  // Compare against something of the right length even when the agency is
  // unknown, so timing does not reveal which agencies exist.
  const expected = Buffer.from(agency?.credentialHash ?? hashSecret(''), 'hex');
  const matches = expected.length === presented.length && timingSafeEqual(expected, presented);
  if (!agency || !matches) {
    throw new AxisError('UNAUTHENTICATED', 'unknown agency or wrong secret');
  }
  return agency;
}
