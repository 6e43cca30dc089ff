import { z } from 'zod';
import {
  AUTH_HEADERS,
  NONCE_PATTERN,
  REPLAY_WINDOW_SECONDS,
  SCHEME,
} from '../auth/requestSignature';
import { FUNCTIONS, type FunctionName } from '../config/wiring';
import { ERROR_CODES, type ErrorCode } from '../domain/AxisError';
import {
  AGENCY_AUTH_ERRORS,
  type AnswerBody,
  errorBody,
  OPERATOR_AUTH_ERRORS,
  ROUTE_SCHEMAS,
  type RouteSchemas,
  type RouteSecurity,
  type WiredRoute,
} from './schemas';

/**
 * The axis's OpenAPI 3.1 description, built from the wiring (which routes
 * exist) and the request schemas (what each accepts and answers), so it
 * cannot describe a route the axis does not serve nor miss one it does.
 */

type JsonObject = Record<string, unknown>;

export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: JsonObject;
  readonly paths: Record<string, Record<string, JsonObject>>;
  readonly components: {
    readonly schemas: Record<string, JsonObject>;
    readonly securitySchemes: Record<string, JsonObject>;
  };
}

export const OPENAPI_VERSION = '3.1.0';

/** Names of the security schemes in `components.securitySchemes`. */
export const SECURITY_SCHEMES = {
  agencySignature: 'LT1-ES256',
  operatorToken: 'OperatorToken',
} as const;

/** Every `METHOD /path` route the wiring declares, in declaration order. */
export function wiredRoutes(): WiredRoute[] {
  const names = Object.keys(FUNCTIONS) as FunctionName[];
  return names.flatMap((name) => [...FUNCTIONS[name].routes]);
}

/** Splits `GET /v1/inbox` into its method and path. */
export function splitRoute(route: string): { method: string; path: string } {
  const [method = '', path = ''] = route.split(' ');
  return { method: method.toLowerCase(), path };
}

/** Builds the whole document; cheap enough to build once per process. */
export function buildOpenApiDocument(): OpenApiDocument {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of wiredRoutes()) {
    const { method, path } = splitRoute(route);
    const operations = paths[path] ?? {};
    operations[method] = operationFor(route, ROUTE_SCHEMAS[route]);
    paths[path] = operations;
  }
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: 'Lienthong document exchange axis',
      version: '1.0.0',
      description:
        'Exchange of edXML documents and processing statuses (QCVN 102:2016/BTTTT) between ' +
        'the agencies connected to this axis. Every refusal has the shape of the `Error` ' +
        'schema; integrators match on `error.code`.',
    },
    paths,
    components: {
      schemas: { Error: jsonSchemaOf(errorBody, 'output') },
      securitySchemes: {
        [SECURITY_SCHEMES.agencySignature]: {
          // OpenAPI has no type for a signature scheme: the scheme's token is
          // carried by the Authorization header, described with its companions.
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: agencySignatureDescription(),
        },
        [SECURITY_SCHEMES.operatorToken]: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An operator token issued by the axis administrators, sent as ' +
            '`Authorization: Bearer <token>`. The axis stores only its SHA-256.',
        },
      },
    },
  };
}

function agencySignatureDescription(): string {
  return [
    `Every agency request is signed with the \`${SCHEME}\` scheme: ECDSA P-256 with SHA-256, ` +
      'by a key whose public half is registered with the axis.',
    '',
    `- \`${AUTH_HEADERS.agency}\`: the calling agency's identifier`,
    `- \`${AUTH_HEADERS.keyId}\`: which of its registered keys signed`,
    `- \`${AUTH_HEADERS.timestamp}\`: Unix seconds, within ${REPLAY_WINDOW_SECONDS} s ` +
      "of the axis's clock",
    `- \`${AUTH_HEADERS.nonce}\`: 16 to 64 URL-safe characters, never reused`,
    `- \`${AUTH_HEADERS.contentSha256}\`: hex SHA-256 of the exact body (of nothing for GET)`,
    `- \`Authorization: ${SCHEME} <base64url r||s>\`: the signature`,
    '',
    'The signature covers, one per line: the scheme name, the method, the path, the query ' +
      'with its parameters sorted and percent-encoded, the agency, the key id, the timestamp, ' +
      'the nonce and the body digest.',
  ].join('\n');
}

function operationFor(route: WiredRoute, schemas: RouteSchemas): JsonObject {
  const parameters = [
    ...parametersOf(schemas.params, 'path'),
    ...parametersOf(schemas.query, 'query'),
    ...(schemas.security === 'agencySignature' ? signatureHeaders() : []),
  ];
  return {
    operationId: operationIdOf(route),
    summary: schemas.summary,
    tags: [tagOf(schemas.security)],
    security: securityOf(schemas.security),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(schemas.body ? { requestBody: requestBodyOf(schemas.body) } : {}),
    responses: responsesOf(schemas),
  };
}

