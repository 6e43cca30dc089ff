import { createHash } from 'node:crypto';

/**
 * Identifiers the axis hands out.
 *
 * A document's or status's id is derived from who sent it and the SHA-256 of
 * the exact bytes, so a sender that retries after a lost answer gets the same
 * id back and the axis stores and delivers the message once. The edXML
 * `DocumentId` cannot serve: real traffic reuses it and fills it with
 * anything.
 */

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Uint8Array, length: number): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

function derive(prefix: string, parts: readonly string[]): string {
  const hash = createHash('sha256').update(parts.join('\n')).digest();
  // 26 base32 characters keep 130 bits: collisions are not a practical concern.
  return `${prefix}_${base32(hash, 26)}`;
}

/** Hex SHA-256 of a payload, the digest every record and signature refers to. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The axis's id for a document submitted by `senderId` with these bytes. */
export function documentIdFor(senderId: string, payloadSha256: string): string {
  return derive('doc', ['document', senderId, payloadSha256]);
}

/** The axis's id for a status message reported by `reporterId` with these bytes. */
export function statusMessageIdFor(reporterId: string, payloadSha256: string): string {
  return derive('sts', ['status', reporterId, payloadSha256]);
}

/** The axis's id for its signed refusal of a document: one per document. */
export function rejectionIdFor(documentId: string): string {
  return derive('rej', ['rejection', documentId]);
}

const AXIS_ID = /^(doc|sts|rej)_[a-z2-7]{26}$/;

/** True for ids of the form the axis hands out; anything else is not looked up. */
export function isAxisId(value: string): boolean {
  return AXIS_ID.test(value);
}
