import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError } from '#shared/config/config';
import {
  ENV,
  FUNCTIONS,
  type FunctionName,
  QUEUES,
  SETTING_DEFAULTS,
  TABLES,
  type TableName,
} from '#shared/config/wiring';
import { buildStatusMessage, formatEdxmlTimestamp } from '#shared/edxml/buildStatusMessage';
import {
  createDependencies,
  type Dependencies,
  useDependencies,
} from '#shared/runtime/dependencies';
import { submitDocument } from '#shared/services/submitDocument';
import { verifyDocument } from '#shared/services/verifyDocument';
import { handler as download } from '../../../functions/download/index';
import { handler as inbox } from '../../../functions/inbox/index';
import { handler as keys } from '../../../functions/keys/index';
import { handler as route } from '../../../functions/route/index';
import { handler as statusCallback } from '../../../functions/status-callback/index';
import { handler as submit } from '../../../functions/submit/index';
import { handler as timeline } from '../../../functions/timeline/index';
import { handler as verify } from '../../../functions/verify/index';
import { createLambdaContext } from '../../../local/lambdaContext';
import {
  GOVERNMENT_OFFICE,
  NGHE_AN,
  type Registered,
  registerAgencies,
  registeredAs,
  SAMPLE_EDXML_ID,
  sample,
  THREE_PROVINCES,
  THREE_PROVINCES_FILE,
} from '../../support/agencies';
import { fakeDependencies } from '../../support/fakes';

/**
 * Deployed, each function gets only the environment variables of what the
 * wiring says it uses, and the real dependencies build an adapter only when
 * it is first touched. These tests give each handler exactly that: a port
 * whose settings the function would not have throws ConfigurationError, as
 * the real one does; the others are the in-memory fakes.
 */

// Powertools reads POWERTOOLS_LOG_LEVEL when the handlers' logger is created: keep tests quiet.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

type Deps = ReturnType<typeof fakeDependencies>;

const PORTS = [
  'directory',
  'exchange',
  'inbox',
  'nonces',
  'signers',
  'audit',
  'trust',
  'payloads',
  'verifyQueue',
  'routeQueue',
  'signer',
  'webhook',
  'publicKeys',
] as const;

/** The variables the stack sets for a function, read from the same wiring declaration. */
function environmentOf(name: FunctionName): Record<string, string> {
  const declaration = FUNCTIONS[name];
  const env: Record<string, string> = {};
  for (const table of Object.keys(declaration.tables) as TableName[]) {
    env[TABLES[table].env] = `lienthong-${table}`;
  }
  if ('bucket' in declaration) env[ENV.payloadBucket] = 'lienthong-payloads';
  for (const queue of declaration.sendsTo) {
    env[QUEUES[queue].env] = `https://sqs.ap-southeast-1.amazonaws.com/123456789012/${queue}`;
  }
  if (declaration.signingKey.length > 0) {
    env[ENV.signingKeyId] = 'arn:aws:kms:ap-southeast-1:123456789012:key/test';
  }
  for (const setting of declaration.settings) env[setting] = SETTING_DEFAULTS[setting] ?? '';
  return env;
}

function deployedAs(name: FunctionName, fakes: Deps): Dependencies {
  const real = createDependencies(environmentOf(name));
  const deps: Record<string, unknown> = { clock: fakes.clock };
  for (const port of PORTS) {
    Object.defineProperty(deps, port, {
      enumerable: true,
      get: () => {
        // Throws ConfigurationError when the function lacks this port's settings.
        if (!real[port]) throw new Error(`no ${port}`);
        return fakes[port];
      },
    });
  }
  Object.defineProperty(deps, 'maxBodyBytes', { enumerable: true, get: () => real.maxBodyBytes });
  Object.defineProperty(deps, 'routeMaxReceiveCount', {
    enumerable: true,
    get: () => real.routeMaxReceiveCount,
  });
  Object.defineProperty(deps, 'deliveryLeaseMs', {
    enumerable: true,
    get: () => real.deliveryLeaseMs,
  });
  return deps as unknown as Dependencies;
}

// Long enough for the whole file: the handlers never run near their budget.
const context = createLambdaContext({ functionName: 'lienthong-deployed', timeoutSeconds: 900 });

let fakes: Deps;
let agencies: Map<string, Registered>;
let documentId: string;

