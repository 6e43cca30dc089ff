import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { authenticateAgency } from '../auth/authenticateAgency';
import { authenticateOperator } from '../auth/authenticateOperator';
import { AxisError } from '../domain/AxisError';
import type { Agency, OperatorRecord } from '../domain/records';
import { logger } from '../observability/logger';
import { countMetricBy, METRIC, metricsMiddleware } from '../observability/metrics';
import { type Dependencies, dependencies } from '../runtime/dependencies';
import { errorResponse } from './responses';

export interface ApiRequest {
  readonly caller: Agency;
  readonly deps: Dependencies;
  readonly event: APIGatewayProxyEventV2;
  /** The request body's exact bytes (empty when there is none). */
  readonly body: Uint8Array;
  readonly pathParameters: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
}

export type ApiAction = (request: ApiRequest) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Wraps an HTTP action as a Lambda handler: every call is authenticated here,
 * the body is size-checked and decoded to bytes, the logger carries the
 * request's context, and refusals become the axis's JSON error shape.
 */
export function apiHandler(action: ApiAction) {
  return httpHandler(async (event, deps) => {
    const body = requestBody(event, deps.maxBodyBytes);
    const caller = await authenticateAgency(deps, {
      method: event.requestContext.http.method,
      path: event.rawPath,
      query: event.queryStringParameters ?? {},
      headers: event.headers ?? {},
      body,
    });
    logger.appendKeys({ agencyId: caller.agencyId });
    return action({
      caller,
      deps,
      event,
      body,
      pathParameters: event.pathParameters ?? {},
      query: event.queryStringParameters ?? {},
    });
  });
}

export interface OperatorApiRequest {
  readonly operator: OperatorRecord;
  readonly deps: Dependencies;
  readonly event: APIGatewayProxyEventV2;
  readonly pathParameters: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
}

export type OperatorApiAction = (
  request: OperatorApiRequest,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The same, for the operator routes: the caller is an operator with a bearer
 * token, never an agency (an agency's signature is refused here, and an
 * operator's token on an agency route). Operator routes read only, so no
 * body is taken.
 */
export function operatorApiHandler(action: OperatorApiAction) {
  return httpHandler(async (event, deps) => {
    const operator = await authenticateOperator(deps, event.headers ?? {});
    logger.appendKeys({ operatorId: operator.operatorId });
    return action({
      operator,
      deps,
      event,
      pathParameters: event.pathParameters ?? {},
      query: event.queryStringParameters ?? {},
    });
  });
}

/**
 * The same, for the few answers that are public by nature and take no body,
 * such as the axis's public keys: no caller is identified.
 */
export function publicApiHandler(
  action: (deps: Dependencies) => Promise<APIGatewayProxyStructuredResultV2>,
) {
  return httpHandler((_event, deps) => action(deps));
}

function httpHandler(
  run: (
    event: APIGatewayProxyEventV2,
    deps: Dependencies,
  ) => Promise<APIGatewayProxyStructuredResultV2>,
) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(metricsMiddleware())
    .handler(async (event, context) => {
      const started = Date.now();
      const requestId = event.requestContext?.requestId ?? context.awsRequestId;
      logger.appendKeys({ requestId, route: event.routeKey });
      let response: APIGatewayProxyStructuredResultV2;
      try {
        response = await run(event, dependencies());
      } catch (error) {
        response = errorResponse(error, requestId);
        logRefusal(error, response.statusCode ?? 500);
      }
      logger.info('request answered', {
        status: response.statusCode,
        durationMs: Date.now() - started,
      });
      return response;
    });
}

function requestBody(event: APIGatewayProxyEventV2, maxBytes: number): Uint8Array {
  if (!event.body) return new Uint8Array();
  // Estimate first, so an oversized body is refused before it is decoded.
  const estimate = event.isBase64Encoded ? Math.floor((event.body.length * 3) / 4) : 0;
  if (estimate > maxBytes + 2) throw tooLarge(maxBytes);
  const bytes = event.isBase64Encoded
    ? Buffer.from(event.body, 'base64')
    : Buffer.from(event.body, 'utf8');
  if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
  return bytes;
}

function tooLarge(maxBytes: number): AxisError {
  return new AxisError('PAYLOAD_TOO_LARGE', `the body exceeds the limit of ${maxBytes} bytes`, {
    limitBytes: maxBytes,
  });
}

function logRefusal(error: unknown, status: number): void {
  if (error instanceof AxisError) {
    logger.info('request refused', { code: error.code, status });
    countMetricBy(METRIC.requestsRefused, 'code', error.code);
  } else {
    logger.error('request failed', error as Error);
    countMetricBy(METRIC.requestsRefused, 'code', 'INTERNAL');
  }
}
