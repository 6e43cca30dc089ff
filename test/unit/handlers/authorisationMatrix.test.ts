import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AgencyCredential, signRequest } from '#shared/client/signRequest';
import { FUNCTIONS, type FunctionName } from '#shared/config/wiring';
import { rejectionIdFor } from '#shared/domain/ids';
import { buildStatusMessage, formatEdxmlTimestamp } from '#shared/edxml/buildStatusMessage';
import { useDependencies } from '#shared/runtime/dependencies';
import { createOperator, revokeOperator } from '#shared/services/operators';
import { reportStatus } from '#shared/services/reportStatus';
import { routeMessage } from '#shared/services/routeMessage';
import { submitDocument } from '#shared/services/submitDocument';
import { verifyDocument } from '#shared/services/verifyDocument';
import { createLambdaContext } from '../../../local/lambdaContext';
import {
  CAO_BANG,
  GOVERNMENT_OFFICE,
  HAI_PHONG,
  NGHE_AN,
  OUTSIDER,
  type Registered,
  registerAgencies,
  registeredAs,
  SAMPLE_EDXML_ID,
  sampleText,
  storedCounts,
  THREE_PROVINCES_FILE,
} from '../../support/agencies';
import { fakeDependencies } from '../../support/fakes';

/**
 * Who may do what, route by route. The routes come from the wiring, so a
 * route added there without a row here fails the first test. Each row is one
 * caller: the document's sender, one of its recipients, an agency unrelated
 * to it, and where it matters another recipient or a unit the sender sends
 * for. The handlers run with in-memory fakes behind them.
 */

// Powertools reads POWERTOOLS_LOG_LEVEL when the handlers' logger is created: keep tests quiet.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

// The health check asks AWS; here every component answers.
vi.mock('../../../functions/health/probes', () => ({
  probesFromEnvironment: () =>
    ['table:exchange', 'queue:route'].map((component) => ({ component, check: async () => {} })),
}));

const SENDER = GOVERNMENT_OFFICE;
const RECIPIENT = NGHE_AN;
const OTHER_RECIPIENT = CAO_BANG;
const UNRELATED = OUTSIDER;
/** A unit the sender may send for; no agency is registered under it. */
const UNIT = `${GOVERNMENT_OFFICE}.01`;

/** In the national directory, not connected to the axis. */
const DIRECTORY_ONLY = '000.00.00.G06';

/** What every 401 answers with, naming the scheme to use (RFC 9110 §11.6.1). */
const CHALLENGE = 'LT1-ES256 realm="lienthong"';

/** Answered to anyone, signed or not; nothing else is. */
const PUBLIC_ROUTES = [
  'GET /.well-known/jwks.json',
  'GET /v1/health',
  'GET /v1/openapi.json',
  'GET /console',
];

/**
 * Answered to operators with a bearer token only: an agency's signature does
 * not open them (rows below), and an operator's token opens nothing else
 * (see 'operator routes' at the end).
 */
const OPERATOR_ROUTES: readonly string[] = FUNCTIONS.operator.routes;

/** What every operator route answers without a valid operator token. */
const OPERATOR_CHALLENGE = 'Bearer realm="lienthong-operator"';

const ROUTES = (Object.keys(FUNCTIONS) as FunctionName[]).flatMap((fn) =>
  FUNCTIONS[fn].routes.map((routeKey) => ({ fn, routeKey: routeKey as string })),
);

type Deps = ReturnType<typeof fakeDependencies>;
type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** What the tests need to know about the exchange seeded before each one. */
interface World {
  /** Verified and delivered to its three recipients. */
  readonly documentId: string;
  /** Nghệ An's status 03 about the document, delivered to the sender's inbox. */
  readonly statusId: string;
  /** Submitted but not verified yet: nobody but its sender has heard of it. */
  readonly pendingId: string;
  /** Refused by verification: it never reached its recipients. */
  readonly refusedId: string;
  /** The axis's signed refusal of that document, delivered to the sender. */
  readonly rejectionId: string;
}

interface Request {
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: Uint8Array;
}

type Json = {
  readonly items?: ReadonlyArray<{ agencyId: string; messageId: string; kind: string }>;
  readonly recipients?: ReadonlyArray<{ agencyId: string }>;
  readonly error?: { code: string };
  readonly keys?: unknown[];
  readonly status?: string;
  readonly components?: ReadonlyArray<{ name: string; status: string }>;
  readonly openapi?: string;
  readonly paths?: Record<string, unknown>;
};

