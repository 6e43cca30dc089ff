import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type AgencyCredential, signRequest } from '#shared/client/signRequest';
import { documentIdFor, sha256Hex } from '#shared/domain/ids';
import { buildStatusMessage, formatEdxmlTimestamp } from '#shared/edxml/buildStatusMessage';
import { useDependencies } from '#shared/runtime/dependencies';
import { routeMessage } from '#shared/services/routeMessage';
import { verifyDocument } from '#shared/services/verifyDocument';
import { handler as download } from '../../../functions/download/index';
import { handler as inbox } from '../../../functions/inbox/index';
import { handler as statusCallback } from '../../../functions/status-callback/index';
import { handler as submit } from '../../../functions/submit/index';
import { handler as timeline } from '../../../functions/timeline/index';
import { createLambdaContext } from '../../../local/lambdaContext';
import {
  CAO_BANG,
  GOVERNMENT_OFFICE,
  impostorOf,
  NGHE_AN,
  NOTHING_STORED,
  OUTSIDER,
  type Registered,
  registerAgencies,
  registeredAs,
  SAMPLE_EDXML_ID,
  sample,
  storedCounts,
  THREE_PROVINCES,
  THREE_PROVINCES_FILE,
} from '../../support/agencies';
import { fakeDependencies } from '../../support/fakes';

// Powertools reads POWERTOOLS_LOG_LEVEL when the handlers' logger is created: keep tests quiet.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

type Deps = ReturnType<typeof fakeDependencies>;

let deps: Deps;
let agencies: Map<string, Registered>;
let requests = 0;

interface RequestInit {
  readonly routeKey: string;
  readonly path: string;
  readonly as?: string;
  /** Signs with this credential instead of the registered agency's own. */
  readonly credential?: AgencyCredential;
  readonly headers?: Record<string, string>;
  readonly body?: Uint8Array;
  readonly base64?: boolean;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
}

