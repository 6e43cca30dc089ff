import { z } from 'zod';
import type { FUNCTIONS, FunctionName } from '../config/wiring';
import { AxisError, type ErrorCode } from '../domain/AxisError';
import { AGENCY_PAGE_MAX } from '../services/agencyLookup';
import { INBOX_PAGE_MAX } from '../services/readSide';

/**
 * The shapes of the axis's HTTP requests and answers, as zod schemas.
 *
 * Handlers validate what they read with these schemas, and the OpenAPI
 * document (`openapi.ts`) is generated from the same schemas, so what the
 * description promises and what the axis accepts cannot drift apart.
 *
 * Query values arrive as strings: numeric parameters are coerced the way the
 * handlers always read them (`Number(value)`), then bounded.
 */

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

/** Where a value came from, named in refusals so the caller knows what to fix. */
export type RequestPart = 'path' | 'query' | 'body';

/**
 * Validates `value` against `schema` and returns the parsed value, or throws
 * an AxisError naming the part and field at fault. The code is
 * INVALID_PARAMETER unless the caller says otherwise (a path parameter that
 * names nothing is NOT_FOUND, as before the schemas existed).
 *
 * The message carries zod's description of the fault, never the value
 * itself: a body may hold an agency's own text, which the axis does not echo.
 */
export function parseRequestPart<S extends z.ZodType>(
  schema: S,
  value: unknown,
  part: RequestPart,
  code: ErrorCode = 'INVALID_PARAMETER',
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const faults = parsed.error.issues.map((issue) => describeIssue(part, issue));
  throw new AxisError(code, faults.join('; '), {
    fields: parsed.error.issues.map((issue) => fieldName(part, issue.path)),
  });
}

function describeIssue(part: RequestPart, issue: z.core.$ZodIssue): string {
  return `${fieldName(part, issue.path)}: ${issue.message}`;
}

function fieldName(part: RequestPart, path: readonly PropertyKey[]): string {
  return [part, ...path.map(String)].join('.');
}

// ---------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------

/** A page size: a whole number from 1 to `max`, `fallback` when absent. */
function pageLimit(max: number, fallback: number) {
  return z.coerce
    .number({ error: `limit must be a whole number from 1 to ${max}` })
    .int({ error: `limit must be a whole number from 1 to ${max}` })
    .min(1, { error: `limit must be a whole number from 1 to ${max}` })
    .max(max, { error: `limit must be a whole number from 1 to ${max}` })
    .default(fallback)
    .meta({ description: `Items per page, 1 to ${max}.` });
}

/** An opaque cursor from the previous page's answer; the store refuses a forged one. */
const cursor = z
  .string({ error: 'cursor must be text' })
  .optional()
  .meta({ description: "The previous page's `cursor`, to read the next page." });

/** Ids the axis hands out: `doc_`, `sts_` or `rej_` and 26 base32 characters. */
const axisIdDescription =
  'An id the axis handed out: `doc_`, `sts_` or `rej_` followed by 26 base32 characters.';

const pathId = (description: string) =>
  z.string().min(1, { error: 'must not be empty' }).meta({ description });

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

/** GET /v1/inbox */
export const inboxQuery = z.object({
  limit: pageLimit(INBOX_PAGE_MAX, INBOX_PAGE_MAX),
  cursor,
});

/** The characters an agency identifier may hold, so a prefix is one too. */
export const AGENCY_ID_PREFIX = /^[A-Za-z0-9._-]{0,64}$/;

/** GET /v1/agencies */
export const agenciesQuery = z.object({
  prefix: z
    .string()
    .regex(AGENCY_ID_PREFIX, {
      error: 'prefix may hold only letters, digits, ".", "_", "-" (at most 64)',
    })
    .default('')
    .meta({ description: 'Only agencies whose identifier starts with this.' }),
  limit: pageLimit(AGENCY_PAGE_MAX, AGENCY_PAGE_MAX),
  cursor,
});

/** GET /v1/agencies/{agencyId} */
export const agencyParams = z.object({
  agencyId: pathId('An agency identifier (mã định danh), e.g. `000.00.00.G22`.'),
});

/** POST /v1/inbox/{messageId}/ack */
export const acknowledgeParams = z.object({ messageId: pathId(axisIdDescription) });