interface Row {
  readonly caller: 'sender' | 'recipient' | 'other recipient' | 'unrelated';
  readonly as: string;
  readonly what: string;
  readonly request: (world: World) => Request;
  readonly status: number;
  readonly code?: string;
  readonly check?: (json: Json, world: World, response: APIGatewayProxyStructuredResultV2) => void;
}

let deps: Deps;
let agencies: Map<string, Registered>;
let world: World;
let handlers: Record<string, Handler>;
let documents = 0;

/** The three-province sample with `From` set to `from` and a DocumentId of its own. */
function documentFrom(from: string): Buffer {
  documents += 1;
  const text = sampleText(THREE_PROVINCES_FILE)
    .replace(
      `<edXML:OrganId>${GOVERNMENT_OFFICE}</edXML:OrganId>`,
      `<edXML:OrganId>${from}</edXML:OrganId>`,
    )
    .replace(
      `<edXML:DocumentId>${SAMPLE_EDXML_ID}</edXML:DocumentId>`,
      `<edXML:DocumentId>${from},2026/12/04,matrix-${documents}</edXML:DocumentId>`,
    );
  return Buffer.from(text);
}

function statusFrom(from: string, statusCode: string): Buffer {
  return Buffer.from(
    buildStatusMessage({
      from: { organId: from },
      responseFor: { organId: SENDER, documentId: SAMPLE_EDXML_ID },
      statusCode,
      timestamp: formatEdxmlTimestamp(deps.clock.now()),
    }),
  );
}

const only = (agencyId: string) => (json: Json) => {
  expect(json.items?.every((item) => item.agencyId === agencyId)).toBe(true);
};

/**
 * Rows for something only the sender may read: the recipients named in the
 * document and an unrelated agency all get 404, as for an id that does not exist.
 */
function visibleOnlyToTheSender(what: string, request: (world: World) => Request): Row[] {
  return (
    [
      ['sender', SENDER, 200],
      ['recipient', RECIPIENT, 404],
      ['other recipient', OTHER_RECIPIENT, 404],
      ['unrelated', UNRELATED, 404],
    ] as const
  ).map(([caller, as, status]) => ({
    caller,
    as,
    what,
    request,
    status,
    ...(status === 404 ? { code: 'NOT_FOUND' } : {}),
  }));
}

/** An acknowledgement of one inbox item. */
function acknowledgement(messageId: string, result: 'done' | 'failed'): Request {
  return {
    pathParameters: { messageId },
    body: Buffer.from(JSON.stringify({ result })),
  };
}

/** Rows for an operator route: every agency, however well it signs, gets 401. */
function refusedToAgencies(routeKey: string): [string, Row[]] {
  const request = (world: World): Request =>
    routeKey.includes('{documentId}') ? { pathParameters: { documentId: world.documentId } } : {};
  const rows = (
    [
      ['sender', SENDER],
      ['recipient', RECIPIENT],
      ['unrelated', UNRELATED],
    ] as const
  ).map(
    ([caller, as]): Row => ({
      caller,
      as,
      what: 'an operator route with its agency signature',
      request,
      status: 401,
      code: 'OPERATOR_UNAUTHENTICATED',
    }),
  );
  return [routeKey, rows];
}

