import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type HttpApi, startHttpApi } from '../../../local/httpApi';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** node:http rather than fetch: repeated headers and exact bytes must go out as written. */
function send(
  base: string,
  method: string,
  path: string,
  headers: OutgoingHttpHeaders = {},
  body?: Buffer,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function json(response: RawResponse): unknown {
  return JSON.parse(response.body.toString('utf8'));
}

const seen: Array<{ event: APIGatewayProxyEventV2; context: Context }> = [];
const handlerErrors: unknown[] = [];
let result: unknown;
let api: HttpApi;

const record = async (event: APIGatewayProxyEventV2, context: Context) => {
  seen.push({ event, context });
  return result;
};

beforeAll(async () => {
  api = await startHttpApi({
    maxBodyBytes: 1024,
    onHandlerError: (error) => handlerErrors.push(error),
    routes: [
      {
        routeKey: 'POST /v1/documents',
        handler: record,
        functionName: 'submit',
        timeoutSeconds: 10,
      },
      { routeKey: 'GET /v1/messages/{messageId}', handler: record, functionName: 'download' },
      { routeKey: 'GET /v1/messages/latest', handler: async () => 'literal', functionName: 'x' },
      {
        routeKey: 'GET /v1/boom',
        handler: async () => {
          throw new Error('secret detail');
        },
        functionName: 'boom',
      },
      {
        routeKey: 'GET /v1/slow',
        handler: () => new Promise((resolve) => setTimeout(resolve, 2_000)),
        functionName: 'slow',
        timeoutSeconds: 0.2,
      },
    ],
  });
});

afterAll(async () => {
  await api.close();
});

describe('request to event', () => {
  test('builds an HTTP API payload 2.0 event with the exact body bytes', async () => {
    seen.length = 0;
    result = { statusCode: 202, body: '' };
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0x41]);
    const response = await send(
      api.url,
      'POST',
      '/v1/documents?b=2&a=x%20y&b=3&flag',
      {
        'X-Custom': ['One', 'Two'],
        'Content-Type': 'application/octet-stream',
        Cookie: 'session=abc; theme=dark',
        'User-Agent': 'lienthong-test',
      },
      bytes,
    );
    expect(response.status).toBe(202);
    expect(seen).toHaveLength(1);
    const { event, context } = seen[0] as (typeof seen)[number];
    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('POST /v1/documents');
    expect(event.rawPath).toBe('/v1/documents');
    expect(event.rawQueryString).toBe('b=2&a=x%20y&b=3&flag');
    expect(event.queryStringParameters).toEqual({ a: 'x y', b: '2,3', flag: '' });
    expect(event.headers['x-custom']).toBe('One,Two');
    expect(event.headers['content-type']).toBe('application/octet-stream');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.cookies).toEqual(['session=abc', 'theme=dark']);
    expect(Object.keys(event.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(event.pathParameters).toBeUndefined();
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body as string, 'base64').equals(bytes)).toBe(true);
    const rc = event.requestContext;
    expect(rc.http).toEqual({
      method: 'POST',
      path: '/v1/documents',
      protocol: 'HTTP/1.1',
      sourceIp: '127.0.0.1',
      userAgent: 'lienthong-test',
    });
    expect(rc.routeKey).toBe('POST /v1/documents');
    expect(rc.stage).toBe('$default');
    expect(rc.domainName).toBe(api.url.replace('http://', ''));
    expect(rc.accountId).toMatch(/^\d{12}$/);
    expect(rc.requestId).toBe(response.headers['apigw-requestid']);
    expect(Math.abs(rc.timeEpoch - Date.now())).toBeLessThan(5_000);
    expect(rc.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(context.functionName).toBe('submit');
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(10_000);
  });

  test('decodes path parameters, prefers literal routes and omits an empty body', async () => {
    seen.length = 0;
    result = { statusCode: 200, body: 'ok' };
    const response = await send(api.url, 'GET', '/v1/messages/a%20b%2Fc');
    expect(response.status).toBe(200);
    const { event } = seen[0] as (typeof seen)[number];
    expect(event.routeKey).toBe('GET /v1/messages/{messageId}');
    expect(event.rawPath).toBe('/v1/messages/a%20b%2Fc');
    expect(event.pathParameters).toEqual({ messageId: 'a b/c' });
    expect(event.body).toBeUndefined();
    expect(event.isBase64Encoded).toBe(false);
    expect(event.queryStringParameters).toBeUndefined();
    const literal = await send(api.url, 'GET', '/v1/messages/latest');
    expect(literal.body.toString()).toBe('literal');
  });
});

