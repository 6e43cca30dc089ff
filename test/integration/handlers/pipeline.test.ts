import { createPublicKey, type KeyObject, verify as verifySignature } from 'node:crypto';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KmsSigner } from '#shared/adapters/kms/KmsSigner';
import { verifyDelivery } from '#shared/client/verifyDelivery';
import { documentIdFor, rejectionIdFor, sha256Hex, statusMessageIdFor } from '#shared/domain/ids';
import { decodeCompactJws } from '#shared/domain/jws';
import type { RouteRequest } from '#shared/domain/ports';
import type { InboxItem } from '#shared/domain/records';
import { resetDependencies } from '#shared/runtime/dependencies';
import type { DocumentTimeline } from '#shared/services/documentTimeline';
import { handler as download } from '../../../functions/download/index';
import { handler as inbox } from '../../../functions/inbox/index';
import { handler as route } from '../../../functions/route/index';
import { handler as statusCallback } from '../../../functions/status-callback/index';
import { handler as submit } from '../../../functions/submit/index';
import { handler as timeline } from '../../../functions/timeline/index';
import { handler as verify } from '../../../functions/verify/index';
import type { ProvisionedAxis } from '../../../local/provision';
import {
  CAO_BANG,
  GOVERNMENT_OFFICE,
  HAI_PHONG,
  HOA_SON,
  HOA_TIEN,
  NGHE_AN,
  OUTSIDER,
  SAMPLE_EDXML_ID,
  sample,
  sampleText,
  THREE_PROVINCES,
  THREE_PROVINCES_FILE,
} from '../../support/agencies';
import { provisionTestAxis } from '../../support/testAxis';
import { AwsState } from '../helpers/awsState';
import { replacedOnce } from '../helpers/edxmlVariants';
import { type Credentials, invokeApi } from '../helpers/lambdaEvents';
import { bodies, collect, consume, drain } from '../helpers/queueDriver';
import { credentialsOf, registerAll } from '../helpers/registration';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhookReceiver';

/**
 * The whole exchange through the real handlers, one step at a time: submit,
 * verify, route (webhook and inbox), status callback, and the read side.
 * The queues are driven by the test, which decides how messages are batched.
 */
let axis: ProvisionedAxis;
let state: AwsState;
let hooks: WebhookReceiver;
let agencies: Map<string, Credentials>;
let axisKey: KeyObject;

beforeAll(async () => {
  axis = await provisionTestAxis('pipeline-handlers');
  resetDependencies();
  state = new AwsState();
  hooks = await startWebhookReceiver();
  agencies = await registerAll(axis.tables.agencies, [
    { agencyId: GOVERNMENT_OFFICE, webhookUrl: hooks.urlFor(GOVERNMENT_OFFICE) },
    { agencyId: NGHE_AN, webhookUrl: hooks.urlFor(NGHE_AN) },
    { agencyId: CAO_BANG },
    { agencyId: HAI_PHONG },
    { agencyId: HOA_TIEN },
    { agencyId: HOA_SON, webhookUrl: hooks.urlFor(HOA_SON) },
    { agencyId: OUTSIDER },
  ]);
  const der = await new KmsSigner(axis.signingKey.keyId).publicKeyDer();
  axisKey = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
});

afterAll(async () => {
  await hooks?.close();
  state?.destroy();
  await axis?.teardown();
  resetDependencies();
});

const as = (agencyId: string) => credentialsOf(agencies, agencyId);

const postDocument = (body: Uint8Array, sender: string) =>
  invokeApi(submit, {
    routeKey: 'POST /v1/documents',
    path: '/v1/documents',
    caller: as(sender),
    body,
  });

const postStatus = (body: Uint8Array, reporter: string) =>
  invokeApi(statusCallback, {
    routeKey: 'POST /v1/statuses',
    path: '/v1/statuses',
    caller: as(reporter),
    body,
  });

const readInbox = (agencyId: string, query?: Record<string, string>) =>
  invokeApi(inbox, { routeKey: 'GET /v1/inbox', path: '/v1/inbox', caller: as(agencyId), query });

const readTimeline = (agencyId: string, documentId: string) =>
  invokeApi(timeline, {
    routeKey: 'GET /v1/documents/{documentId}',
    path: `/v1/documents/${documentId}`,
    caller: as(agencyId),
    pathParameters: { documentId },
  });

