import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, Context, ScheduledEvent, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ENV, FUNCTIONS, type FunctionName } from '#shared/config/wiring';
import { clientSettings } from '../../../local/awsClients';
import { type LocalAxis, startLocalAxis } from '../../../local/runtime';
import { uniquePrefix } from '../../support/testAxis';
import { waitFor } from '../../support/waitFor';

/**
 * The composed runtime with fixture handlers standing in for the real
 * functions: a request goes through the HTTP API, onto the verify queue,
 * through the verify consumer onto the route queue and into the route
 * consumer, each step reading its queue URL from process.env as the real
 * functions do.
 */
const sqs = new SQSClient(clientSettings('SQS'));
const calls: Array<{ fn: FunctionName; detail: unknown; context: Context }> = [];
const errors: unknown[] = [];
let axis: LocalAxis;

function forward(envName: string, body: string) {
  return sqs.send(new SendMessageCommand({ QueueUrl: process.env[envName], MessageBody: body }));
}

const httpFixture =
  (fn: FunctionName) => async (event: APIGatewayProxyEventV2, context: Context) => {
    calls.push({ fn, detail: event.pathParameters ?? event.rawPath, context });
    return { statusCode: 200, body: fn };
  };

const handlers = {
  submit: async (event: APIGatewayProxyEventV2, context: Context) => {
    const body = Buffer.from(event.body ?? '', 'base64').toString('utf8');
    calls.push({ fn: 'submit', detail: body, context });
    await forward(ENV.verifyQueueUrl, body);
    return { statusCode: 202, body: JSON.stringify({ accepted: body }) };
  },
  verify: async (event: SQSEvent, context: Context) => {
    for (const record of event.Records) {
      calls.push({ fn: 'verify', detail: record.body, context });
      await forward(ENV.routeQueueUrl, `verified:${record.body}`);
    }
  },
  route: async (event: SQSEvent, context: Context) => {
    for (const record of event.Records) calls.push({ fn: 'route', detail: record.body, context });
  },
  statusCallback: httpFixture('statusCallback'),
  inbox: httpFixture('inbox'),
  acknowledge: httpFixture('acknowledge'),
  agencies: httpFixture('agencies'),
  download: httpFixture('download'),
  timeline: httpFixture('timeline'),
  keys: httpFixture('keys'),
  health: httpFixture('health'),
  openapi: httpFixture('openapi'),
  console: httpFixture('console'),
  operator: httpFixture('operator'),
  healthMonitor: async (event: ScheduledEvent, context: Context) => {
    calls.push({ fn: 'healthMonitor', detail: event['detail-type'], context });
  },
};

beforeAll(async () => {
  axis = await startLocalAxis({
    prefix: uniquePrefix('runtime'),
    visibilityTimeoutSeconds: 2,
    handlers,
    onError: (error) => errors.push(error),
  });
});

afterAll(async () => {
  await axis?.stop();
  sqs.destroy();
});

describe('startLocalAxis', () => {
  test('puts the provisioned settings into process.env', () => {
    for (const [name, value] of Object.entries(axis.provisioned.env)) {
      expect(process.env[name]).toBe(value);
    }
    expect(axis.env[ENV.signingKeyId]).toBe(axis.provisioned.signingKey.keyId);
  });

  test('serves every route of the wiring with its function', async () => {
    for (const [fn, declared] of Object.entries(FUNCTIONS)) {
      for (const routeKey of declared.routes) {
        const [method, template] = routeKey.split(' ') as [string, string];
        if (method !== 'GET') continue;
        const path = template.replace(/\{[^}]+\}/g, 'id-1');
        const response = await fetch(`${axis.url}${path}`);
        expect(response.status, routeKey).toBe(200);
        expect(await response.text()).toBe(fn);
      }
    }
    const download = calls.find((call) => call.fn === 'download');
    expect(download?.detail).toEqual({ messageId: 'id-1' });
    expect(download?.context.functionName).toBe(`lienthong-${axis.provisioned.prefix}-download`);
  });

  test('carries a submission through both queues to their consumers', async () => {
    const response = await fetch(`${axis.url}/v1/documents`, { method: 'POST', body: 'doc-1' });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 'doc-1' });
    await waitFor('the route consumer', () =>
      calls.some((call) => call.fn === 'route' && call.detail === 'verified:doc-1'),
    );
    const verify = calls.find((call) => call.fn === 'verify');
    expect(verify?.detail).toBe('doc-1');
    expect(verify?.context.getRemainingTimeInMillis()).toBeLessThanOrEqual(
      FUNCTIONS.verify.timeoutSeconds * 1_000,
    );
    expect(errors).toEqual([]);
  });

  test('runs a scheduled function with an EventBridge event when asked', async () => {
    await axis.runScheduled('healthMonitor');
    const run = calls.find((call) => call.fn === 'healthMonitor');
    expect(run?.detail).toBe('Scheduled Event');
    expect(run?.context.functionName).toBe(`lienthong-${axis.provisioned.prefix}-health-monitor`);
    // Only functions that talk to the national axis need a link; none is configured here.
    await expect(axis.runScheduled('federation')).rejects.toThrow(/no scheduled function/);
  });

  test('stop() removes the resources and restores process.env', async () => {
    // No prefix: on shared endpoints the default one must not clash with other axes.
    const local = await startLocalAxis({ handlers });
    expect(local.provisioned.prefix).toMatch(/^local-[0-9a-f]{8}$/);
    const queueName = local.provisioned.queues.verify.name;
    expect(process.env[ENV.verifyQueueUrl]).toBe(local.provisioned.queues.verify.url);
    await local.stop();
    expect(process.env[ENV.verifyQueueUrl]).toBe(axis.provisioned.queues.verify.url);
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: queueName }))).rejects.toThrow();
    await expect(fetch(`${local.url}/v1/inbox`)).rejects.toThrow();
  });
});
