import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AxisError } from '../domain/AxisError';

/** JSON answers in one shape, so integrators parse one thing. */
export function jsonResponse(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

/** Exact bytes, base64 on the wire so API Gateway passes them through untouched. */
export function bytesResponse(
  bytes: Uint8Array,
  headers: Record<string, string>,
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: 200,
    headers: { 'cache-control': 'no-store', ...headers },
    body: Buffer.from(bytes).toString('base64'),
    isBase64Encoded: true,
  };
}

/**
 * `{"error":{"code":"UNKNOWN_RECIPIENT","message":"…","details":{…}}}`.
 * Anything that is not an AxisError is the axis's fault: a 500 that tells the
 * caller nothing of the internals, with a request id to quote to operators.
 */
export function errorResponse(
  error: unknown,
  requestId: string,
): APIGatewayProxyStructuredResultV2 {
  if (error instanceof AxisError) {
    const response = jsonResponse(error.httpStatus, {
      error: {
        code: error.code,
        message: error.message,
        ...(error.details ? { details: error.details } : {}),
        requestId,
      },
    });
    // RFC 9110 asks a 401 to name the scheme the client should use: operator
    // routes take a bearer token, every other route an agency's signature.
    if (error.httpStatus === 401) {
      const challenge =
        error.code === 'OPERATOR_UNAUTHENTICATED'
          ? 'Bearer realm="lienthong-operator"'
          : 'LT1-ES256 realm="lienthong"';
      response.headers = { ...response.headers, 'www-authenticate': challenge };
    }
    return response;
  }
  return jsonResponse(500, {
    error: { code: 'INTERNAL', message: 'internal error; quote the requestId', requestId },
  });
}
