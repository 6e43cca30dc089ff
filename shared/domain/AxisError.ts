/**
 * Every refusal the axis gives has a stable machine code, an HTTP status that
 * follows its cause and a message a person can act on. Codes never change
 * meaning once published; integrators match on them.
 */
export const ERROR_CODES = {
  // 400: the request itself is malformed
  NOT_XML: 400,
  XML_DTD_FORBIDDEN: 400,
  NOT_EDXML: 400,
  EDXML_MISSING_ELEMENT: 400,
  EDXML_INVALID_VALUE: 400,
  MISSING_FROM: 400,
  MISSING_TO: 400,
  STATUS_SENT_AS_DOCUMENT: 400,
  DOCUMENT_SENT_AS_STATUS: 400,
  EMPTY_BODY: 400,
  INVALID_STATUS_CODE: 400,
  INVALID_PARAMETER: 400,
  // 401/403: who is calling and what they may do
  UNAUTHENTICATED: 401,
  STALE_TIMESTAMP: 401,
  BODY_DIGEST_MISMATCH: 401,
  BAD_REQUEST_SIGNATURE: 401,
  REPLAYED_REQUEST: 401,
  // an operator route without a valid, unrevoked operator bearer token
  OPERATOR_UNAUTHENTICATED: 401,
  SENDER_MISMATCH: 403,
  NOT_A_RECIPIENT: 403,
  FORBIDDEN: 403,
  // 404: nothing the caller may see under that name
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  // 413/415/422: understood, but not acceptable
  PAYLOAD_TOO_LARGE: 413,
  UNKNOWN_RECIPIENT: 422,
  // a file from the national axis addressed to no agency of this axis
  NO_LOCAL_RECIPIENT: 422,
  UNKNOWN_DOCUMENT: 422,
  // 429: a bound on what the axis keeps for one caller's purpose
  TOO_MANY_PENDING_STATUSES: 429,
  // 409: the document is not in a state where this status makes sense
  NO_TAKE_BACK_REQUESTED: 409,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A refusal with a stable code; anything else that is thrown is a 500. */
export class AxisError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly details?: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AxisError';
    this.code = code;
    this.httpStatus = ERROR_CODES[code];
    this.details = details;
  }
}

export function isAxisError(value: unknown): value is AxisError {
  return value instanceof AxisError;
}