/** `GET /v1/inbox/{messageId}/ack` → `postV1InboxMessageIdAck`: stable and unique per route. */
export function operationIdOf(route: string): string {
  const { method, path } = splitRoute(route);
  const words = path
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word[0]?.toUpperCase() + word.slice(1));
  return method + words.join('');
}

function tagOf(security: RouteSecurity): string {
  if (security === 'agencySignature') return 'agencies';
  if (security === 'operatorToken') return 'operators';
  return 'public';
}

/** An empty list says in so many words that the route is public. */
function securityOf(security: RouteSecurity): Record<string, string[]>[] {
  if (security === 'agencySignature') return [{ [SECURITY_SCHEMES.agencySignature]: [] }];
  if (security === 'operatorToken') return [{ [SECURITY_SCHEMES.operatorToken]: [] }];
  return [];
}

function parametersOf(schema: z.ZodObject | undefined, where: 'path' | 'query'): JsonObject[] {
  if (!schema) return [];
  const object = jsonSchemaOf(schema, 'input');
  const properties = (object.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      // OpenAPI requires every path parameter to be required.
      required: where === 'path' || required.has(name),
      ...(description === undefined ? {} : { description }),
      schema: rest,
    };
  });
}

/** The signed-request headers, beside Authorization which the security scheme names. */
function signatureHeaders(): JsonObject[] {
  const header = (name: string, description: string, schema: JsonObject) => ({
    name,
    in: 'header',
    required: true,
    description,
    schema,
  });
  return [
    header(AUTH_HEADERS.agency, "The calling agency's identifier.", { type: 'string' }),
    header(AUTH_HEADERS.keyId, 'Which of its registered keys signed.', { type: 'string' }),
    header(AUTH_HEADERS.timestamp, 'Unix seconds.', { type: 'string', pattern: '^[0-9]+$' }),
    header(AUTH_HEADERS.nonce, 'Never reused.', {
      type: 'string',
      pattern: NONCE_PATTERN.source,
    }),
    header(AUTH_HEADERS.contentSha256, 'Hex SHA-256 of the exact body.', {
      type: 'string',
      pattern: '^[0-9a-f]{64}$',
    }),
  ];
}

function requestBodyOf(body: NonNullable<RouteSchemas['body']>): JsonObject {
  if (body.contentType === 'application/json') {
    return {
      required: true,
      content: { 'application/json': { schema: jsonSchemaOf(body.schema, 'input') } },
    };
  }
  return {
    required: true,
    description: body.description,
    content: { 'application/xml': { schema: { type: 'string' } } },
  };
}

function responsesOf(schemas: RouteSchemas): Record<string, JsonObject> {
  const responses: Record<string, JsonObject> = {
    [String(schemas.answer.status)]: answerOf(
      schemas.answer.status === 202 ? 'Accepted' : 'OK',
      schemas.answer.body,
    ),
  };
  for (const other of schemas.otherAnswers ?? []) {
    responses[String(other.status)] = answerOf(other.description, other.body);
  }
  for (const [status, codes] of refusalsByStatus(schemas)) {
    responses[String(status)] = refusalOf(codes);
  }
  responses['500'] = refusalOf(['INTERNAL']);
  return responses;
}

function answerOf(description: string, body: AnswerBody): JsonObject {
  const schema = 'schema' in body ? jsonSchemaOf(body.schema, 'output') : undefined;
  return {
    description: 'schema' in body ? description : `${description}: ${body.description}`,
    content: { [body.contentType]: schema ? { schema } : {} },
  };
}

/** The route's own refusals and its security scheme's, grouped by HTTP status. */
function refusalsByStatus(schemas: RouteSchemas): Map<number, ErrorCode[]> {
  const scheme =
    schemas.security === 'agencySignature'
      ? AGENCY_AUTH_ERRORS
      : schemas.security === 'operatorToken'
        ? OPERATOR_AUTH_ERRORS
        : [];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set([...scheme, ...schemas.errors])) {
    const status = ERROR_CODES[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}

/** The error shape, with `error.code` narrowed to the codes this answer may carry. */
function refusalOf(codes: readonly string[]): JsonObject {
  return {
    description: `Refused: ${codes.join(', ')}`,
    content: {
      'application/json': {
        schema: {
          allOf: [
            { $ref: '#/components/schemas/Error' },
            {
              type: 'object',
              properties: { error: { type: 'object', properties: { code: { enum: codes } } } },
            },
          ],
        },
      },
    },
  };
}

/**
 * A schema as JSON Schema 2020-12, the dialect of OpenAPI 3.1. Requests are
 * described as sent (`input`: a defaulted field is optional), answers as the
 * axis writes them (`output`). The `$schema` line is left out: the document
 * declares the dialect once.
 */
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
  }) as JsonObject;
  return rest;
}