async function downloadAs(agencyId: string, messageId: string) {
  const answer = await invokeApi(download, {
    routeKey: 'GET /v1/messages/{messageId}',
    path: `/v1/messages/${messageId}`,
    caller: as(agencyId),
    pathParameters: { messageId },
  });
  const { response } = answer;
  const bytes = response.isBase64Encoded
    ? Buffer.from(response.body ?? '', 'base64')
    : Buffer.from(response.body ?? '', 'utf8');
  return { ...answer, bytes, headers: response.headers ?? {} };
}

/** Runs verify and route over everything queued, each queue in batches of ten. */
async function runPipeline() {
  const verified = await drain(state, axis.queues.verify, verify);
  const routed = await drain(state, axis.queues.route, route);
  for (const outcome of [...verified.outcomes, ...routed.outcomes]) {
    expect(outcome.error).toBeUndefined();
    expect(outcome.response?.batchItemFailures).toEqual([]);
  }
}

/** A copy of the three-province sample with its own edXML DocumentId and bytes. */
function freshDocument(tag: string): Buffer {
  return replacedOnce(
    sampleText(THREE_PROVINCES_FILE),
    `<edXML:DocumentId>${SAMPLE_EDXML_ID}</edXML:DocumentId>`,
    `<edXML:DocumentId>${GOVERNMENT_OFFICE},2026/12/04,${tag}</edXML:DocumentId>`,
  );
}

const verifies = (delivery: { headers: Record<string, unknown>; body: Buffer }, to: string) =>
  verifyDelivery(delivery.headers as Record<string, string>, delivery.body, to, (kid) =>
    kid === axis.signingKey.keyId ? axisKey : undefined,
  );