/** GET /v1/messages/{messageId} */
export const messageParams = z.object({ messageId: pathId(axisIdDescription) });

/** GET /v1/documents/{documentId} */
export const documentParams = z.object({ documentId: pathId(axisIdDescription) });

/** Longest failure reason the axis stores: enough for an operator, no room for documents. */
export const ACK_REASON_MAX = 200;

/**
 * The reason is bounded in characters (code points), as JSON Schema's
 * `maxLength` counts them, not in UTF-16 units as zod's `max` would.
 */
const failureReason = z
  .string({ error: 'reason must be text' })
  .refine((reason) => [...reason].length <= ACK_REASON_MAX, {
    error: `reason must be text of at most ${ACK_REASON_MAX} characters`,
  })
  .meta({
    maxLength: ACK_REASON_MAX,
    description: 'Why the agency could not handle the item; stored for operators, never echoed.',
  });

/**
 * `{"result":"done"}` or `{"result":"failed","reason":"…"}`, nothing else:
 * unknown fields are refused, so a typo never passes for an acknowledgement.
 */
export const acknowledgementBody = z.discriminatedUnion(
  'result',
  [
    z.strictObject(
      { result: z.literal('done') },
      { error: 'a done acknowledgement takes only result (a reason goes with "failed")' },
    ),
    z.strictObject(
      { result: z.literal('failed'), reason: failureReason.optional() },
      { error: 'only result and reason are accepted' },
    ),
  ],
  { error: 'result must be "done" or "failed"' },
);

export type AcknowledgementBody = z.output<typeof acknowledgementBody>;

/** GET /v1/operator/documents: recent documents, newest first. */
export const operatorDocumentsQuery = z.object({
  limit: pageLimit(100, 20),
  cursor,
});

/** GET /v1/operator/documents/{documentId} */
export const operatorDocumentParams = z.object({ documentId: pathId(axisIdDescription) });

// ---------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------

/** `{"error":{...}}`: every refusal, see responses.ts. */
export const errorBody = z.object({
  error: z.object({
    code: z.string().meta({ description: 'Stable machine code; integrators match on it.' }),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
    requestId: z.string().meta({ description: 'Quote it to operators.' }),
  }),
});

const messageKind = z.enum(['document', 'status', 'rejection']);

/** An entry of a pull agency's inbox (InboxItem). */
export const inboxItem = z.object({
  agencyId: z.string(),
  messageId: z.string(),
  kind: messageKind,
  documentId: z.string(),
  from: z.string(),
  enqueuedAt: z.string(),
  statusCode: z.string().optional(),
  acknowledgedAt: z.string().optional(),
  result: z.literal('done').optional(),
  failureCount: z.number().int().optional(),
  lastFailureAt: z.string().optional(),
  lastFailureReason: z.string().optional(),
  expiresAt: z.number().int().optional().meta({
    description: 'When the stored item expires (epoch seconds), set once it is done.',
  }),
});

export const inboxPage = z.object({ items: z.array(inboxItem), cursor: z.string().optional() });

export const agencyListing = z.object({
  id: z.string(),
  name: z.string(),
  parentId: z.string().nullable(),
  connected: z.boolean().meta({ description: 'Whether this axis delivers to it.' }),
});

export const agenciesPage = z.object({
  items: z.array(agencyListing),
  cursor: z.string().optional(),
});

export const submitAnswer = z.object({
  documentId: z.string(),
  recipients: z.array(z.string()),
  duplicate: z.boolean(),
});

export const statusAnswer = z.union([
  z.object({
    messageId: z.string(),
    documentId: z.string(),
    statusCode: z.string(),
    currentStatus: z.string(),
    duplicate: z.boolean(),
  }),
  z.object({ messageId: z.string(), pending: z.literal(true) }),
]);

/** The timeline is wide and grows with the domain: its stable top level is described. */
export const documentTimelineAnswer = z
  .object({
    documentId: z.string(),
    edxmlDocumentId: z.string(),
    sender: z.string(),
    state: z.enum(['received', 'verified', 'rejected']),
    createdAt: z.string(),
    sha256: z.string(),
    size: z.number().int(),
    businessDocType: z.number().int(),
    revoked: z.boolean(),
    recipients: z.array(
      z.looseObject({
        agencyId: z.string(),
        delivery: z.looseObject({ state: z.string() }),
        statuses: z.array(z.looseObject({ messageId: z.string(), statusCode: z.string() })),
      }),
    ),
  })
  .loose();

