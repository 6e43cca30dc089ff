import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** What goes back on the wire for one handler result. */
export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly cookies: readonly string[];
  readonly body: Buffer;
}

export class InvalidResultError extends Error {
  constructor(message: string) {
    super(`invalid Lambda result for API Gateway: ${message}`);
    this.name = 'InvalidResultError';
  }
}

function isStructured(result: unknown): result is APIGatewayProxyStructuredResultV2 {
  return typeof result === 'object' && result !== null && 'statusCode' in result;
}

function inferred(result: unknown): HttpResponse {
  // A bare string is the body itself; anything else is serialised as JSON.
  const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(body, 'utf8'),
  };
}

/**
 * Maps a handler result as API Gateway does for payload format 2.0: a
 * result with a statusCode is taken field by field (base64 bodies decoded,
 * each cookie its own Set-Cookie); any other value is inferred to be a
 * 200 JSON response whose body is that value. A malformed structured result
 * throws, which the server turns into a 500 as API Gateway would.
 * See "Payload format version" in API Gateway's guide to Lambda proxy
 * integrations for HTTP APIs (http-api-develop-integrations-lambda).
 */
export function toHttpResponse(result: unknown): HttpResponse {
  if (!isStructured(result)) return inferred(result);
  const { statusCode, headers = {}, cookies = [], body, isBase64Encoded } = result;
  if (
    !Number.isInteger(statusCode) ||
    (statusCode as number) < 100 ||
    (statusCode as number) > 599
  ) {
    throw new InvalidResultError(`statusCode ${String(statusCode)}`);
  }
  if (body !== undefined && body !== null && typeof body !== 'string') {
    throw new InvalidResultError('body must be a string');
  }
  if (!Array.isArray(cookies)) throw new InvalidResultError('cookies must be an array');
  const flatHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && value !== null) flatHeaders[name.toLowerCase()] = String(value);
  }
  const text = body ?? '';
  return {
    statusCode: statusCode as number,
    headers: flatHeaders,
    cookies: cookies.map(String),
    body: isBase64Encoded ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8'),
  };
}

/** The JSON error body every local failure uses, `{"error":{"code","message"}}`. */
export function errorResponse(statusCode: number, code: string, message: string): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(JSON.stringify({ error: { code, message } }), 'utf8'),
  };
}