describe('a document through submit, verify and route', () => {
  const bytes = sample(THREE_PROVINCES_FILE);
  const documentId = documentIdFor(GOVERNMENT_OFFICE, sha256Hex(bytes));

  beforeAll(async () => {
    const { status } = await postDocument(bytes, GOVERNMENT_OFFICE);
    expect(status).toBe(202);
    await runPipeline();
  });

  it('reaches the webhook recipient byte for byte, signed verifiably', () => {
    const posts = hooks.postsFor(NGHE_AN);
    expect(posts).toHaveLength(1);
    const [delivery] = posts;
    expect(delivery?.body.equals(bytes)).toBe(true);
    expect(delivery?.headers['content-type']).toMatch(/^application\/xml/);
    expect(delivery && verifies(delivery, NGHE_AN)).toEqual({
      messageId: documentId,
      documentId,
      kind: 'document',
      from: GOVERNMENT_OFFICE,
      keyId: axis.signingKey.keyId,
    });
  });

  it('reaches each pull recipient once through its inbox', async () => {
    for (const agencyId of [CAO_BANG, HAI_PHONG]) {
      const { status, json } = await readInbox(agencyId);
      expect(status).toBe(200);
      expect(json?.items).toEqual([
        expect.objectContaining({
          agencyId,
          messageId: documentId,
          kind: 'document',
          documentId,
          from: GOVERNMENT_OFFICE,
        }),
      ]);
    }
  });

  it('downloads as the exact bytes with their digest in x-lienthong-sha256', async () => {
    const { status, bytes: downloaded, headers } = await downloadAs(CAO_BANG, documentId);
    expect(status).toBe(200);
    expect(downloaded.equals(bytes)).toBe(true);
    expect(headers['x-lienthong-sha256']).toBe(sha256Hex(bytes));
    expect(headers['x-lienthong-kind']).toBe('document');
    expect(headers['x-lienthong-document-id']).toBe(documentId);
  });

  it('shows the sender every delivery done, and a receipt the public key checks', async () => {
    const { status, json } = await readTimeline(GOVERNMENT_OFFICE, documentId);
    expect(status).toBe(200);
    const view = json as unknown as DocumentTimeline;
    expect(view.state).toBe('verified');
    // The sample's <Signature> sits in the edXML namespace, not XML-DSig's.
    expect(view.signature).toEqual({
      envelope: { outcome: 'invalid', reason: 'NOT_XMLDSIG', detail: expect.any(String) },
    });
    expect(view.sha256).toBe(sha256Hex(bytes));
    const deliveries = Object.fromEntries(view.recipients.map((r) => [r.agencyId, r.delivery]));
    expect(deliveries).toEqual({
      [NGHE_AN]: expect.objectContaining({ state: 'delivered', via: 'webhook', attempts: 1 }),
      [CAO_BANG]: expect.objectContaining({ state: 'delivered', via: 'inbox', attempts: 1 }),
      [HAI_PHONG]: expect.objectContaining({ state: 'delivered', via: 'inbox', attempts: 1 }),
    });

    const receipt = decodeCompactJws(view.receipt ?? '');
    const valid = verifySignature(
      'sha256',
      Buffer.from(receipt.signingInput, 'ascii'),
      { key: axisKey, dsaEncoding: 'ieee-p1363' },
      receipt.signature,
    );
    expect(valid).toBe(true);
    expect(receipt.payload).toMatchObject({
      documentId,
      sender: GOVERNMENT_OFFICE,
      recipients: [...THREE_PROVINCES],
      sha256: sha256Hex(bytes),
    });
  });

  it('carries a status back to the sender: webhook, exact bytes, signed', async () => {
    const body = sample('status_acceptance_03.edxml');
    const messageId = statusMessageIdFor(NGHE_AN, sha256Hex(body));
    const { status } = await postStatus(body, NGHE_AN);
    expect(status).toBe(202);

    await runPipeline();

    const statuses = hooks
      .postsFor(GOVERNMENT_OFFICE)
      .filter((post) => post.headers['x-lienthong-message-id'] === messageId);
    expect(statuses).toHaveLength(1);
    expect(statuses[0]?.body.equals(body)).toBe(true);
    expect(statuses[0] && verifies(statuses[0], GOVERNMENT_OFFICE)).toMatchObject({
      messageId,
      documentId,
      kind: 'status',
      from: NGHE_AN,
    });
    const { json } = await readTimeline(GOVERNMENT_OFFICE, documentId);
    const line = (json as unknown as DocumentTimeline).recipients.find(
      (r) => r.agencyId === NGHE_AN,
    );
    expect(line?.currentStatus?.code).toBe('03');
    expect(line?.statuses).toEqual([
      expect.objectContaining({
        messageId,
        statusCode: '03',
        deliveryToSender: expect.objectContaining({ state: 'delivered', via: 'webhook' }),
      }),
    ]);
  });

  it.each([['an agency that neither sent nor received it', OUTSIDER]])(
    'answers 404 NOT_FOUND to %s, for the timeline and the bytes',
    async (_, agencyId) => {
      const seen = await readTimeline(agencyId, documentId);
      expect(seen.status).toBe(404);
      expect(seen.json?.error).toMatchObject({ code: 'NOT_FOUND' });
      const fetched = await downloadAs(agencyId, documentId);
      expect(fetched.status).toBe(404);
      expect(fetched.json?.error).toMatchObject({ code: 'NOT_FOUND' });
      expect((await readInbox(agencyId)).json?.items).toEqual([]);
    },
  );

  it("hides one recipient's status from another recipient", async () => {
    const statusId = statusMessageIdFor(NGHE_AN, sha256Hex(sample('status_acceptance_03.edxml')));
    const fetched = await downloadAs(CAO_BANG, statusId);
    expect(fetched.status).toBe(404);
    const { json } = await readTimeline(CAO_BANG, documentId);
    const view = json as unknown as DocumentTimeline;
    expect(view.recipients.map((r) => r.agencyId)).toEqual([CAO_BANG]);
  });
});

describe('the 200 KB sample to a webhook recipient', () => {
  it('arrives byte for byte and verifies', async () => {
    const bytes = sample('edoc_new.edxml');
    const { status, json } = await postDocument(bytes, HOA_TIEN);
    expect(status).toBe(202);
    await runPipeline();

    const posts = hooks
      .postsFor(HOA_SON)
      .filter((post) => post.headers['x-lienthong-document-id'] === json?.documentId);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body.byteLength).toBe(bytes.byteLength);
    expect(posts[0]?.body.equals(bytes)).toBe(true);
    expect(posts[0] && verifies(posts[0], HOA_SON).from).toBe(HOA_TIEN);
  });
});