const MATRIX: Record<string, readonly Row[]> = {
  ...Object.fromEntries(OPERATOR_ROUTES.map(refusedToAgencies)),
  'POST /v1/documents': [
    {
      caller: 'sender',
      as: SENDER,
      what: 'its own document',
      request: () => ({ body: documentFrom(SENDER) }),
      status: 202,
    },
    {
      caller: 'sender',
      as: SENDER,
      what: 'a document from a unit it sends for',
      request: () => ({ body: documentFrom(UNIT) }),
      status: 202,
    },
    {
      caller: 'recipient',
      as: RECIPIENT,
      what: "the sender's document",
      request: () => ({ body: documentFrom(SENDER) }),
      status: 403,
      code: 'SENDER_MISMATCH',
    },
    {
      caller: 'unrelated',
      as: UNRELATED,
      what: "the sender's document",
      request: () => ({ body: documentFrom(SENDER) }),
      status: 403,
      code: 'SENDER_MISMATCH',
    },
    {
      caller: 'unrelated',
      as: UNRELATED,
      what: "a document from the sender's unit",
      request: () => ({ body: documentFrom(UNIT) }),
      status: 403,
      code: 'SENDER_MISMATCH',
    },
    {
      caller: 'unrelated',
      as: UNRELATED,
      what: 'a document from itself',
      request: () => ({ body: documentFrom(UNRELATED) }),
      status: 202,
    },
  ],
  'POST /v1/statuses': [
    {
      caller: 'recipient',
      as: RECIPIENT,
      what: 'its own status 04',
      request: () => ({ body: statusFrom(RECIPIENT, '04') }),
      status: 202,
    },
    {
      caller: 'other recipient',
      as: OTHER_RECIPIENT,
      what: 'its own status 01',
      request: () => ({ body: statusFrom(OTHER_RECIPIENT, '01') }),
      status: 202,
    },
    {
      caller: 'sender',
      as: SENDER,
      what: 'a status from itself',
      request: () => ({ body: statusFrom(SENDER, '03') }),
      status: 403,
      code: 'NOT_A_RECIPIENT',
    },
    {
      caller: 'unrelated',
      as: UNRELATED,
      what: 'a status from itself',
      request: () => ({ body: statusFrom(UNRELATED, '03') }),
      status: 403,
      code: 'NOT_A_RECIPIENT',
    },
    {
      caller: 'unrelated',
      as: UNRELATED,
      what: 'a status in the name of a recipient',
      request: () => ({ body: statusFrom(RECIPIENT, '04') }),
      status: 403,
      code: 'SENDER_MISMATCH',
    },
  ],
  'GET /v1/inbox': [
    {
      caller: 'sender',
      as: SENDER,
      what: 'its inbox (the status and the rejection sent back to it)',
      request: () => ({}),
      status: 200,
      check: (json, { documentId, statusId, refusedId, rejectionId }) => {
        only(SENDER)(json);
        expect(json.items).toHaveLength(2);
        expect(json.items).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ messageId: statusId, kind: 'status', documentId }),
            expect.objectContaining({
              messageId: rejectionId,
              kind: 'rejection',
              documentId: refusedId,
            }),
          ]),
        );
      },
    },
    {
      caller: 'recipient',
      as: RECIPIENT,
      what: 'its inbox (the document)',
      request: () => ({}),
      status: 200,
      check: (json, { documentId }) => {
        only(RECIPIENT)(json);
        expect(json.items).toEqual([
          expect.objectContaining({ messageId: documentId, kind: 'document' }),
        ]);
      },
    },
    {
      caller: 'unrelated',
      as: UNRELATED,
      what: 'its inbox (nothing)',
      request: () => ({}),
      status: 200,
      check: (json) => expect(json.items).toEqual([]),
    },
  ],
  'POST /v1/inbox/{messageId}/ack': [
    {
      caller: 'recipient',
      as: RECIPIENT,
      what: 'done for the document in its inbox',
      request: ({ documentId }) => acknowledgement(documentId, 'done'),
      status: 200,
      check: (json, { documentId }) =>
        expect(json).toMatchObject({ agencyId: RECIPIENT, messageId: documentId, result: 'done' }),
    },
    {
      caller: 'sender',
      as: SENDER,
      what: 'failed for the status in its inbox',
      request: ({ statusId }) => acknowledgement(statusId, 'failed'),
      status: 200,
      check: (json) => expect(json).toMatchObject({ agencyId: SENDER, failureCount: 1 }),
    },
    {
      caller: 'sender',
      as: SENDER,
      what: 'done for the document it sent (in the recipients’ inboxes, not its own)',
      request: ({ documentId }) => acknowledgement(documentId, 'done'),
      status: 404,
      code: 'NOT_FOUND',
    },
    {
      caller: 'other recipient',
      as: OTHER_RECIPIENT,
      what: "done for the status in the sender's inbox",
      request: ({ statusId }) => acknowledgement(statusId, 'done'),
      status: 404,
      code: 'NOT_FOUND',
    },
    {
      caller: 'unrelated',
      as: UNRELATED,
      what: 'done for the document',
      request: ({ documentId }) => acknowledgement(documentId, 'done'),
      status: 404,
      code: 'NOT_FOUND',
    },
  ],
  'GET /v1/agencies': (
    [
      ['sender', SENDER],
      ['recipient', RECIPIENT],
      ['unrelated', UNRELATED],
    ] as const
  ).map(
    ([caller, as]): Row => ({
      caller,
      as,
      what: 'the national directory under 000.00.00',
      request: () => ({ query: { prefix: '000.00.00.' } }),
      status: 200,
      check: (json) => {
        expect(json.items).toEqual(
          expect.arrayContaining([
            { id: RECIPIENT, name: 'UBND tỉnh Nghệ An', parentId: null, connected: true },
            { id: DIRECTORY_ONLY, name: 'Bộ Ngoại giao', parentId: null, connected: false },
          ]),
        );
        expect(JSON.stringify(json)).not.toMatch(/publicKeySpki|channel|url/);
      },
    }),
  ),
  'GET /v1/agencies/{agencyId}': [
    {
      caller: 'sender',
      as: SENDER,
      what: 'a connected agency',
      request: () => ({ pathParameters: { agencyId: RECIPIENT } }),
      status: 200,
      check: (json) => expect(json).toEqual(expect.objectContaining({ connected: true })),
    },
    {
      caller: 'recipient',
      as: RECIPIENT,
      what: 'an agency in the directory only',
      request: () => ({ pathParameters: { agencyId: DIRECTORY_ONLY } }),
      status: 200,
      check: (json) => expect(json).toEqual(expect.objectContaining({ connected: false })),
    },
    {
      caller: 'unrelated',
      as: UNRELATED,
      what: 'an agency nobody has heard of',
      request: () => ({ pathParameters: { agencyId: '000.00.00.X00' } }),
      status: 404,
      code: 'NOT_FOUND',
    },
  ],
  'GET /v1/messages/{messageId}': [
    ...visibleOnlyToTheSender('a document not verified yet', ({ pendingId }) => ({
      pathParameters: { messageId: pendingId },
    })),
    ...visibleOnlyToTheSender('a refused document', ({ refusedId }) => ({
      pathParameters: { messageId: refusedId },
    })),
    ...visibleOnlyToTheSender("the axis's rejection of a refused document", ({ rejectionId }) => ({
      pathParameters: { messageId: rejectionId },
    })),
    ...(
      [
        ['sender', SENDER, 200],
        ['recipient', RECIPIENT, 200],
        ['other recipient', OTHER_RECIPIENT, 200],
        ['unrelated', UNRELATED, 404],
      ] as const
    ).map(
      ([caller, as, status]): Row => ({
        caller,
        as,
        what: 'the document',
        request: ({ documentId }) => ({ pathParameters: { messageId: documentId } }),
        status,
        ...(status === 404
          ? { code: 'NOT_FOUND' }
          : {
              check: (_json, { documentId }, response) =>
                expect(response.headers?.['x-lienthong-message-id']).toBe(documentId),
            }),
      }),
    ),
    ...(
      [
        ['sender', SENDER, 200],
        ['recipient', RECIPIENT, 200],
        ['other recipient', OTHER_RECIPIENT, 404],
        ['unrelated', UNRELATED, 404],
      ] as const
    ).map(
      ([caller, as, status]): Row => ({
        caller,
        as,
        what: "the recipient's status",
        request: ({ statusId }) => ({ pathParameters: { messageId: statusId } }),
        status,
        ...(status === 404
          ? { code: 'NOT_FOUND' }
          : {
              check: (_json, { statusId }, response) =>
                expect(response.headers).toMatchObject({
                  'x-lienthong-message-id': statusId,
                  'x-lienthong-kind': 'status',
                }),
            }),
      }),
    ),
  ],
  'GET /v1/documents/{documentId}': [
    ...visibleOnlyToTheSender('the timeline of a document not verified yet', ({ pendingId }) => ({
      pathParameters: { documentId: pendingId },
    })),
    ...visibleOnlyToTheSender('the timeline of a refused document', ({ refusedId }) => ({
      pathParameters: { documentId: refusedId },
    })),
    {
      caller: 'sender',
      as: SENDER,
      what: 'the timeline',
      request: ({ documentId }) => ({ pathParameters: { documentId } }),
      status: 200,
      check: (json) =>
        expect(json.recipients?.map((line) => line.agencyId)).toEqual([
          NGHE_AN,
          CAO_BANG,
          HAI_PHONG,
        ]),
    },
    {
      caller: 'recipient',
      as: RECIPIENT,
      what: 'the timeline',
      request: ({ documentId }) => ({ pathParameters: { documentId } }),
      status: 200,
      check: (json) => expect(json.recipients?.map((line) => line.agencyId)).toEqual([RECIPIENT]),
    },
    {
      caller: 'other recipient',
      as: OTHER_RECIPIENT,
      what: 'the timeline',
      request: ({ documentId }) => ({ pathParameters: { documentId } }),
      status: 200,
      check: (json) =>
        expect(json.recipients?.map((line) => line.agencyId)).toEqual([OTHER_RECIPIENT]),
    },
    {
      caller: 'unrelated',
      as: UNRELATED,
      what: 'the timeline',
      request: ({ documentId }) => ({ pathParameters: { documentId } }),
      status: 404,
      code: 'NOT_FOUND',
    },
  ],
  'GET /.well-known/jwks.json': (
    [
      ['sender', SENDER],
      ['recipient', RECIPIENT],
      ['unrelated', UNRELATED],
    ] as const
  ).map(
    ([caller, as]): Row => ({
      caller,
      as,
      what: "the axis's public keys",
      request: () => ({}),
      status: 200,
      check: (json) =>
        expect(json.keys).toEqual([expect.objectContaining({ kid: deps.signer.keyId })]),
    }),
  ),
  'GET /v1/health': (
    [
      ['sender', SENDER],
      ['recipient', RECIPIENT],
      ['unrelated', UNRELATED],
    ] as const
  ).map(
    ([caller, as]): Row => ({
      caller,
      as,
      what: "the axis's health",
      request: () => ({}),
      status: 200,
      check: (json) => {
        expect(json.status).toBe('ok');
        expect(json.components).toEqual([
          { name: 'table:exchange', status: 'ok' },
          { name: 'queue:route', status: 'ok' },
        ]);
      },
    }),
  ),
  'GET /v1/openapi.json': (
    [
      ['sender', SENDER],
      ['recipient', RECIPIENT],
      ['unrelated', UNRELATED],
    ] as const
  ).map(
    ([caller, as]): Row => ({
      caller,
      as,
      what: "the API's description",
      request: () => ({}),
      status: 200,
      check: (json) => {
        expect(json.openapi).toMatch(/^3\.1\./);
        expect(Object.keys(json.paths ?? {})).toContain('/v1/inbox/{messageId}/ack');
      },
    }),
  ),
  'GET /console': (
    [
      ['sender', SENDER],
      ['recipient', RECIPIENT],
      ['unrelated', UNRELATED],
    ] as const
  ).map(
    ([caller, as]): Row => ({
      caller,
      as,
      what: "the operator console's page (no data in it)",
      request: () => ({}),
      status: 200,
      check: (_json, { documentId }, response) => {
        expect(response.headers?.['content-type']).toBe('text/html; charset=utf-8');
        expect(response.headers?.['content-security-policy']).toContain("default-src 'none'");
        expect(response.body).toContain('<h1>');
        expect(response.body).not.toContain(documentId);
        expect(response.body).not.toContain(RECIPIENT);
      },
    }),
  ),
};

