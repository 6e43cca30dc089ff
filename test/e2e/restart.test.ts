import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AxisClient } from '#shared/client/AxisClient';
import { ENV } from '#shared/config/wiring';
import { registerLocalAgency } from '../../local/registerLocalAgency';
import { AwsState } from '../integration/helpers/awsState';
import {
  GOVERNMENT_OFFICE,
  sample,
  THREE_PROVINCES,
  THREE_PROVINCES_FILE,
} from '../support/agencies';
import { type RunningAxis, startTestRuntime } from './helpers/localAxis';
import { eventually } from './helpers/polling';

/**
 * Two local axes one after the other in one process, as a developer's
 * watch mode or a test run does: the second must serve from its own
 * resources, not from adapters the first one built.
 */
let state: AwsState;
const running: RunningAxis[] = [];

beforeAll(() => {
  state = new AwsState();
});

afterAll(async () => {
  for (const axis of running) await axis.stop();
  state?.destroy();
});

/** Starts an axis, sends the sample through it and waits until a pull recipient has it. */
async function exchangeOnce(label: string) {
  const axis = await startTestRuntime(label, 2);
  running.push(axis);
  // As the demo does: the helper registers through the process's dependencies,
  // which must now be this axis's.
  const clients = new Map<string, AxisClient>();
  for (const agencyId of [GOVERNMENT_OFFICE, ...THREE_PROVINCES]) {
    clients.set(
      agencyId,
      await registerLocalAgency(axis.axis.url, { agencyId, name: `Agency ${agencyId}` }),
    );
  }
  const clientOf = (agencyId: string) => {
    const found = clients.get(agencyId);
    if (!found) throw new Error(`no client for ${agencyId}`);
    return found;
  };
  const { documentId } = await clientOf(GOVERNMENT_OFFICE).submitDocument(
    sample(THREE_PROVINCES_FILE),
  );
  const [recipient] = THREE_PROVINCES;
  const items = await eventually('the document in a pull inbox', async () => {
    const listed = await clientOf(recipient).inbox();
    return listed.items.length > 0 ? listed.items : undefined;
  });
  return {
    axis,
    documentId,
    items,
    payloads: await state.objectKeys(axis.axis.provisioned.bucket),
  };
}

describe('a second local axis in the same process', () => {
  it('serves from its own resources after the first one stopped', async () => {
    const before = process.env[ENV.exchangeTable];
    const first = await exchangeOnce('e2e-restart-a');
    expect(first.items.map((item) => item.messageId)).toEqual([first.documentId]);
    await first.axis.stop();
    expect(process.env[ENV.exchangeTable]).toBe(before);
    const gone = state.sqs.send(
      new GetQueueUrlCommand({ QueueName: first.axis.axis.provisioned.queues.route.name }),
    );
    await expect(gone).rejects.toThrow();

    const second = await exchangeOnce('e2e-restart-b');

    expect(second.axis.axis.provisioned.prefix).not.toBe(first.axis.axis.provisioned.prefix);
    expect(second.items.map((item) => item.messageId)).toEqual([second.documentId]);
    expect(second.payloads).toHaveLength(1);
    expect(second.axis.errors).toEqual([]);
  });
});
