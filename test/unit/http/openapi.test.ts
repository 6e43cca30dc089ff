import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { FUNCTIONS, type FunctionName } from '#shared/config/wiring';
import { AxisError } from '#shared/domain/AxisError';
import {
  buildOpenApiDocument,
  operationIdOf,
  SECURITY_SCHEMES,
  splitRoute,
  wiredRoutes,
} from '#shared/http/openapi';
import {
  acknowledgementBody,
  agenciesQuery,
  agencyParams,
  inboxQuery,
  operatorDocumentParams,
  operatorDocumentsQuery,
  parseRequestPart,
  ROUTE_SCHEMAS,
} from '#shared/http/schemas';
import { AGENCY_PAGE_MAX } from '#shared/services/agencyLookup';
import { INBOX_PAGE_MAX } from '#shared/services/readSide';
import { createLambdaContext } from '../../../local/lambdaContext';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const document = buildOpenApiDocument();
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every operation in the document, as `METHOD /path`. */
function documentedRoutes(): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => HTTP_METHODS.includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

function operation(route: string): Record<string, unknown> {
  const { method, path } = splitRoute(route);
  const found = document.paths[path]?.[method];
  if (!found) throw new Error(`no operation for ${route}`);
  return found;
}

/** What a validation throws, for assertions on code, message and fields. */
function refusal(run: () => unknown): AxisError {
  try {
    run();
  } catch (error) {
    if (error instanceof AxisError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('the OpenAPI document', () => {
  it('is JSON that survives a round trip, declaring OpenAPI 3.1', () => {
    const text = JSON.stringify(document);
    expect(JSON.parse(text)).toEqual(document);
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
  });

  it('has exactly one operation per wired route, and nothing the wiring does not declare', () => {
    const wired = (Object.keys(FUNCTIONS) as FunctionName[]).flatMap((name) => [
      ...FUNCTIONS[name].routes,
    ]);
    expect(new Set(wired).size).toBe(wired.length);
    expect(wiredRoutes()).toEqual(wired);

    const documented = documentedRoutes();
    expect(documented.sort()).toEqual([...wired].sort());
    expect(Object.keys(ROUTE_SCHEMAS).sort()).toEqual([...wired].sort());
  });

  it('gives every operation a unique operationId', () => {
    const ids = documentedRoutes().map((route) => operation(route).operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(operationIdOf('POST /v1/inbox/{messageId}/ack')).toBe('postV1InboxMessageIdAck');
  });

  it('names the security of every operation: public, agency signature or operator token', () => {
    const publicRoutes = [
      'GET /.well-known/jwks.json',
      'GET /v1/health',
      'GET /v1/openapi.json',
      'GET /console',
    ];
    for (const route of wiredRoutes()) {
      const { security } = operation(route);
      expect(Array.isArray(security), route).toBe(true);
      if (publicRoutes.includes(route)) {
        expect(security, route).toEqual([]);
      } else if (route.includes(' /v1/operator/')) {
        expect(security, route).toEqual([{ [SECURITY_SCHEMES.operatorToken]: [] }]);
      } else {
        expect(security, route).toEqual([{ [SECURITY_SCHEMES.agencySignature]: [] }]);
      }
    }
  });

  it('declares the security schemes the operations refer to', () => {
    const schemes = document.components.securitySchemes;
    expect(schemes[SECURITY_SCHEMES.operatorToken]).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    const signature = schemes[SECURITY_SCHEMES.agencySignature];
    expect(signature).toMatchObject({ type: 'apiKey', in: 'header', name: 'Authorization' });
    for (const header of [
      'x-lienthong-agency',
      'x-lienthong-key-id',
      'x-lienthong-timestamp',
      'x-lienthong-nonce',
      'x-lienthong-content-sha256',
    ]) {
      expect(signature?.description).toContain(header);
    }
  });

  it('lists the signature headers as required parameters of signed operations only', () => {
    const headersOf = (route: string) =>
      ((operation(route).parameters ?? []) as { name: string; in: string; required: boolean }[])
        .filter((parameter) => parameter.in === 'header')
        .map((parameter) => [parameter.name, parameter.required]);

    expect(headersOf('GET /v1/inbox')).toEqual(
      expect.arrayContaining([
        ['x-lienthong-agency', true],
        ['x-lienthong-nonce', true],
        ['x-lienthong-content-sha256', true],
      ]),
    );
    expect(headersOf('GET /v1/health')).toEqual([]);
    expect(headersOf('GET /v1/operator/documents')).toEqual([]);
  });

  it('declares each path template parameter as a required path parameter', () => {
    for (const route of wiredRoutes()) {
      const { path } = splitRoute(route);
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const declared = ((operation(route).parameters ?? []) as { name: string; in: string }[])
        .filter((parameter) => parameter.in === 'path')
        .map((parameter) => parameter.name);
      expect(declared, route).toEqual(templated);
    }
  });

  it('describes the query parameters with their bounds and defaults', () => {
    const query = (route: string) =>
      Object.fromEntries(
        ((operation(route).parameters ?? []) as { name: string; in: string; schema: unknown }[])
          .filter((parameter) => parameter.in === 'query')
          .map((parameter) => [parameter.name, parameter.schema]),
      );
    expect(query('GET /v1/inbox')).toEqual({
      limit: { type: 'integer', minimum: 1, maximum: INBOX_PAGE_MAX, default: INBOX_PAGE_MAX },
      cursor: { type: 'string' },
    });
    expect(query('GET /v1/agencies')).toMatchObject({
      prefix: { type: 'string', pattern: '^[A-Za-z0-9._-]{0,64}$' },
      limit: { maximum: AGENCY_PAGE_MAX },
    });
    expect(query('GET /v1/operator/documents')).toMatchObject({
      limit: { minimum: 1, maximum: 100, default: 20 },
    });
  });

  it('describes edXML bodies as application/xml and the acknowledgement as JSON', () => {
    for (const route of ['POST /v1/documents', 'POST /v1/statuses']) {
      const body = operation(route).requestBody as { content: Record<string, unknown> };
      expect(Object.keys(body.content), route).toEqual(['application/xml']);
    }
    const ack = operation('POST /v1/inbox/{messageId}/ack').requestBody as {
      content: Record<string, { schema: { oneOf: unknown[] } }>;
    };
    expect(ack.content['application/json']?.schema.oneOf).toHaveLength(2);
    expect(JSON.stringify(ack)).toContain('"additionalProperties":false');
  });

  it('answers every refusal in the error shape, naming the codes per status', () => {
    expect(document.components.schemas.Error).toMatchObject({
      type: 'object',
      required: ['error'],
    });
    for (const route of wiredRoutes()) {
      const responses = operation(route).responses as Record<string, { content?: unknown }>;
      expect(responses['500'], route).toBeDefined();
      const answers = ROUTE_SCHEMAS[route].otherAnswers ?? [];
      for (const [status, response] of Object.entries(responses)) {
        // Health's 503 is an answer in its own shape, not a refusal.
        if (Number(status) < 400 || answers.some((answer) => answer.status === Number(status))) {
          continue;
        }
        expect(JSON.stringify(response.content), `${route} ${status}`).toContain(
          '#/components/schemas/Error',
        );
      }
    }
    const ack = operation('POST /v1/inbox/{messageId}/ack').responses as Record<string, unknown>;
    expect(JSON.stringify(ack['400'])).toContain('INVALID_PARAMETER');
    expect(JSON.stringify(ack['401'])).toContain('BAD_REQUEST_SIGNATURE');
    expect(JSON.stringify(ack['404'])).toContain('NOT_FOUND');
    const submit = operation('POST /v1/documents').responses as Record<string, unknown>;
    expect(JSON.stringify(submit['422'])).toContain('UNKNOWN_RECIPIENT');
    expect(JSON.stringify(submit['413'])).toContain('PAYLOAD_TOO_LARGE');
    const operator = operation('GET /v1/operator/queues').responses as Record<string, unknown>;
    expect(JSON.stringify(operator['401'])).toContain('OPERATOR_UNAUTHENTICATED');
    const health = operation('GET /v1/health').responses as Record<string, unknown>;
    expect(Object.keys(health).sort()).toEqual(['200', '500', '503']);
  });

  it('refers only to components that exist', () => {
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"([^"]+)"/g)].map(
      (match) => match[1],
    );
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const name = ref?.replace('#/components/schemas/', '') ?? '';
      expect(document.components.schemas[name], ref).toBeDefined();
    }
  });
});

