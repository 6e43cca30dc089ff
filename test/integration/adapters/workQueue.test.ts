import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqsWorkQueue } from '#shared/adapters/sqs/SqsWorkQueue';
import type { RouteRequest } from '#shared/domain/ports';
import type { ProvisionedAxis } from '../../../local/provision';
import { provisionTestAxis } from '../../support/testAxis';
import { AwsState, isEmpty } from '../helpers/awsState';

let axis: ProvisionedAxis;
let state: AwsState;

beforeAll(async () => {
  axis = await provisionTestAxis('work-queue');
  state = new AwsState();
});

afterAll(async () => {
  state?.destroy();
  await axis?.teardown();
});

describe('SqsWorkQueue', () => {
  it('sends 23 messages (more than two batches) and all 23 arrive, each once', async () => {
    const url = axis.queues.route.url;
    const sent: RouteRequest[] = Array.from({ length: 23 }, (_, i) => ({
      documentId: `doc-${i}`,
      messageId: `msg-${i}`,
      recipientId: `agency-${i % 4}`,
    }));

    await new SqsWorkQueue<RouteRequest>(url).send(sent);

    const received = await state.receive(url, 23, 20_000);
    const bodies = received.map((message) => JSON.parse(message.Body ?? 'null') as RouteRequest);
    const order = (a: RouteRequest, b: RouteRequest) => a.messageId.localeCompare(b.messageId);
    expect(bodies.sort(order)).toEqual([...sent].sort(order));
    await state.remove(url, received);
    expect(isEmpty(await state.queueCounts(url))).toBe(true);
  });

  it('keeps a body with non-ASCII text intact', async () => {
    const url = axis.queues.verify.url;
    const request = { documentId: 'doc-Nghệ-An-Đà-Nẵng' };

    await new SqsWorkQueue<typeof request>(url).send([request]);

    const [message, ...rest] = await state.receive(url, 1);
    expect(rest).toEqual([]);
    expect(JSON.parse(message?.Body ?? 'null')).toEqual(request);
    await state.remove(url, message ? [message] : []);
  });

  it('sends nothing for an empty list', async () => {
    const url = axis.queues.verify.url;
    await new SqsWorkQueue<unknown>(url).send([]);
    expect(isEmpty(await state.queueCounts(url))).toBe(true);
  });
});
