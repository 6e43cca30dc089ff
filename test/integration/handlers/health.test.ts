import { CreateQueueCommand, DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV, QUEUES, TABLES } from '#shared/config/wiring';
import { resetDependencies } from '#shared/runtime/dependencies';
import { healthHandler } from '../../../functions/health/index';
import { probesFromEnvironment } from '../../../functions/health/probes';
import type { ProvisionedAxis } from '../../../local/provision';
import { provisionTestAxis } from '../../support/testAxis';
import { AwsState } from '../helpers/awsState';
import { invokeApi } from '../helpers/lambdaEvents';

/**
 * The health check against the emulators: every table, queue, the bucket and
 * the key of a freshly provisioned axis answer; a queue deleted under the
 * axis makes it answer 503 naming that queue.
 */
let axis: ProvisionedAxis;
let state: AwsState;

beforeAll(async () => {
  axis = await provisionTestAxis('health-handler');
  resetDependencies();
  state = new AwsState();
});

afterAll(async () => {
  state?.destroy();
  await axis?.teardown();
  resetDependencies();
});

/** A handler of its own per check, so no cached report carries over. */
async function checkNow() {
  const handler = healthHandler(() => probesFromEnvironment());
  const { response } = await invokeApi(handler, { routeKey: 'GET /v1/health', path: '/v1/health' });
  return { status: response.statusCode, body: JSON.parse(response.body ?? '{}') };
}

describe('GET /v1/health against the emulators', () => {
  it('answers 200 with every wiring component ok', async () => {
    const { status, body } = await checkNow();
    expect(body.components.filter((c: { status: string }) => c.status !== 'ok')).toEqual([]);
    expect(status).toBe(200);
    expect(body.components.map((c: { name: string }) => c.name)).toEqual([
      ...Object.keys(TABLES).map((table) => `table:${table}`),
      ...Object.keys(QUEUES).map((queue) => `queue:${queue}`),
      'bucket:payloads',
      'key:signing',
    ]);
  });

  it('answers 503 naming a queue that was deleted', async () => {
    const created = await state.sqs.send(
      new CreateQueueCommand({ QueueName: `${axis.prefix}-doomed` }),
    );
    const doomedUrl = created.QueueUrl ?? '';
    const routeQueueUrl = process.env[ENV.routeQueueUrl];
    process.env[ENV.routeQueueUrl] = doomedUrl;
    try {
      expect((await checkNow()).status).toBe(200);
      await state.sqs.send(new DeleteQueueCommand({ QueueUrl: doomedUrl }));

      const { status, body } = await checkNow();
      expect(status).toBe(503);
      expect(body.status).toBe('failing');
      expect(body.components).toContainEqual({ name: 'queue:route', status: 'failing' });
      expect(body.components).toContainEqual({ name: 'queue:verify', status: 'ok' });
      expect(JSON.stringify(body)).not.toContain(doomedUrl);
    } finally {
      process.env[ENV.routeQueueUrl] = routeQueueUrl;
    }
  });
});