/** An HTTP API (payload 2.0) event as API Gateway hands it to the function. */
function apiEvent(init: RequestInit): APIGatewayProxyEventV2 {
  requests += 1;
  const [method] = init.routeKey.split(' ');
  const credential =
    init.credential ?? (init.as ? registeredAs(agencies, init.as).credential : undefined);
  const signing = { method, path: init.path, query: init.query, body: init.body };
  const auth = credential ? signRequest(credential, { ...signing, now: deps.clock.now() }) : {};
  const base64 = init.base64 ?? true;
  const rawQueryString = new URLSearchParams(init.query ?? {}).toString();
  return {
    version: '2.0',
    routeKey: init.routeKey,
    rawPath: init.path,
    rawQueryString,
    headers: {
      host: 'api.lienthong.example.vn',
      'user-agent': 'unit-test',
      'content-type': 'application/xml',
      ...auth,
      ...init.headers,
    },
    ...(init.query ? { queryStringParameters: init.query } : {}),
    ...(init.pathParameters ? { pathParameters: init.pathParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api1234567',
      domainName: 'api.lienthong.example.vn',
      domainPrefix: 'api',
      http: {
        method,
        path: init.path,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'unit-test',
      },
      requestId: `request-${requests}`,
      routeKey: init.routeKey,
      stage: '$default',
      time: '04/Dec/2026:09:00:00 +0000',
      timeEpoch: Date.parse('2026-12-04T09:00:00Z'),
    },
    ...(init.body
      ? {
          body: base64
            ? Buffer.from(init.body).toString('base64')
            : Buffer.from(init.body).toString('utf8'),
        }
      : {}),
    isBase64Encoded: init.body !== undefined && base64,
  };
}

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

async function call(handler: Handler, init: RequestInit) {
  const event = apiEvent(init);
  const response = await handler(
    event,
    createLambdaContext({ functionName: 'lienthong-test', timeoutSeconds: 10 }),
  );
  return { event, response, json: () => JSON.parse(response.body ?? 'null') };
}

const postDocument = (body: Uint8Array, as = GOVERNMENT_OFFICE) =>
  call(submit, { routeKey: 'POST /v1/documents', path: '/v1/documents', as, body });

function statusBody(from: string, statusCode: string): Buffer {
  return Buffer.from(
    buildStatusMessage({
      from: { organId: from },
      responseFor: { organId: GOVERNMENT_OFFICE, documentId: SAMPLE_EDXML_ID },
      statusCode,
      timestamp: formatEdxmlTimestamp(deps.clock.now()),
    }),
  );
}

beforeEach(async () => {
  deps = fakeDependencies();
  useDependencies(deps);
  agencies = await registerAgencies(deps, [GOVERNMENT_OFFICE, ...THREE_PROVINCES, OUTSIDER]);
});

describe('POST /v1/documents', () => {
  it('answers 202 with the document id, recipients and duplicate flag', async () => {
    const body = sample(THREE_PROVINCES_FILE);

    const { response, json } = await postDocument(body);

    expect(response.statusCode).toBe(202);
    expect(response.headers?.['content-type']).toMatch(/^application\/json/);
    const documentId = documentIdFor(GOVERNMENT_OFFICE, sha256Hex(body));
    expect(json()).toEqual({ documentId, recipients: [...THREE_PROVINCES], duplicate: false });
    expect(deps.verifyQueue.sent).toEqual([{ documentId }]);
    const stored = deps.payloads.objects.get(`documents/${documentId}.edxml`);
    expect(Buffer.compare(stored ?? new Uint8Array(), body)).toBe(0);
  });

  it('takes a body that API Gateway did not base64-encode', async () => {
    const body = sample(THREE_PROVINCES_FILE);
    const { response } = await call(submit, {
      routeKey: 'POST /v1/documents',
      path: '/v1/documents',
      as: GOVERNMENT_OFFICE,
      body,
      base64: false,
    });
    expect(response.statusCode).toBe(202);
    const [stored] = deps.payloads.objects.values();
    expect(Buffer.compare(stored, body)).toBe(0);
  });

  it('answers a repeat with the same id and duplicate: true', async () => {
    const first = (await postDocument(sample(THREE_PROVINCES_FILE))).json();
    const { response, json } = await postDocument(sample(THREE_PROVINCES_FILE));
    expect(response.statusCode).toBe(202);
    expect(json()).toEqual({ ...first, duplicate: true });
  });

  it('answers a refusal with its status and the error shape, details and request id', async () => {
    deps.directory.agencies.delete(CAO_BANG);

    const { event, response, json } = await postDocument(sample(THREE_PROVINCES_FILE));

    expect(response.statusCode).toBe(422);
    expect(json()).toEqual({
      error: {
        code: 'UNKNOWN_RECIPIENT',
        message: expect.stringContaining(CAO_BANG),
        details: { unknown: [CAO_BANG] },
        requestId: event.requestContext.requestId,
      },
    });
    expect(storedCounts(deps)).toEqual(NOTHING_STORED);
  });

  it.each([
    [
      'a document from another agency',
      NGHE_AN,
      () => sample(THREE_PROVINCES_FILE),
      403,
      'SENDER_MISMATCH',
    ],
    [
      'bytes that are not XML',
      GOVERNMENT_OFFICE,
      () => Buffer.from('{"json":true}'),
      400,
      'NOT_XML',
    ],
    [
      'a status',
      NGHE_AN,
      () => sample('status_acceptance_03.edxml'),
      400,
      'STATUS_SENT_AS_DOCUMENT',
    ],
  ])('answers %s with %i %s', async (_name, as, body, status, code) => {
    const { response, json } = await postDocument(body(), as);
    expect(response.statusCode).toBe(status);
    expect(json().error).toMatchObject({ code, message: expect.any(String) });
    expect(storedCounts(deps)).toEqual(NOTHING_STORED);
  });

  it('answers a request without a body with 400 EMPTY_BODY', async () => {
    const { response, json } = await call(submit, {
      routeKey: 'POST /v1/documents',
      path: '/v1/documents',
      as: GOVERNMENT_OFFICE,
    });
    expect(response.statusCode).toBe(400);
    expect(json().error.code).toBe('EMPTY_BODY');
  });

  it.each([
    ['no credentials', undefined, 'UNAUTHENTICATED'],
    ['a signature by a key the axis does not hold', GOVERNMENT_OFFICE, 'BAD_REQUEST_SIGNATURE'],
    ['an unknown agency', '000.00.00.X00', 'UNAUTHENTICATED'],
  ])('answers %s with 401 %s and stores nothing', async (_name, claimed, code) => {
    const { response, json } = await call(submit, {
      routeKey: 'POST /v1/documents',
      path: '/v1/documents',
      body: sample(THREE_PROVINCES_FILE),
      ...(claimed ? { credential: impostorOf(claimed) } : {}),
    });
    expect(response.statusCode).toBe(401);
    expect(json().error).toMatchObject({ code });
    expect(storedCounts(deps)).toEqual(NOTHING_STORED);
    expect(deps.nonces.spent.size).toBe(0);
  });

  it.each([
    ['base64', true],
    ['plain text', false],
  ])('answers a %s body one byte over the limit with 413 and stores nothing', async (_n, b64) => {
    const body = sample(THREE_PROVINCES_FILE);
    useDependencies({ ...deps, maxBodyBytes: body.byteLength - 1 });

    const { response, json } = await call(submit, {
      routeKey: 'POST /v1/documents',
      path: '/v1/documents',
      as: GOVERNMENT_OFFICE,
      body,
      base64: b64,
    });

    expect(response.statusCode).toBe(413);
    expect(json().error).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      details: { limitBytes: body.byteLength - 1 },
    });
    expect(storedCounts(deps)).toEqual(NOTHING_STORED);
  });

  it('accepts a body of exactly the limit', async () => {
    const body = sample(THREE_PROVINCES_FILE);
    useDependencies({ ...deps, maxBodyBytes: body.byteLength });
    const { response } = await postDocument(body);
    expect(response.statusCode).toBe(202);
  });

  it('answers an unexpected failure with 500 INTERNAL and none of its text', async () => {
    vi.spyOn(deps.exchange, 'getDocument').mockRejectedValue(
      new Error('ProvisionedThroughputExceeded on table lienthong-exchange-secret'),
    );

    const { event, response, json } = await postDocument(sample(THREE_PROVINCES_FILE));

    expect(response.statusCode).toBe(500);
    expect(json()).toEqual({
      error: {
        code: 'INTERNAL',
        message: expect.any(String),
        requestId: event.requestContext.requestId,
      },
    });
    expect(response.body).not.toMatch(/Provisioned|lienthong-exchange|Error/);
  });
});