/** A route's concrete path: each `{name}` replaced by its parameter. */
function pathOf(routeKey: string, parameters: Record<string, string> = {}): string {
  const template = routeKey.split(' ')[1] ?? '';
  return template.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const value = parameters[name];
    if (value === undefined) throw new Error(`no ${name} for ${routeKey}`);
    return encodeURIComponent(value);
  });
}

let requests = 0;

/** An HTTP API (payload 2.0) event; `headers` decide who the caller claims to be. */
function apiEvent(
  routeKey: string,
  request: Request,
  headers: Record<string, string>,
): APIGatewayProxyEventV2 {
  requests += 1;
  const method = routeKey.split(' ')[0] ?? 'GET';
  const path = pathOf(routeKey, request.pathParameters);
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: new URLSearchParams(request.query ?? {}).toString(),
    headers: { host: 'api.lienthong.example.vn', ...headers },
    ...(request.query ? { queryStringParameters: request.query } : {}),
    ...(request.pathParameters ? { pathParameters: request.pathParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api1234567',
      domainName: 'api.lienthong.example.vn',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'matrix' },
      requestId: `matrix-${requests}`,
      routeKey,
      stage: '$default',
      time: '04/Dec/2026:09:00:00 +0000',
      timeEpoch: Date.parse('2026-12-04T09:00:00Z'),
    },
    ...(request.body ? { body: Buffer.from(request.body).toString('base64') } : {}),
    isBase64Encoded: request.body !== undefined,
  };
}

