import {
  CreateQueueCommand,
  DeleteQueueCommand,
  PurgeQueueCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
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
 * the key of a freshly provisioned axis answer and its dead-letter queues are
 * empty; a queue deleted under the axis, or a message left in a dead-letter
 * queue, makes it answer 503 naming that component.
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
      ...Object.keys(QUEUES).map((queue) => `dead-letters:${queue}`),
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

  it('answers 503 naming a dead-letter queue holding a message, until it is emptied', async () => {
    const dlqUrl = axis.queues.route.dlqUrl;
    await state.sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: '{}' }));
    try {
      const { status, body } = await checkNow();
      expect(status).toBe(503);
      expect(body.components).toContainEqual({ name: 'dead-letters:route', status: 'failing' });
      expect(body.components).toContainEqual({ name: 'dead-letters:verify', status: 'ok' });
    } finally {
      await state.sqs.send(new PurgeQueueCommand({ QueueUrl: dlqUrl }));
    }
    expect((await checkNow()).status).toBe(200);
  });
});