describe('the request schemas', () => {
  it('read inbox paging, with the page maximum as default', () => {
    expect(parseRequestPart(inboxQuery, {}, 'query')).toEqual({ limit: INBOX_PAGE_MAX });
    expect(parseRequestPart(inboxQuery, { limit: '5', cursor: 'abc' }, 'query')).toEqual({
      limit: 5,
      cursor: 'abc',
    });
  });

  it.each(['0', '101', 'ten', '2.5', ''])(
    'refuse inbox limit %j with INVALID_PARAMETER naming the field',
    (limit) => {
      const error = refusal(() => parseRequestPart(inboxQuery, { limit }, 'query'));
      expect(error).toMatchObject({ code: 'INVALID_PARAMETER', httpStatus: 400 });
      expect(error.message).toContain('query.limit');
      expect(error.details).toEqual({ fields: ['query.limit'] });
    },
  );

  it('read directory lookups and refuse a prefix with other characters', () => {
    expect(parseRequestPart(agenciesQuery, { prefix: '000.00' }, 'query')).toEqual({
      prefix: '000.00',
      limit: AGENCY_PAGE_MAX,
    });
    const error = refusal(() => parseRequestPart(agenciesQuery, { prefix: 'a b' }, 'query'));
    expect(error).toMatchObject({ code: 'INVALID_PARAMETER' });
    expect(error.message).toContain('query.prefix');
  });

  it('read the operator document listing with a default of 20 and a maximum of 100', () => {
    expect(parseRequestPart(operatorDocumentsQuery, {}, 'query')).toEqual({ limit: 20 });
    expect(parseRequestPart(operatorDocumentsQuery, { limit: '100' }, 'query')).toEqual({
      limit: 100,
    });
    expect(() => parseRequestPart(operatorDocumentsQuery, { limit: '101' }, 'query')).toThrow(
      AxisError,
    );
    const id = `doc_${'a'.repeat(26)}`;
    expect(parseRequestPart(operatorDocumentParams, { documentId: id }, 'path')).toEqual({
      documentId: id,
    });
  });

  it('refuse a missing path parameter with the code the caller names', () => {
    const error = refusal(() => parseRequestPart(agencyParams, {}, 'path', 'NOT_FOUND'));
    expect(error).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
    expect(error.message).toContain('path.agencyId');
  });

  it('accept the two acknowledgements and refuse anything else', () => {
    expect(acknowledgementBody.safeParse({ result: 'done' }).success).toBe(true);
    expect(acknowledgementBody.safeParse({ result: 'failed', reason: 'lỗi' }).success).toBe(true);
    for (const body of [
      {},
      { result: 'ok' },
      { result: 'done', reason: 'x' },
      { result: 'failed', reason: 1 },
      { result: 'failed', extra: true },
    ]) {
      expect(acknowledgementBody.safeParse(body).success, JSON.stringify(body)).toBe(false);
    }
  });

  it('never echo the refused value in the message', () => {
    const reason = `secret ${'x'.repeat(300)}`;
    const error = refusal(() =>
      parseRequestPart(acknowledgementBody, { result: 'failed', reason }, 'body'),
    );
    expect(error.message).toContain('body.reason');
    expect(error.message).not.toContain('secret');
  });
});

describe('GET /v1/openapi.json', () => {
  it('answers the same document to anyone, unsigned', async () => {
    const { handler } = await import('../../../functions/openapi/index');
    const event = {
      version: '2.0',
      routeKey: 'GET /v1/openapi.json',
      rawPath: '/v1/openapi.json',
      rawQueryString: '',
      headers: {},
      requestContext: { requestId: 'openapi-1', http: { method: 'GET' } },
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2;
    const context = createLambdaContext({ functionName: 'lienthong-openapi', timeoutSeconds: 10 });

    const first = await handler(event, context);
    const second = await handler(event, context);

    expect(first.statusCode).toBe(200);
    expect(first.headers?.['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(first.body ?? '')).toEqual(document);
    expect(second.body).toBe(first.body);
  });
});