/** The LT1-ES256 headers `credential` would send for this request. */
function signedFor(credential: AgencyCredential, routeKey: string, request: Request) {
  return signRequest(credential, {
    method: routeKey.split(' ')[0] ?? 'GET',
    path: pathOf(routeKey, request.pathParameters),
    query: request.query,
    body: request.body,
    now: deps.clock.now(),
  });
}

// Long enough for the whole file: the handlers never run near their budget.
const context = createLambdaContext({ functionName: 'lienthong-matrix', timeoutSeconds: 900 });

async function send(routeKey: string, event: APIGatewayProxyEventV2) {
  const handler = handlers[routeKey];
  if (!handler) throw new Error(`no handler loaded for ${routeKey}`);
  const response = await handler(event, context);
  const text = response.isBase64Encoded ? '' : (response.body ?? '');
  const json = (text.startsWith('{') ? JSON.parse(text) : {}) as Json;
  return { response, json };
}

/** A request each route can take from a signed-in caller, to test who may send it at all. */
function ordinaryRequest(routeKey: string): Request {
  const row = MATRIX[routeKey]?.[0];
  if (!row) throw new Error(`no row for ${routeKey}`);
  return row.request(world);
}

beforeAll(async () => {
  const root = new URL('../../../', import.meta.url);
  const loaded = await Promise.all(
    ROUTES.map(async ({ fn, routeKey }) => {
      const module = (await import(new URL(FUNCTIONS[fn].entry, root).href)) as {
        handler: Handler;
      };
      return [routeKey, module.handler] as const;
    }),
  );
  handlers = Object.fromEntries(loaded);
});

