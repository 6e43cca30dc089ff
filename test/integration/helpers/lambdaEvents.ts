import { randomUUID } from 'node:crypto';
import type { Message } from '@aws-sdk/client-sqs';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import { type AgencyCredential, signRequest } from '#shared/client/signRequest';
import { createLambdaContext } from '../../../local/lambdaContext';

/** Who calls: an agency id, one of its key ids and the private key that signs for it. */
export type Credentials = AgencyCredential;

export interface ApiCall {
  /** `METHOD /path/{param}`, as the function is wired. */
  readonly routeKey: string;
  /** The concrete path, e.g. `/v1/messages/doc_…`. */
  readonly path: string;
  /** Signs the request (LT1-ES256) at the time of the call; absent: no credentials. */
  readonly caller?: Credentials;
  /** Sent instead of headers signed for this request: a replay or a forgery. */
  readonly signedHeaders?: Record<string, string>;
  readonly body?: Uint8Array;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
}

export type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export type QueueHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** A Lambda context for one invocation of `functionName`, with a 10 s budget. */
export function lambdaContext(functionName: string): Context {
  return createLambdaContext({ functionName, timeoutSeconds: 10, memoryMb: 512 });
}

/** An HTTP API (payload format 2.0) event; bodies go base64-encoded, as binary ones do. */
export function apiEvent(call: ApiCall): APIGatewayProxyEventV2 {
  const [method = 'GET'] = call.routeKey.split(' ');
  const headers: Record<string, string> = {
    host: 'api.lienthong.test',
    'user-agent': 'integration-test',
  };
  if (call.body) headers['content-type'] = 'application/xml';
  const now = new Date();
  if (call.signedHeaders) {
    Object.assign(headers, call.signedHeaders);
  } else if (call.caller) {
    Object.assign(headers, signedHeadersFor(call.caller, call, now));
  }
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: call.routeKey,
    rawPath: call.path,
    rawQueryString: new URLSearchParams(call.query ?? {}).toString(),
    headers,
    requestContext: {
      accountId: '000000000000',
      apiId: 'integration',
      domainName: 'api.lienthong.test',
      domainPrefix: 'api',
      http: {
        method,
        path: call.path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'integration-test',
      },
      requestId: randomUUID(),
      routeKey: call.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: call.body !== undefined && call.body.byteLength > 0,
  };
  if (call.body && call.body.byteLength > 0) {
    event.body = Buffer.from(call.body).toString('base64');
  }
  if (call.query) event.queryStringParameters = call.query;
  if (call.pathParameters) event.pathParameters = call.pathParameters;
  return event;
}

/** The LT1-ES256 headers `caller` sends for `call` at `now`. */
export function signedHeadersFor(
  caller: Credentials,
  call: ApiCall,
  now = new Date(),
): Record<string, string> {
  return signRequest(caller, {
    method: call.routeKey.split(' ')[0] ?? 'GET',
    path: call.path,
    query: call.query,
    body: call.body,
    now,
  });
}

/** Calls an HTTP function and parses its JSON answer (undefined for a byte answer). */
export async function invokeApi(handler: ApiHandler, call: ApiCall) {
  const response = await handler(apiEvent(call), lambdaContext('lienthong-integration'));
  const type = String(response.headers?.['content-type'] ?? '');
  const json = type.startsWith('application/json')
    ? (JSON.parse(response.body ?? 'null') as Record<string, unknown>)
    : undefined;
  return { status: response.statusCode ?? 0, json, response };
}

/** Received SQS messages as the records of the event Lambda's mapping delivers. */
export function sqsEvent(messages: readonly Message[], queueArn: string): SQSEvent {
  const records = messages.map(
    (message): SQSRecord => ({
      messageId: message.MessageId as string,
      receiptHandle: message.ReceiptHandle as string,
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
        SenderId: message.Attributes?.SenderId ?? 'integration',
        ApproximateFirstReceiveTimestamp:
          message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: process.env.AWS_REGION ?? 'ap-southeast-1',
    }),
  );
  return { Records: records };
}