describe('POST /v1/statuses', () => {
  let documentId: string;

  beforeEach(async () => {
    ({ documentId } = (await postDocument(sample(THREE_PROVINCES_FILE))).json());
    await verifyDocument(deps, { documentId });
  });

  const postStatus = (body: Uint8Array, as: string) =>
    call(statusCallback, { routeKey: 'POST /v1/statuses', path: '/v1/statuses', as, body });

  it('answers 202 with the recorded status', async () => {
    const { response, json } = await postStatus(statusBody(NGHE_AN, '03'), NGHE_AN);
    expect(response.statusCode).toBe(202);
    expect(json()).toMatchObject({
      documentId,
      statusCode: '03',
      currentStatus: '03',
      duplicate: false,
    });
  });

  it.each([
    ['a non-recipient', OUTSIDER, '03', 403, 'NOT_A_RECIPIENT'],
    ['a take-back answer with no request', NGHE_AN, '15', 409, 'NO_TAKE_BACK_REQUESTED'],
    ['an unknown code', NGHE_AN, '99', 400, 'INVALID_STATUS_CODE'],
  ])('answers %s with %i %s', async (_name, from, code, status, errorCode) => {
    const { response, json } = await postStatus(statusBody(from, code), from);
    expect(response.statusCode).toBe(status);
    expect(json().error.code).toBe(errorCode);
    expect(deps.exchange.statuses.size).toBe(0);
  });
});