beforeEach(async () => {
  deps = fakeDependencies();
  useDependencies(deps);
  agencies = await registerAgencies(deps, [
    { agencyId: SENDER, sendsFor: [UNIT] },
    NGHE_AN,
    CAO_BANG,
    HAI_PHONG,
    UNRELATED,
  ]);
  await deps.nationalDirectory.putAll(
    [
      [RECIPIENT, 'UBND tỉnh Nghệ An'],
      [DIRECTORY_ONLY, 'Bộ Ngoại giao'],
    ].map(([agencyId = '', name = '']) => ({ agencyId, name, importedAt: '2026-12-04T08:00:00Z' })),
  );
  const sender = registeredAs(agencies, SENDER).agency;
  const { documentId } = await submitDocument(
    deps,
    sender,
    Buffer.from(sampleText(THREE_PROVINCES_FILE)),
  );
  await verifyDocument(deps, { documentId });
  const routeDeps = { ...deps, maxReceiveCount: 5, leaseMs: 15_000 };
  const status = await reportStatus(
    deps,
    registeredAs(agencies, RECIPIENT).agency,
    statusFrom(RECIPIENT, '03'),
  );
  const { documentId: pendingId } = await submitDocument(deps, sender, documentFrom(SENDER));
  const { documentId: refusedId } = await submitDocument(deps, sender, documentFrom(SENDER));
  // The stored bytes no longer match their digest: verification refuses the document.
  deps.payloads.objects.set(`documents/${refusedId}.edxml`, Buffer.from('altered'));
  expect(await verifyDocument(deps, { documentId: refusedId })).toBe('rejected');
  for (const request of deps.routeQueue.sent.splice(0)) await routeMessage(routeDeps, request, 1);
  world = {
    documentId,
    statusId: status.messageId,
    pendingId,
    refusedId,
    rejectionId: rejectionIdFor(refusedId),
  };
});

describe('the authorisation matrix', () => {
  it('has rows for every route in the wiring, and only for those', () => {
    expect(ROUTES.length).toBeGreaterThan(0);
    expect(Object.keys(MATRIX).sort()).toEqual(ROUTES.map((route) => route.routeKey).sort());
  });

  it('asks the sender, a recipient and an unrelated agency on every route', () => {
    for (const [routeKey, rows] of Object.entries(MATRIX)) {
      const callers = new Set(rows.map((row) => row.caller));
      expect([...callers], routeKey).toEqual(
        expect.arrayContaining(['sender', 'recipient', 'unrelated']),
      );
    }
  });

  const rows = Object.entries(MATRIX).flatMap(([routeKey, list]) =>
    list.map((row): [string, Row & { routeKey: string }] => [
      `${routeKey}: the ${row.caller === 'unrelated' ? 'unrelated agency' : row.caller} ` +
        `(${row.as}) ${routeKey.startsWith('POST ') ? 'sending' : 'reading'} ${row.what}` +
        ` gets ${row.status}` +
        (row.code ? ` ${row.code}` : ''),
      { routeKey, ...row },
    ]),
  );

  it.each(rows)('%s', async (_name, { routeKey, as, request, status, code, check }) => {
    const input = request(world);
    const before = storedCounts(deps);
    const spent = deps.nonces.spent.size;
    const headers = signedFor(registeredAs(agencies, as).credential, routeKey, input);

    const { response, json } = await send(routeKey, apiEvent(routeKey, input, headers));

    expect(response.statusCode, response.body).toBe(status);
    if (code) expect(json.error).toMatchObject({ code });
    check?.(json, world, response);
    if (status >= 400 || routeKey.startsWith('GET ')) {
      expect(storedCounts(deps)).toEqual(before);
    }
    // Operator routes refuse agencies before any nonce is looked at.
    const authenticated = !PUBLIC_ROUTES.includes(routeKey) && !OPERATOR_ROUTES.includes(routeKey);
    expect(deps.nonces.spent.size).toBe(spent + (authenticated ? 1 : 0));
  });
});