describe('result to response', () => {
  test('maps status, headers, cookies and a base64 body byte for byte', async () => {
    const bytes = Buffer.from([0x00, 0xff, 0x10, 0x80]);
    result = {
      statusCode: 201,
      headers: { 'Content-Type': 'application/octet-stream', 'X-Count': 3 },
      cookies: ['a=1; Path=/', 'b=2'],
      body: bytes.toString('base64'),
      isBase64Encoded: true,
    };
    const response = await send(api.url, 'GET', '/v1/messages/m1');
    expect(response.status).toBe(201);
    expect(response.headers['content-type']).toBe('application/octet-stream');
    expect(response.headers['x-count']).toBe('3');
    expect(response.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2']);
    expect(response.body.equals(bytes)).toBe(true);
  });

  test('infers a 200 JSON response from a result without statusCode', async () => {
    result = { documentId: 'd1', recipients: ['000.00.00.G01'] };
    const fromObject = await send(api.url, 'GET', '/v1/messages/m2');
    expect(fromObject.status).toBe(200);
    expect(fromObject.headers['content-type']).toBe('application/json');
    expect(json(fromObject)).toEqual(result);
    result = 'plain words';
    const fromString = await send(api.url, 'GET', '/v1/messages/m3');
    expect(fromString.status).toBe(200);
    expect(fromString.headers['content-type']).toBe('application/json');
    expect(fromString.body.toString()).toBe('plain words');
  });
});

describe('API Gateway answers of its own', () => {
  test('404 for an unknown path or method', async () => {
    for (const [method, path] of [
      ['GET', '/v1/unknown'],
      ['GET', '/v1/documents'],
      ['DELETE', '/v1/messages/m1'],
      ['GET', '/v1/messages/'],
    ] as const) {
      const response = await send(api.url, method, path);
      expect(response.status).toBe(404);
      expect(json(response)).toEqual({
        error: { code: 'ROUTE_NOT_FOUND', message: expect.any(String) },
      });
    }
  });

  test('413 for a body over the limit, declared or streamed, and serving goes on', async () => {
    seen.length = 0;
    const declared = await fetch(`${api.url}/v1/documents`, {
      method: 'POST',
      body: Buffer.alloc(64 * 1024, 7),
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({
      error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) },
    });
    const streamed = await send(
      api.url,
      'POST',
      '/v1/documents',
      {
        'Transfer-Encoding': 'chunked',
      },
      Buffer.alloc(4 * 1024, 1),
    );
    expect(streamed.status).toBe(413);
    expect(seen).toHaveLength(0);
    result = { statusCode: 204 };
    const small = await send(api.url, 'POST', '/v1/documents', {}, Buffer.alloc(1024, 1));
    expect(small.status).toBe(204);
  });

  test('500 without details when a handler throws or times out; serving goes on', async () => {
    handlerErrors.length = 0;
    for (const path of ['/v1/boom', '/v1/slow']) {
      const response = await send(api.url, 'GET', path);
      expect(response.status).toBe(500);
      expect(json(response)).toEqual({
        error: { code: 'INTERNAL', message: 'Internal server error' },
      });
      expect(response.body.toString()).not.toContain('secret');
    }
    expect(handlerErrors.map((e) => (e as Error).message)).toEqual([
      'secret detail',
      'Task timed out after 0.20 seconds',
    ]);
    result = { statusCode: 200, body: 'still here' };
    const after = await send(api.url, 'GET', '/v1/messages/m4');
    expect(after.body.toString()).toBe('still here');
  });

  test('500 for a malformed structured result', async () => {
    result = { statusCode: 'teapot' };
    const response = await send(api.url, 'GET', '/v1/messages/m5');
    expect(response.status).toBe(500);
  });
});
