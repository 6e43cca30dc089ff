/**
 * Rules for the few edXML values the axis acts on. The reader and the status
 * writer share them, so the axis never writes a message it would refuse.
 */
import { AxisError } from '../domain/AxisError';

/**
 * Deliberately wider than the standard's `V1V2V3.Z1Z2.Y1Y2.X`: real traffic
 * carries `28.22.H17` and `vxp.saas.03`, and refusing those would cut agencies
 * off. The character set still keeps identifiers safe in keys, logs and URLs.
 */
const ORGAN_ID = /^[A-Za-z0-9._-]{1,64}$/;

const STATUS_CODE = /^[0-9]{2}$/;

/** Longest value quoted back in an error message; the rest is cut. */
const PREVIEW_LENGTH = 80;

/**
 * Checks an agency identifier (OrganId) that the caller has already trimmed.
 *
 * @param element where the value came from, e.g. `MessageHeader/From/OrganId`,
 *   so the sender can find it in their message.
 * @returns the identifier unchanged.
 * @throws AxisError EDXML_INVALID_VALUE when it is not 1..64 of `[A-Za-z0-9._-]`.
 */
export function checkOrganId(value: string, element: string): string {
  if (!ORGAN_ID.test(value)) {
    throw new AxisError(
      'EDXML_INVALID_VALUE',
      `${element} ${quote(value)} is not an agency identifier: expected 1 to 64 letters, ` +
        'digits, ".", "_" or "-"',
      { element, value: preview(value) },
    );
  }
  return value;
}

/**
 * Longest DocumentId, code or date the axis keeps. They are opaque, but they
 * become parts of storage keys (DynamoDB allows 2048 bytes in a partition
 * key), and real ones are a few dozen characters.
 */
export const MAX_REFERENCE_LENGTH = 255;

/**
 * Checks a value that identifies a document (DocumentId, Code, date): any
 * text, but at most {@link MAX_REFERENCE_LENGTH} characters.
 *
 * @returns the value unchanged (or undefined when absent).
 * @throws AxisError EDXML_INVALID_VALUE when it is longer.
 */
export function checkReference<T extends string | undefined>(value: T, element: string): T {
  if (value !== undefined && value.length > MAX_REFERENCE_LENGTH) {
    throw new AxisError(
      'EDXML_INVALID_VALUE',
      `${element} is ${value.length} characters long; the axis keeps at most ` +
        `${MAX_REFERENCE_LENGTH}`,
      { element, value: preview(value) },
    );
  }
  return value;
}

/**
 * Checks a processing status code as it appears on the wire: exactly two
 * ASCII digits. Whether the code is one the axis supports is decided later,
 * by the caller, because that answer is a 422 rather than a malformed message.
 *
 * @returns the code unchanged.
 * @throws AxisError INVALID_STATUS_CODE otherwise.
 */
export function checkStatusCode(value: string): string {
  if (!STATUS_CODE.test(value)) {
    throw new AxisError(
      'INVALID_STATUS_CODE',
      `StatusCode ${quote(value)} must be exactly two digits, e.g. "01"`,
      { value: preview(value) },
    );
  }
  return value;
}

/** Bounded so that a hostile value cannot blow up logs and responses. */
export function preview(value: string): string {
  return value.length > PREVIEW_LENGTH ? `${value.slice(0, PREVIEW_LENGTH)}…` : value;
}

function quote(value: string): string {
  return JSON.stringify(preview(value));
}