export const jwks = z.object({
  keys: z.array(
    z.object({
      kty: z.literal('EC'),
      crv: z.literal('P-256'),
      x: z.string(),
      y: z.string(),
      kid: z.string(),
      use: z.literal('sig'),
      alg: z.literal('ES256'),
    }),
  ),
});

export const healthReport = z.object({
  status: z.enum(['ok', 'failing']),
  checkedAt: z.string(),
  components: z.array(z.object({ name: z.string(), status: z.enum(['ok', 'failing']) })),
});

/** The operator API's answers belong to that API; described as JSON objects. */
const operatorAnswer = z.looseObject({});

// ---------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------

/** How a route is authenticated; see openapi.ts for the schemes. */
export type RouteSecurity = 'agencySignature' | 'operatorToken' | 'public';

export type RequestBody =
  | { readonly contentType: 'application/json'; readonly schema: z.ZodType }
  | { readonly contentType: 'application/xml'; readonly description: string };

export type AnswerBody =
  | { readonly contentType: 'application/json'; readonly schema: z.ZodType }
  | { readonly contentType: string; readonly description: string };

export interface RouteSchemas {
  readonly summary: string;
  readonly security: RouteSecurity;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: RequestBody;
  readonly answer: { readonly status: number; readonly body: AnswerBody };
  /** Answers other than the usual one that are not refusals, such as health's 503. */
  readonly otherAnswers?: readonly {
    readonly status: number;
    readonly description: string;
    readonly body: AnswerBody;
  }[];
  /** Refusals particular to the route, beside those of its security scheme. */
  readonly errors: readonly ErrorCode[];
}

/** Refusals any signed agency request may get, before its handler runs. */
export const AGENCY_AUTH_ERRORS: readonly ErrorCode[] = [
  'UNAUTHENTICATED',
  'STALE_TIMESTAMP',
  'BODY_DIGEST_MISMATCH',
  'BAD_REQUEST_SIGNATURE',
  'REPLAYED_REQUEST',
  'PAYLOAD_TOO_LARGE',
];

/**
 * Refusals any operator request may get: one code for a missing, malformed,
 * unknown or revoked token alike (see authenticateOperator.ts).
 */
export const OPERATOR_AUTH_ERRORS: readonly ErrorCode[] = ['OPERATOR_UNAUTHENTICATED'];

const EDXML_ERRORS: readonly ErrorCode[] = [
  'EMPTY_BODY',
  'NOT_XML',
  'XML_DTD_FORBIDDEN',
  'NOT_EDXML',
  'EDXML_MISSING_ELEMENT',
  'EDXML_INVALID_VALUE',
  'MISSING_FROM',
];

const json = (schema: z.ZodType) => ({ contentType: 'application/json', schema }) as const;

/**
 * Every HTTP route of the wiring, by its `METHOD /path` key, with what it
 * reads and answers. Typed against the wiring: a route added there without
 * an entry here does not compile.
 */
