import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { newRequestId, toApiGatewayEvent } from './apiGatewayEvent';
import { errorResponse, type HttpResponse, toHttpResponse } from './apiGatewayResult';
import { createLambdaContext, invokeWithTimeout, type LambdaHandler } from './lambdaContext';
import { type CompiledRoute, compileRoute, matchRoute } from './routes';

export interface HttpRoute {
  /** `METHOD /path/{param}`, as in the wiring. */
  readonly routeKey: string;
  readonly handler: LambdaHandler<APIGatewayProxyEventV2, unknown>;
  readonly functionName: string;
  /** The function's timeout; API Gateway itself gives up after 30 s. */
  readonly timeoutSeconds?: number;
  readonly memoryMb?: number;
}

export interface HttpApiOptions {
  /** 0 or absent: any free port. The server binds 127.0.0.1 only. */
  readonly port?: number;
  readonly routes: readonly HttpRoute[];
  /** API Gateway's payload limit by default. */
  readonly maxBodyBytes?: number;
  /** Where a throwing handler's error goes; the client only sees a bare 500. */
  readonly onHandlerError?: (error: unknown, routeKey: string) => void;
}

export interface HttpApi {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly url: string;
  close(): Promise<void>;
}

/** HTTP APIs accept request payloads up to 10 MB. */
export const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
const API_GATEWAY_TIMEOUT_SECONDS = 30;
/**
 * After a 413, how much more of the upload is read and dropped before
 * hanging up: what the client declared, within a hard cap, so a client that
 * sends its whole body still reads the answer instead of a reset.
 */
const DRAIN_DEFAULT_BYTES = 1024 * 1024;
const DRAIN_CAP_BYTES = 64 * 1024 * 1024;
const DRAIN_TIMEOUT_MS = 10_000;

type BodyOutcome = { readonly body: Buffer } | { readonly tooLarge: true };

/** Reads the body up to `limit` bytes; past it, stops collecting and says so. */
function readBody(request: IncomingMessage, limit: number): Promise<BodyOutcome> {
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (declared > limit) return Promise.resolve({ tooLarge: true });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.off('data', onData);
        request.off('end', onEnd);
        chunks.length = 0;
        resolve({ tooLarge: true });
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = () => resolve({ body: Buffer.concat(chunks, size) });
    request.on('data', onData);
    request.once('end', onEnd);
    request.once('error', reject);
  });
}

/**
 * Drops what is left of an upload that will not be used (oversized, or for
 * no route) so the client, still sending, can read the answer; a client
 * that keeps going past the drain allowance or time is cut off, so nothing
 * grows without bound.
 */
function drain(request: IncomingMessage): void {
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  const allowance = Number.isSafeInteger(declared)
    ? Math.min(declared, DRAIN_CAP_BYTES)
    : DRAIN_DEFAULT_BYTES;
  let dropped = 0;
  const cutOff = setTimeout(() => request.socket.destroy(), DRAIN_TIMEOUT_MS);
  cutOff.unref();
  request.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > allowance) request.socket.destroy();
  });
  request.once('end', () => clearTimeout(cutOff));
  request.once('close', () => clearTimeout(cutOff));
  request.resume();
}

function send(res: ServerResponse, response: HttpResponse, requestId: string): void {
  const headers: OutgoingHttpHeaders = { ...response.headers };
  headers['content-length'] = String(response.body.length);
  headers['apigw-requestid'] = requestId;
  if (response.cookies.length > 0) headers['set-cookie'] = [...response.cookies];
  res.writeHead(response.statusCode, headers);
  res.end(response.body);
}

async function answer(
  request: IncomingMessage,
  res: ServerResponse,
  routes: readonly CompiledRoute<HttpRoute>[],
  options: HttpApiOptions,
): Promise<void> {
  const receivedAt = new Date();
  const requestId = newRequestId();
  const rawPath = (request.url ?? '/').split('?')[0] as string;
  const found = matchRoute(routes, request.method ?? 'GET', rawPath);
  if (found === undefined) {
    drain(request);
    const message = `no route for ${request.method} ${rawPath}`;
    send(res, errorResponse(404, 'ROUTE_NOT_FOUND', message), requestId);
    return;
  }
  const limit = options.maxBodyBytes ?? API_GATEWAY_MAX_BODY_BYTES;
  const outcome = await readBody(request, limit);
  if ('tooLarge' in outcome) {
    drain(request);
    const message = `request body exceeds ${limit} bytes`;
    send(res, errorResponse(413, 'PAYLOAD_TOO_LARGE', message), requestId);
    return;
  }
  const route = found.route.target;
  const event = toApiGatewayEvent({
    request,
    body: outcome.body,
    routeKey: route.routeKey,
    pathParameters: found.pathParameters,
    requestId,
    receivedAt,
  });
  const timeoutSeconds = Math.min(
    route.timeoutSeconds ?? API_GATEWAY_TIMEOUT_SECONDS,
    API_GATEWAY_TIMEOUT_SECONDS,
  );
  const context = createLambdaContext({
    functionName: route.functionName,
    timeoutSeconds,
    memoryMb: route.memoryMb,
  });
  let response: HttpResponse;
  try {
    response = toHttpResponse(
      await invokeWithTimeout(route.handler, event, context, timeoutSeconds),
    );
  } catch (error) {
    (options.onHandlerError ?? reportHandlerError)(error, route.routeKey);
    response = errorResponse(500, 'INTERNAL', 'Internal server error');
  }
  send(res, response, requestId);
}

function reportHandlerError(error: unknown, routeKey: string): void {
  console.error(`[local api] ${routeKey} failed:`, error);
}

/**
 * Serves the given routes on 127.0.0.1 the way API Gateway's HTTP API
 * with Lambda proxy integrations (payload 2.0) would: one event per
 * request, the handler's result mapped back, API Gateway's own answers for
 * unknown routes (404), oversized bodies (413) and failed handlers (500,
 * details kept out of the response).
 */
export async function startHttpApi(options: HttpApiOptions): Promise<HttpApi> {
  const routes = options.routes.map((route) => compileRoute(route.routeKey, route));
  const server = createServer((request, res) => {
    answer(request, res, routes, options).catch((error: unknown) => {
      // Only I/O on a broken connection gets here; there is nobody left to answer.
      if (!res.headersSent) res.destroy(error as Error);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