const PROTECTED = ROUTES.filter(
  ({ routeKey }) => !PUBLIC_ROUTES.includes(routeKey) && !OPERATOR_ROUTES.includes(routeKey),
).map((route): [string, typeof route] => [route.routeKey, route]);

describe('requests without credentials', () => {
  it('are answered only on public routes (JWKS, health, OpenAPI, console), with 200', async () => {
    const answered: Array<{ routeKey: string; status?: number }> = [];
    for (const { routeKey } of ROUTES) {
      const { response } = await send(routeKey, apiEvent(routeKey, ordinaryRequest(routeKey), {}));
      if (response.statusCode !== 401) answered.push({ routeKey, status: response.statusCode });
    }
    expect(answered).toEqual([
      { routeKey: 'GET /.well-known/jwks.json', status: 200 },
      { routeKey: 'GET /v1/health', status: 200 },
      { routeKey: 'GET /v1/openapi.json', status: 200 },
      { routeKey: 'GET /console', status: 200 },
    ]);
    expect(PUBLIC_ROUTES).toEqual([
      'GET /.well-known/jwks.json',
      'GET /v1/health',
      'GET /v1/openapi.json',
      'GET /console',
    ]);
  });

  it.each(PROTECTED)(
    '%s answers no credentials with 401 UNAUTHENTICATED and changes nothing',
    async (_name, { routeKey }) => {
      const before = storedCounts(deps);

      const { response, json } = await send(
        routeKey,
        apiEvent(routeKey, ordinaryRequest(routeKey), {}),
      );

      expect(response.statusCode).toBe(401);
      expect(json.error).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(response.headers?.['www-authenticate']).toBe(CHALLENGE);
      expect(storedCounts(deps)).toEqual(before);
      expect(deps.nonces.spent.size).toBe(0);
    },
  );
});

describe('signed requests that do not hold', () => {
  it.each(PROTECTED)(
    '%s refuses a signature made for another path with 401 BAD_REQUEST_SIGNATURE',
    async (_name, { routeKey }) => {
      const input = ordinaryRequest(routeKey);
      const credential = registeredAs(agencies, MATRIX[routeKey]?.[0]?.as ?? SENDER).credential;
      const method = routeKey.split(' ')[0] ?? 'GET';
      const headers = signRequest(credential, {
        method,
        path: '/v1/somewhere-else',
        body: input.body,
        now: deps.clock.now(),
      });
      const before = storedCounts(deps);

      const { response, json } = await send(routeKey, apiEvent(routeKey, input, headers));

      expect(response.statusCode).toBe(401);
      expect(json.error).toMatchObject({ code: 'BAD_REQUEST_SIGNATURE' });
      expect(response.headers?.['www-authenticate']).toBe(CHALLENGE);
      expect(storedCounts(deps)).toEqual(before);
      expect(deps.nonces.spent.size).toBe(0);
    },
  );

  it.each(PROTECTED)(
    '%s answers the same signed request twice only once (REPLAYED_REQUEST)',
    async (_name, { routeKey }) => {
      const input = ordinaryRequest(routeKey);
      const row = MATRIX[routeKey]?.[0];
      const credential = registeredAs(agencies, row?.as ?? SENDER).credential;
      const event = apiEvent(routeKey, input, signedFor(credential, routeKey, input));

      const first = await send(routeKey, event);
      const afterFirst = storedCounts(deps);
      const replay = await send(routeKey, event);

      expect(first.response.statusCode).toBe(row?.status);
      expect(replay.response.statusCode).toBe(401);
      expect(replay.json.error).toMatchObject({ code: 'REPLAYED_REQUEST' });
      expect(replay.response.headers?.['www-authenticate']).toBe(CHALLENGE);
      expect(storedCounts(deps)).toEqual(afterFirst);
    },
  );
});

