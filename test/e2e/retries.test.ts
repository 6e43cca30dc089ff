import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Message } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KmsSigner } from '#shared/adapters/kms/KmsSigner';
import { AxisClient } from '#shared/client/AxisClient';
import { verifyDelivery } from '#shared/client/verifyDelivery';
import { documentIdFor, sha256Hex } from '#shared/domain/ids';
import type { RouteRequest } from '#shared/domain/ports';
import { buildStatusMessage, formatEdxmlTimestamp } from '#shared/edxml/buildStatusMessage';
import { AwsState, isEmpty } from '../integration/helpers/awsState';
import { registerAll } from '../integration/helpers/registration';
import {
  type ReceivedPost,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../integration/helpers/webhookReceiver';
import {
  CAO_BANG,
  GOVERNMENT_OFFICE,
  HAI_PHONG,
  NGHE_AN,
  sample,
  sampleText,
  THREE_PROVINCES,
  THREE_PROVINCES_FILE,
} from '../support/agencies';
import { type RunningAxis, startTestRuntime } from './helpers/localAxis';
import { eventually, quietPeriod, wholeInbox } from './helpers/polling';

/**
 * Failures over HTTP: a webhook that always answers 500 until its delivery
 * is dead-lettered, and a status retried while its first delivery to a slow
 * webhook is still under way. Queues come back after one second here.
 */
let running: RunningAxis;
let hooks: WebhookReceiver;
let state: AwsState;
let axisKey: KeyObject;
const clients = new Map<string, AxisClient>();

const client = (agencyId: string) => {
  const found = clients.get(agencyId);
  if (!found) throw new Error(`no client for ${agencyId}`);
  return found;
};

beforeAll(async () => {
  running = await startTestRuntime('e2e-retries', 1);
  hooks = await startWebhookReceiver();
  state = new AwsState();
  const registered = await registerAll(running.axis.provisioned.tables.agencies, [
    { agencyId: GOVERNMENT_OFFICE, webhookUrl: hooks.urlFor(GOVERNMENT_OFFICE) },
    { agencyId: NGHE_AN, webhookUrl: hooks.urlFor(NGHE_AN) },
    { agencyId: CAO_BANG },
    { agencyId: HAI_PHONG, webhookUrl: hooks.urlFor(HAI_PHONG) },
  ]);
  for (const credential of registered.values()) {
    clients.set(credential.agencyId, new AxisClient(running.axis.url, credential));
  }
  const der = await new KmsSigner(running.axis.provisioned.signingKey.keyId).publicKeyDer();
  axisKey = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
});

afterAll(async () => {
  await running?.stop();
  await hooks?.close();
  state?.destroy();
});

const postsOf = (agencyId: string, messageId: string) =>
  hooks.postsFor(agencyId).filter((post) => post.headers['x-lienthong-message-id'] === messageId);

const verified = (post: ReceivedPost, to: string) =>
  verifyDelivery(post.headers, post.body, to, () => axisKey);

describe('4. a webhook that always answers 500', () => {
  const document = sample(THREE_PROVINCES_FILE);
  const documentId = documentIdFor(GOVERNMENT_OFFICE, sha256Hex(document));
  let deadLetters: Message[] = [];

  beforeAll(() => {
    hooks.answerWith(NGHE_AN, 500);
  });

  it('does not hold up the other recipients', async () => {
    await client(GOVERNMENT_OFFICE).submitDocument(document);

    const [delivery] = await eventually('the delivery to Hải Phòng', () => {
      const posts = postsOf(HAI_PHONG, documentId);
      return posts.length > 0 ? posts : undefined;
    });
    expect(delivery?.body.equals(document)).toBe(true);
    await eventually('the document in Cao Bằng inbox', async () =>
      (await wholeInbox(client(CAO_BANG))).some((item) => item.messageId === documentId),
    );
  });

  it('is retried until the route message lands in the route DLQ', async () => {
    const { dlqUrl, maxReceiveCount } = running.axis.provisioned.queues.route;
    deadLetters = await eventually('the route message in the DLQ', async () => {
      const received = await state.receiveOnce(dlqUrl, 1);
      return received.length > 0 ? received : undefined;
    });

    expect(deadLetters).toHaveLength(1);
    expect(JSON.parse(deadLetters[0]?.Body ?? 'null')).toEqual({
      documentId,
      messageId: documentId,
      recipientId: NGHE_AN,
    } satisfies RouteRequest);
    const attempts = postsOf(NGHE_AN, documentId);
    expect(attempts).toHaveLength(maxReceiveCount);
    for (const attempt of attempts) {
      expect(attempt.answered).toBe(500);
      expect(attempt.body.equals(document)).toBe(true);
      expect(verified(attempt, NGHE_AN).messageId).toBe(documentId);
    }
    expect(isEmpty(await state.queueCounts(running.axis.provisioned.queues.route.url))).toBe(true);
  });

  it('records that delivery dead after maxReceiveCount attempts, others delivered', async () => {
    const { maxReceiveCount } = running.axis.provisioned.queues.route;
    const view = await client(GOVERNMENT_OFFICE).timeline(documentId);
    const delivery = (agencyId: string) =>
      view.recipients.find((r) => r.agencyId === agencyId)?.delivery;

    expect(delivery(NGHE_AN)).toMatchObject({
      state: 'dead',
      attempts: maxReceiveCount,
      lastError: expect.stringContaining('500'),
    });
    expect(delivery(CAO_BANG)).toMatchObject({ state: 'delivered', via: 'inbox', attempts: 1 });
    expect(delivery(HAI_PHONG)).toMatchObject({ state: 'delivered', via: 'webhook', attempts: 1 });
    expect(view.recipients.map((r) => r.agencyId)).toEqual([...THREE_PROVINCES]);
  });

  it('stops trying once the message is dead-lettered', async () => {
    const before = postsOf(NGHE_AN, documentId).length;
    await quietPeriod(2_500);
    expect(postsOf(NGHE_AN, documentId)).toHaveLength(before);
  });

  it('reported only failed route batches, nothing else', () => {
    const sources = new Set(running.errors.map((e) => e.source));
    expect([...sources].every((source) => source === 'route queue batch')).toBe(true);
  });

  afterAll(async () => {
    hooks.answerWith(NGHE_AN, 204);
    await state.remove(running.axis.provisioned.queues.route.dlqUrl, deadLetters);
  });
});

describe('a status retried while its first delivery is still under way', () => {
  it('reaches the sender once', async () => {
    // A document to Hải Phòng and Cao Bằng only, with its own DocumentId.
    const edxmlId = `${GOVERNMENT_OFFICE},2026/12/04,e2e-status-retry`;
    const text = sampleText(THREE_PROVINCES_FILE)
      .replace(/\s*<edXML:To>\s*<edXML:OrganId>000\.00\.00\.H41<[\s\S]*?<\/edXML:To>/, '')
      .replace(
        /<edXML:DocumentId>[^<]*<\/edXML:DocumentId>/,
        `<edXML:DocumentId>${edxmlId}</edXML:DocumentId>`,
      );
    const { documentId, recipients } = await client(GOVERNMENT_OFFICE).submitDocument(
      Buffer.from(text),
    );
    expect(recipients).toEqual([CAO_BANG, HAI_PHONG]);
    await eventually('the delivery to Hải Phòng', () => postsOf(HAI_PHONG, documentId).length > 0);

    // The sender's system is busy: each delivery takes a while to be answered
    // (well inside the 1 s visibility timeout, so no redelivery is involved).
    hooks.answerAfter(GOVERNMENT_OFFICE, 500);
    const status = Buffer.from(
      buildStatusMessage({
        from: { organId: HAI_PHONG },
        responseFor: { organId: GOVERNMENT_OFFICE, documentId: edxmlId },
        statusCode: '01',
        timestamp: formatEdxmlTimestamp(new Date()),
      }),
    );
    const first = await client(HAI_PHONG).reportStatus(status);
    // Hải Phòng did not get the answer in time and sends the same bytes again.
    const retry = await client(HAI_PHONG).reportStatus(status);
    expect(retry).toMatchObject({ messageId: first.messageId, duplicate: true });

    await eventually(
      'the status at the sender',
      () => postsOf(GOVERNMENT_OFFICE, first.messageId).length > 0,
    );
    await quietPeriod(3_000);
    hooks.answerAfter(GOVERNMENT_OFFICE, 0);
    expect(postsOf(GOVERNMENT_OFFICE, first.messageId)).toHaveLength(1);
  });
});
