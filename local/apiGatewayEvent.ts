import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** Fixed identity of the local API, in the shapes API Gateway uses. */
export const LOCAL_API_ID = 'local';
const LOCAL_ACCOUNT = '000000000000';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, the format of requestContext.time. */
function requestTime(at: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const date = `${two(at.getUTCDate())}/${MONTHS[at.getUTCMonth()]}/${at.getUTCFullYear()}`;
  const time = `${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())}`;
  return `${date}:${time} +0000`;
}

/** API Gateway's request ids are 16 base64 characters; this keeps the look. */
export function newRequestId(): string {
  return randomBytes(12).toString('base64');
}

/**
 * Header names lower-cased and repeats joined with commas, from the raw
 * header list so nothing Node merges its own way is lost. Cookies travel
 * separately in payload 2.0, so the cookie header is split out.
 */
function headersAndCookies(rawHeaders: readonly string[]) {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase();
    const value = rawHeaders[i + 1] as string;
    if (name === 'cookie') {
      for (const cookie of value.split(';')) if (cookie.trim() !== '') cookies.push(cookie.trim());
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return { headers, cookies };
}

function decodeQueryComponent(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

/** Repeated parameters are joined with commas, as payload 2.0 has no multi-value map. */
function queryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const parameters: Record<string, string> = {};
  for (const pair of rawQueryString.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = decodeQueryComponent(equals < 0 ? pair : pair.slice(0, equals));
    const value = equals < 0 ? '' : decodeQueryComponent(pair.slice(equals + 1));
    parameters[name] = name in parameters ? `${parameters[name]},${value}` : value;
  }
  return Object.keys(parameters).length === 0 ? undefined : parameters;
}

export interface EventInput {
  readonly request: IncomingMessage;
  readonly body: Buffer;
  readonly routeKey: string;
  readonly pathParameters: Record<string, string>;
  readonly requestId: string;
  readonly receivedAt: Date;
}

/**
 * An API Gateway HTTP API (payload format 2.0) event for one request. The
 * body always goes base64-encoded so binary payloads (signed edXML) reach
 * the handler byte for byte; handlers must honour isBase64Encoded anyway.
 * See "Payload format version" in API Gateway's guide to Lambda proxy
 * integrations for HTTP APIs (http-api-develop-integrations-lambda).
 */
export function toApiGatewayEvent(input: EventInput): APIGatewayProxyEventV2 {
  const { request, body } = input;
  const target = request.url ?? '/';
  const question = target.indexOf('?');
  const rawPath = question < 0 ? target : target.slice(0, question);
  const rawQueryString = question < 0 ? '' : target.slice(question + 1);
  const { headers, cookies } = headersAndCookies(request.rawHeaders);
  const domainName = headers.host ?? '127.0.0.1';
  const sourceIp = (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: LOCAL_API_ID,
      domainName,
      domainPrefix: domainName.split('.')[0] as string,
      http: {
        method: request.method ?? 'GET',
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: input.requestId,
      routeKey: input.routeKey,
      stage: '$default',
      time: requestTime(input.receivedAt),
      timeEpoch: input.receivedAt.getTime(),
    },
    isBase64Encoded: body.length > 0,
  };
  if (cookies.length > 0) event.cookies = cookies;
  const query = queryParameters(rawQueryString);
  if (query !== undefined) event.queryStringParameters = query;
  if (Object.keys(input.pathParameters).length > 0) event.pathParameters = input.pathParameters;
  if (body.length > 0) event.body = body.toString('base64');
  return event;
}