export const ROUTE_SCHEMAS: Readonly<Record<WiredRoute, RouteSchemas>> = {
  'POST /v1/documents': {
    summary: 'Send an edXML document',
    security: 'agencySignature',
    body: {
      contentType: 'application/xml',
      description: 'An edXML document (QCVN 102:2016/BTTTT), its exact bytes; signed as sent.',
    },
    answer: { status: 202, body: json(submitAnswer) },
    errors: [
      ...EDXML_ERRORS,
      'MISSING_TO',
      'STATUS_SENT_AS_DOCUMENT',
      'SENDER_MISMATCH',
      'UNKNOWN_RECIPIENT',
    ],
  },
  'POST /v1/statuses': {
    summary: 'Report the processing status of a received document',
    security: 'agencySignature',
    body: {
      contentType: 'application/xml',
      description: 'An edXML status message (Status), its exact bytes.',
    },
    answer: { status: 202, body: json(statusAnswer) },
    errors: [
      ...EDXML_ERRORS,
      'DOCUMENT_SENT_AS_STATUS',
      'INVALID_STATUS_CODE',
      'SENDER_MISMATCH',
      'NOT_A_RECIPIENT',
      'UNKNOWN_DOCUMENT',
      'TOO_MANY_PENDING_STATUSES',
      'NO_TAKE_BACK_REQUESTED',
    ],
  },
  'GET /v1/inbox': {
    summary: 'List the inbox items the caller has not acknowledged as done',
    security: 'agencySignature',
    query: inboxQuery,
    answer: { status: 200, body: json(inboxPage) },
    errors: ['INVALID_PARAMETER'],
  },
  'POST /v1/inbox/{messageId}/ack': {
    summary: 'Acknowledge an inbox item as done or failed',
    security: 'agencySignature',
    params: acknowledgeParams,
    body: json(acknowledgementBody),
    answer: { status: 200, body: json(inboxItem) },
    errors: ['INVALID_PARAMETER', 'NOT_FOUND'],
  },
  'GET /v1/agencies': {
    summary: 'Page through the national directory by identifier prefix',
    security: 'agencySignature',
    query: agenciesQuery,
    answer: { status: 200, body: json(agenciesPage) },
    errors: ['INVALID_PARAMETER'],
  },
  'GET /v1/agencies/{agencyId}': {
    summary: 'Look up one agency',
    security: 'agencySignature',
    params: agencyParams,
    answer: { status: 200, body: json(agencyListing) },
    errors: ['NOT_FOUND'],
  },
  'GET /v1/messages/{messageId}': {
    summary: 'Download the exact bytes of a document, status or rejection',
    security: 'agencySignature',
    params: messageParams,
    answer: {
      status: 200,
      body: {
        contentType: 'application/xml',
        description:
          'The message as stored; `x-lienthong-message-id`, `-document-id`, `-kind` and ' +
          '`-sha256` describe it.',
      },
    },
    errors: ['NOT_FOUND'],
  },
  'GET /v1/documents/{documentId}': {
    summary: "A document's deliveries and statuses",
    security: 'agencySignature',
    params: documentParams,
    answer: { status: 200, body: json(documentTimelineAnswer) },
    errors: ['NOT_FOUND'],
  },
  'GET /.well-known/jwks.json': {
    summary: "The axis's public signing keys (JWKS)",
    security: 'public',
    answer: { status: 200, body: json(jwks) },
    errors: [],
  },
  'GET /v1/health': {
    summary: 'Whether every component of the axis answers (503 when one does not)',
    security: 'public',
    answer: { status: 200, body: json(healthReport) },
    otherAnswers: [
      { status: 503, description: 'A component is failing', body: json(healthReport) },
    ],
    errors: [],
  },
  'GET /v1/openapi.json': {
    summary: 'This description of the API',
    security: 'public',
    answer: {
      status: 200,
      body: { contentType: 'application/json', description: 'An OpenAPI 3.1 document.' },
    },
    errors: [],
  },
  'GET /console': {
    summary: 'The operator console page (no data; the data comes from the operator routes)',
    security: 'public',
    answer: { status: 200, body: { contentType: 'text/html', description: 'The console page.' } },
    errors: [],
  },
  'GET /v1/operator/agencies': {
    summary: 'Agencies with their connection health',
    security: 'operatorToken',
    answer: { status: 200, body: json(operatorAnswer) },
    errors: [],
  },
  'GET /v1/operator/documents': {
    summary: 'Recent documents, newest first',
    security: 'operatorToken',
    query: operatorDocumentsQuery,
    answer: { status: 200, body: json(operatorAnswer) },
    errors: ['INVALID_PARAMETER'],
  },
  'GET /v1/operator/documents/{documentId}': {
    summary: 'One document as operators see it',
    security: 'operatorToken',
    params: operatorDocumentParams,
    answer: { status: 200, body: json(operatorAnswer) },
    errors: ['NOT_FOUND'],
  },
  'GET /v1/operator/queues': {
    summary: 'Queue and dead-letter queue depths',
    security: 'operatorToken',
    answer: { status: 200, body: json(operatorAnswer) },
    errors: [],
  },
};

/** A `METHOD /path` route declared by some function of the wiring. */
export type WiredRoute = (typeof FUNCTIONS)[FunctionName]['routes'][number];