function apiEvent(
  routeKey: string,
  as: string,
  extra: { body?: Uint8Array; pathParameters?: Record<string, string> } = {},
): APIGatewayProxyEventV2 {
  const [method, path] = routeKey.split(' ');
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: registeredAs(agencies, as).signedHeaders({ method, path, body: extra.body }),
    ...(extra.pathParameters ? { pathParameters: extra.pathParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api1234567',
      domainName: 'api.lienthong.example.vn',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'test' },
      requestId: 'request-deployed',
      routeKey,
      stage: '$default',
      time: '04/Dec/2026:09:00:00 +0000',
      timeEpoch: Date.parse('2026-12-04T09:00:00Z'),
    },
    ...(extra.body ? { body: Buffer.from(extra.body).toString('base64') } : {}),
    isBase64Encoded: extra.body !== undefined,
  };
}

function sqsEvent(body: object): SQSEvent {
  return {
    Records: [
      {
        messageId: 'msg-deployed',
        receiptHandle: 'handle',
        body: JSON.stringify(body),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '1796374800000',
          SenderId: 'AIDAEXAMPLE',
          ApproximateFirstReceiveTimestamp: '1796374800001',
        },
        messageAttributes: {},
        md5OfBody: 'not-checked-here',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:ap-southeast-1:123456789012:lienthong-queue',
        awsRegion: 'ap-southeast-1',
      },
    ],
  };
}

type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;
type QueueHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

beforeEach(async () => {
  fakes = fakeDependencies();
  agencies = await registerAgencies(fakes, [GOVERNMENT_OFFICE, ...THREE_PROVINCES]);
  const sender = agencies.get(GOVERNMENT_OFFICE)?.agency;
  if (!sender) throw new Error('test setup: no sender');
  ({ documentId } = await submitDocument(fakes, sender, sample(THREE_PROVINCES_FILE)));
});

describe('the real dependencies of a function', () => {
  it('throw ConfigurationError for a port whose settings the function lacks', () => {
    const real = createDependencies(environmentOf('route'));
    expect(() => real.verifyQueue).toThrow(ConfigurationError);
    expect(() => real.routeQueue).toThrow(ConfigurationError);
    expect(real.routeMaxReceiveCount).toBe(QUEUES.route.maxReceiveCount);
  });
});

describe('each handler runs with only its deployed settings', () => {
  it.each<[FunctionName, ApiHandler, () => APIGatewayProxyEventV2, number]>([
    [
      'submit',
      submit,
      () =>
        apiEvent('POST /v1/documents', GOVERNMENT_OFFICE, {
          body: sample('edoc_update.edxml'),
        }),
      202,
    ],
    [
      'statusCallback',
      statusCallback,
      () =>
        apiEvent('POST /v1/statuses', NGHE_AN, {
          body: Buffer.from(
            buildStatusMessage({
              from: { organId: NGHE_AN },
              responseFor: { organId: GOVERNMENT_OFFICE, documentId: SAMPLE_EDXML_ID },
              statusCode: '01',
              timestamp: formatEdxmlTimestamp(fakes.clock.now()),
            }),
          ),
        }),
      202,
    ],
    ['inbox', inbox, () => apiEvent('GET /v1/inbox', NGHE_AN), 200],
    [
      'download',
      download,
      () =>
        apiEvent('GET /v1/messages/{messageId}', NGHE_AN, {
          pathParameters: { messageId: documentId },
        }),
      200,
    ],
    [
      'timeline',
      timeline,
      () =>
        apiEvent('GET /v1/documents/{documentId}', GOVERNMENT_OFFICE, {
          pathParameters: { documentId },
        }),
      200,
    ],
    ['keys', keys, () => apiEvent('GET /.well-known/jwks.json', GOVERNMENT_OFFICE), 200],
  ])('%s', async (name, handler, event, status) => {
    await verifyDocument(fakes, { documentId });
    useDependencies(deployedAs(name, fakes));

    const response = await handler(event(), context);

    expect(response.statusCode, response.body).toBe(status);
  });

  it('verify', async () => {
    useDependencies(deployedAs('verify', fakes));

    const response = await (verify as QueueHandler)(sqsEvent({ documentId }), context);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(fakes.exchange.documents.get(documentId)?.state).toBe('verified');
  });

  it('route', async () => {
    await verifyDocument(fakes, { documentId });
    useDependencies(deployedAs('route', fakes));
    const request = { documentId, messageId: documentId, recipientId: NGHE_AN };

    const outcome = (route as QueueHandler)(sqsEvent(request), context);

    await expect(outcome).resolves.toEqual({ batchItemFailures: [] });
    expect(fakes.inbox.items.size).toBe(1);
  });
});