describe('operator routes', () => {
  const OPERATOR_ROWS = OPERATOR_ROUTES.map((routeKey): [string, string] => [routeKey, routeKey]);
  let token: string;

  const operatorRequest = (routeKey: string): Request =>
    routeKey.includes('{documentId}') ? { pathParameters: { documentId: world.documentId } } : {};
  const asOperator = (routeKey: string, bearer = token) =>
    send(
      routeKey,
      apiEvent(routeKey, operatorRequest(routeKey), { authorization: `Bearer ${bearer}` }),
    );

  beforeEach(async () => {
    ({ token } = await createOperator(deps, { name: 'Trực ban', actor: 'matrix' }));
  });

  it.each(OPERATOR_ROWS)('%s answers an operator with a valid token', async (_name, routeKey) => {
    const before = storedCounts(deps);

    const { response } = await asOperator(routeKey);

    expect(response.statusCode, response.body).toBe(200);
    expect(storedCounts(deps)).toEqual(before);
    expect(deps.nonces.spent.size).toBe(0);
  });

  it.each(OPERATOR_ROWS)(
    '%s refuses no token, a wrong one and a revoked one with 401 OPERATOR_UNAUTHENTICATED',
    async (_name, routeKey) => {
      const none = await send(routeKey, apiEvent(routeKey, operatorRequest(routeKey), {}));
      const wrong = await asOperator(routeKey, `${token.slice(0, -4)}AAAA`);
      const operators = await deps.operators.list();
      for (const { operatorId } of operators) {
        await revokeOperator(deps, { operatorId, actor: 'matrix' });
      }
      const revoked = await asOperator(routeKey);

      for (const { response, json } of [none, wrong, revoked]) {
        expect(response.statusCode).toBe(401);
        expect(json.error).toMatchObject({ code: 'OPERATOR_UNAUTHENTICATED' });
        expect(response.headers?.['www-authenticate']).toBe(OPERATOR_CHALLENGE);
      }
      expect(
        new Set([none, wrong, revoked].map(({ json }) => JSON.stringify(json.error?.code))),
      ).toEqual(new Set(['"OPERATOR_UNAUTHENTICATED"']));
    },
  );

  it.each(PROTECTED)(
    '%s refuses an operator token with 401 UNAUTHENTICATED',
    async (_name, { routeKey }) => {
      const before = storedCounts(deps);

      const { response, json } = await send(
        routeKey,
        apiEvent(routeKey, ordinaryRequest(routeKey), { authorization: `Bearer ${token}` }),
      );

      expect(response.statusCode).toBe(401);
      expect(json.error).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(storedCounts(deps)).toEqual(before);
      expect(deps.nonces.spent.size).toBe(0);
    },
  );

  it('shows every agency with its state, and a pull agency connected once it listed', async () => {
    const inboxRequest = {};
    const headers = signedFor(
      registeredAs(agencies, RECIPIENT).credential,
      'GET /v1/inbox',
      inboxRequest,
    );
    await send('GET /v1/inbox', apiEvent('GET /v1/inbox', inboxRequest, headers));

    const { json } = await asOperator('GET /v1/operator/agencies');

    const items = (json as { items?: Array<{ agencyId: string; connection: { state: string } }> })
      .items;
    expect(items?.map((item) => item.agencyId)).toEqual(
      [SENDER, RECIPIENT, OTHER_RECIPIENT, HAI_PHONG, UNRELATED].sort(),
    );
    expect(items?.find((item) => item.agencyId === RECIPIENT)?.connection).toMatchObject({
      state: 'connected',
      lastPollAt: deps.clock.now().toISOString(),
    });
    expect(JSON.stringify(json)).not.toMatch(/publicKeySpki/);
  });

  it('shows recent documents and one document’s whole timeline', async () => {
    const documents = await asOperator('GET /v1/operator/documents');
    const timeline = await asOperator('GET /v1/operator/documents/{documentId}');

    const listed = (documents.json as { items?: Array<{ documentId: string }> }).items;
    expect(listed?.map((item) => item.documentId)).toContain(world.documentId);
    expect(timeline.json.recipients?.map((line) => line.agencyId)).toEqual([
      NGHE_AN,
      CAO_BANG,
      HAI_PHONG,
    ]);
  });
});