describe('read-side parameters', () => {
  it.each([
    ['limit 0', { limit: '0' }],
    ['limit above the page maximum', { limit: '101' }],
    ['a limit that is not a number', { limit: 'ten' }],
    ['a forged cursor', { cursor: 'eyJhZ2VuY3lJZCI6IkgxNCJ9' }],
  ])('refuses %s with 400 INVALID_PARAMETER', async (_, query) => {
    const { status, json } = await readInbox(CAO_BANG, query);
    expect(status).toBe(400);
    expect(json?.error).toMatchObject({ code: 'INVALID_PARAMETER' });
  });

  it.each([
    ['not an axis id', 'not-an-id'],
    ['an axis id nobody was given', documentIdFor(GOVERNMENT_OFFICE, 'nothing')],
  ])('answers a download of %s with 404 NOT_FOUND', async (_, messageId) => {
    const { status, json } = await downloadAs(CAO_BANG, messageId);
    expect(status).toBe(404);
    expect(json?.error).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('the verify and route consumers on real queues', () => {
  it('rejects a document whose stored bytes changed, and routes it to nobody', async () => {
    const bytes = freshDocument('tampered');
    const before = await state.objectKeys(axis.bucket);
    const { json } = await postDocument(bytes, GOVERNMENT_OFFICE);
    const documentId = json?.documentId as string;
    const [key] = (await state.objectKeys(axis.bucket)).filter((k) => !before.includes(k));
    await state.putObject(axis.bucket, key as string, Buffer.concat([bytes, Buffer.from('\n')]));

    const verified = await drain(state, axis.queues.verify, verify);

    expect(verified.outcomes.map((o) => o.response?.batchItemFailures)).toEqual([[]]);
    // The one thing routed is the axis's signed rejection, to the sender.
    const routed = await collect(state, axis.queues.route);
    const rejectionId = rejectionIdFor(documentId);
    expect(bodies<RouteRequest>(routed)).toEqual([
      { documentId, messageId: rejectionId, recipientId: GOVERNMENT_OFFICE },
    ]);
    await consume(state, axis.queues.route, route, routed);
    expect(
      hooks
        .postsFor(GOVERNMENT_OFFICE)
        .filter((post) => post.headers['x-lienthong-message-id'] === rejectionId),
    ).toHaveLength(1);
    const view = (await readTimeline(GOVERNMENT_OFFICE, documentId))
      .json as unknown as DocumentTimeline;
    expect(view.state).toBe('rejected');
    expect(view.rejection?.code).toBe('DIGEST_MISMATCH');
    expect(view.recipients.every((r) => r.delivery.state === 'pending')).toBe(true);
    expect(
      hooks.postsFor(NGHE_AN).some((p) => p.headers['x-lienthong-document-id'] === documentId),
    ).toBe(false);

    // Nobody received it, so nobody can report on it.
    const status = replacedOnce(
      sampleText('status_inbox_01.edxml'),
      `<edXML:DocumentId>${SAMPLE_EDXML_ID}</edXML:DocumentId>`,
      `<edXML:DocumentId>${GOVERNMENT_OFFICE},2026/12/04,tampered</edXML:DocumentId>`,
    );
    const answer = await postStatus(status, NGHE_AN);
    expect(answer.status).toBe(422);
    expect(answer.json?.error).toMatchObject({ code: 'UNKNOWN_DOCUMENT' });
  });

  it('fails only the malformed or unknown messages of a batch', async () => {
    const bytes = freshDocument('batch-with-junk');
    const { json } = await postDocument(bytes, GOVERNMENT_OFFICE);
    const documentId = json?.documentId as string;
    await state.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: axis.queues.verify.url,
        Entries: [
          { Id: 'junk', MessageBody: 'not json at all' },
          { Id: 'shape', MessageBody: JSON.stringify({ document: documentId }) },
          {
            Id: 'unknown',
            MessageBody: JSON.stringify({ documentId: documentIdFor(OUTSIDER, 'none') }),
          },
        ],
      }),
    );
    const messages = await collect(state, axis.queues.verify);
    expect(messages).toHaveLength(4);

    const [outcome] = await consume(state, axis.queues.verify, verify, messages);

    const good = messages.find((m) => m.Body === JSON.stringify({ documentId }));
    const failed = outcome?.response?.batchItemFailures?.map((f) => f.itemIdentifier).sort();
    expect(failed).toEqual(
      messages
        .filter((m) => m !== good)
        .map((m) => m.MessageId)
        .sort(),
    );
    const view = (await readTimeline(GOVERNMENT_OFFICE, documentId))
      .json as unknown as DocumentTimeline;
    expect(view.state).toBe('verified');
    // The three failures stay on the queue, invisible until their visibility timeout ends.
    expect(await state.queueCounts(axis.queues.verify.url)).toMatchObject({
      visible: 0,
      inFlight: 3,
    });
    await drain(state, axis.queues.route, route);
  });
});

describe('repeats reach each recipient once', () => {
  it('a document re-submitted before verification, both verify messages in one batch', async () => {
    const bytes = freshDocument('resubmitted-early');
    const first = await postDocument(bytes, GOVERNMENT_OFFICE);
    // The sender lost the answer and sends the same bytes again at once.
    const again = await postDocument(bytes, GOVERNMENT_OFFICE);
    expect(again.json).toEqual({ ...first.json, duplicate: true });
    const documentId = first.json?.documentId as string;

    // However the verify step is batched, each recipient must get it once.
    const verifyMessages = await collect(state, axis.queues.verify);
    await consume(state, axis.queues.verify, verify, verifyMessages);
    const routeMessages = await collect(state, axis.queues.route);
    await consume(state, axis.queues.route, route, routeMessages);

    const webhookCopies = hooks
      .postsFor(NGHE_AN)
      .filter((post) => post.headers['x-lienthong-document-id'] === documentId);
    expect(webhookCopies).toHaveLength(1);
    const items = ((await readInbox(CAO_BANG)).json?.items ?? []) as InboxItem[];
    const listed = items.filter((item) => item.messageId === documentId);
    expect(listed).toHaveLength(1);
  });

  it('a status reported twice, routed in one batch, reaches the sender once', async () => {
    const bytes = freshDocument('status-twice');
    const { json } = await postDocument(bytes, GOVERNMENT_OFFICE);
    const documentId = json?.documentId as string;
    await runPipeline();
    const status = replacedOnce(
      sampleText('status_assignment_04.edxml'),
      `<edXML:DocumentId>${SAMPLE_EDXML_ID}</edXML:DocumentId>`,
      `<edXML:DocumentId>${GOVERNMENT_OFFICE},2026/12/04,status-twice</edXML:DocumentId>`,
    );
    const first = await postStatus(status, NGHE_AN);
    // A retry after a lost answer: the same bytes again.
    const retry = await postStatus(status, NGHE_AN);
    expect(first.json).toMatchObject({ documentId, duplicate: false });
    expect(retry.json).toMatchObject({ documentId, duplicate: true });

    const routeMessages = await collect(state, axis.queues.route);
    await consume(state, axis.queues.route, route, routeMessages);

    const messageId = first.json?.messageId;
    const copies = hooks
      .postsFor(GOVERNMENT_OFFICE)
      .filter((post) => post.headers['x-lienthong-message-id'] === messageId);
    expect(copies).toHaveLength(1);
  });

  it('a status reported twice, routed in two batches, reaches the sender once', async () => {
    const bytes = freshDocument('status-sequential');
    await postDocument(bytes, GOVERNMENT_OFFICE);
    await runPipeline();
    const status = replacedOnce(
      sampleText('status_assignment_04.edxml'),
      `<edXML:DocumentId>${SAMPLE_EDXML_ID}</edXML:DocumentId>`,
      `<edXML:DocumentId>${GOVERNMENT_OFFICE},2026/12/04,status-sequential</edXML:DocumentId>`,
    );
    const first = await postStatus(status, NGHE_AN);
    await runPipeline();
    await postStatus(status, NGHE_AN);
    await runPipeline();

    const copies = hooks
      .postsFor(GOVERNMENT_OFFICE)
      .filter((post) => post.headers['x-lienthong-message-id'] === first.json?.messageId);
    expect(copies).toHaveLength(1);
  });
});
