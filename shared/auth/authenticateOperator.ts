import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AxisError } from '../domain/AxisError';
import type { OperatorStore } from '../domain/ports';
import type { OperatorRecord } from '../domain/records';

/**
 * Operators call the axis with a bearer token `lto_<operatorId>_<secret>`.
 * The operator id in the token lets the axis find the one record to check
 * (no scan over every operator's hash); the secret is 32 random bytes, so
 * the token needs no slow hash: the axis stores the hex SHA-256 of the whole
 * token, and nothing it keeps lets anyone call as an operator.
 */

export const OPERATOR_TOKEN_PREFIX = 'lto_';

/** Bytes of randomness in a token's secret: 256 bits, beyond guessing. */
const SECRET_BYTES = 32;

/**
 * Operator ids are lowercase letters, digits and hyphens, never `_`, so the
 * first `_` after the prefix ends the id even though base64url secrets may
 * contain `_` themselves. 32 bytes are 43 base64url characters, unpadded.
 */
export const OPERATOR_ID_PATTERN = /^[a-z0-9-]{1,64}$/;
const TOKEN_PATTERN = /^lto_([a-z0-9-]{1,64})_([A-Za-z0-9_-]{43})$/;

/** The one answer to every failure, so a caller learns nothing about which ids exist. */
const REFUSAL = 'present a valid operator token: authorization: Bearer lto_…';

/** Compared against when no operator matches, so both paths do the same work. */
const NO_OPERATOR_HASH = '0'.repeat(64);

/** Hex SHA-256 of the whole token: what the operators table keeps. */
export function operatorTokenSha256(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new token for an operator; shown once to whoever creates the operator, then forgotten. */
export function newOperatorToken(operatorId: string): string {
  if (!OPERATOR_ID_PATTERN.test(operatorId)) {
    throw new Error('an operator id is 1 to 64 lowercase letters, digits and hyphens');
  }
  return `${OPERATOR_TOKEN_PREFIX}${operatorId}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
}

/**
 * Returns the operator whose token the request carries in
 * `authorization: Bearer …`, or refuses with 401 OPERATOR_UNAUTHENTICATED.
 * A missing header, another scheme (an agency's LT1-ES256 signature
 * included), a malformed token, an unknown operator, a wrong secret and a
 * revoked operator all get the same code and message.
 */
export async function authenticateOperator(
  deps: { readonly operators: OperatorStore },
  headers: Readonly<Record<string, string | undefined>>,
): Promise<OperatorRecord> {
  const [scheme, token, ...extra] = (headers.authorization ?? '').trim().split(/\s+/);
  // Scheme names are case-insensitive (RFC 9110, section 11.1).
  const parsed =
    scheme?.toLowerCase() === 'bearer' && extra.length === 0 && token
      ? TOKEN_PATTERN.exec(token)
      : null;
  if (!parsed || !token) throw refusal();
  const operatorId = parsed[1] ?? '';
  const operator = await deps.operators.get(operatorId);
  const matches = sameHex(operatorTokenSha256(token), operator?.tokenSha256 ?? NO_OPERATOR_HASH);
  if (!operator || !matches || operator.revokedAt !== undefined) throw refusal();
  return operator;
}

function refusal(): AxisError {
  return new AxisError('OPERATOR_UNAUTHENTICATED', REFUSAL);
}

/** Constant-time comparison of two hex digests; a stored value of another length never matches. */
function sameHex(presented: string, stored: string): boolean {
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(stored, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