describe('GET /v1/messages/{messageId}', () => {
  let documentId: string;
  const body = sample(THREE_PROVINCES_FILE);

  beforeEach(async () => {
    ({ documentId } = (await postDocument(body)).json());
    // A recipient may read a document once the axis has verified it.
    await verifyDocument(deps, { documentId });
  });

  const get = (messageId: string, as: string) =>
    call(download, {
      routeKey: 'GET /v1/messages/{messageId}',
      path: `/v1/messages/${messageId}`,
      as,
      pathParameters: { messageId },
    });

  it.each([GOVERNMENT_OFFICE, NGHE_AN])(
    'gives %s base64 bytes identical to the submitted ones',
    async (as) => {
      const { response } = await get(documentId, as);
      expect(response.statusCode).toBe(200);
      expect(response.isBase64Encoded).toBe(true);
      expect(Buffer.compare(Buffer.from(response.body ?? '', 'base64'), body)).toBe(0);
      expect(response.headers).toMatchObject({
        'content-type': 'application/xml; charset=utf-8',
        'x-lienthong-message-id': documentId,
        'x-lienthong-document-id': documentId,
        'x-lienthong-kind': 'document',
        'x-lienthong-sha256': sha256Hex(body),
      });
    },
  );

  it.each([
    ['a third agency', () => documentId, OUTSIDER],
    ['a malformed id', () => '..%2F..%2Fetc', NGHE_AN],
  ])('answers %s with 404 NOT_FOUND', async (_name, id, as) => {
    const { response, json } = await get(id(), as);
    expect(response.statusCode).toBe(404);
    expect(json().error.code).toBe('NOT_FOUND');
    expect(response.body).not.toContain(SAMPLE_EDXML_ID);
  });
});

describe('GET /v1/inbox and GET /v1/documents/{documentId}', () => {
  let documentId: string;

  beforeEach(async () => {
    ({ documentId } = (await postDocument(sample(THREE_PROVINCES_FILE))).json());
    await verifyDocument(deps, { documentId });
    for (const request of deps.routeQueue.sent) {
      await routeMessage({ ...deps, maxReceiveCount: 5, leaseMs: 15_000 }, request, 1);
    }
  });

  const getInbox = (as: string, query?: Record<string, string>) =>
    call(inbox, { routeKey: 'GET /v1/inbox', path: '/v1/inbox', as, query });
  const getTimeline = (as: string) =>
    call(timeline, {
      routeKey: 'GET /v1/documents/{documentId}',
      path: `/v1/documents/${documentId}`,
      as,
      pathParameters: { documentId },
    });

  it('lists the caller’s inbox', async () => {
    const { response, json } = await getInbox(NGHE_AN, { limit: '10' });
    expect(response.statusCode).toBe(200);
    expect(json().items).toEqual([
      expect.objectContaining({ agencyId: NGHE_AN, messageId: documentId, kind: 'document' }),
    ]);
    expect((await getInbox(GOVERNMENT_OFFICE)).json().items).toEqual([]);
  });

  it.each(['0', '101', 'abc'])('answers limit=%s with 400 INVALID_PARAMETER', async (limit) => {
    const { response, json } = await getInbox(NGHE_AN, { limit });
    expect(response.statusCode).toBe(400);
    expect(json().error.code).toBe('INVALID_PARAMETER');
  });

  it('shows the sender every recipient and a recipient its own line', async () => {
    const forSender = await getTimeline(GOVERNMENT_OFFICE);
    expect(forSender.response.statusCode).toBe(200);
    expect(forSender.json().recipients).toHaveLength(3);
    const forRecipient = (await getTimeline(CAO_BANG)).json();
    expect(forRecipient.recipients.map((line: { agencyId: string }) => line.agencyId)).toEqual([
      CAO_BANG,
    ]);
  });

  it('answers a third agency’s timeline request with 404', async () => {
    const { response, json } = await getTimeline(OUTSIDER);
    expect(response.statusCode).toBe(404);
    expect(json().error.code).toBe('NOT_FOUND');
  });
});

describe('GET /.well-known/jwks.json', () => {
  it('answers without credentials, with a cacheable key set', async () => {
    const { handler: keys } = await import('../../../functions/keys/index');

    const response = (await keys(
      apiEvent({ routeKey: 'GET /.well-known/jwks.json', path: '/.well-known/jwks.json', as: '' }),
      {} as Context,
    )) as APIGatewayProxyStructuredResultV2;

    expect(response.statusCode).toBe(200);
    expect(response.headers?.['cache-control']).toBe('public, max-age=300');
    const body = JSON.parse(String(response.body));
    expect(body.keys).toEqual([expect.objectContaining({ kid: deps.signer.keyId, alg: 'ES256' })]);
  });
});
