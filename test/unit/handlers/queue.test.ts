import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { RouteRequest, VerifyRequest } from '#shared/domain/ports';
import { useDependencies } from '#shared/runtime/dependencies';
import { submitDocument } from '#shared/services/submitDocument';
import { verifyDocument } from '#shared/services/verifyDocument';
import { handler as route } from '../../../functions/route/index';
import { handler as verify } from '../../../functions/verify/index';
import { createLambdaContext } from '../../../local/lambdaContext';
import {
  CAO_BANG,
  GOVERNMENT_OFFICE,
  HAI_PHONG,
  HOA_SON,
  HOA_TIEN,
  NGHE_AN,
  type Registered,
  registerAgencies,
  sample,
  THREE_PROVINCES_FILE,
} from '../../support/agencies';
import { fakeDependencies } from '../../support/fakes';

// Powertools reads POWERTOOLS_LOG_LEVEL when the handlers' logger is created: keep tests quiet.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

type Deps = ReturnType<typeof fakeDependencies>;
type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

let deps: Deps;
let agencies: Map<string, Registered>;
let records = 0;

function sqsRecord(body: unknown, receiveCount = 1): SQSRecord {
  records += 1;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    messageId: `msg-${records}`,
    receiptHandle: `handle-${records}`,
    body: text,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '1796374800000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1796374800001',
    },
    messageAttributes: {},
    md5OfBody: 'not-checked-here',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-southeast-1:123456789012:lienthong-queue',
    awsRegion: 'ap-southeast-1',
  };
}

const invoke = (handler: Handler, ...batch: SQSRecord[]) =>
  handler(
    { Records: batch },
    createLambdaContext({ functionName: 'lienthong-queue-test', timeoutSeconds: 30 }),
  );

const failedIds = (response: SQSBatchResponse) =>
  response.batchItemFailures.map((failure) => failure.itemIdentifier);

async function submitted(file: string, sender: string): Promise<string> {
  const caller = agencies.get(sender)?.agency;
  if (!caller) throw new Error(`test setup: ${sender} is not registered`);
  const { documentId } = await submitDocument(deps, caller, sample(file));
  return documentId;
}

beforeEach(async () => {
  deps = fakeDependencies();
  useDependencies(deps);
  agencies = await registerAgencies(deps, [
    GOVERNMENT_OFFICE,
    NGHE_AN,
    { agencyId: CAO_BANG, webhookUrl: 'https://vanban.caobang.gov.vn/in' },
    HAI_PHONG,
    HOA_TIEN,
    HOA_SON,
  ]);
});

describe('verify handler', () => {
  it('verifies every good record and reports none failed', async () => {
    const first = await submitted(THREE_PROVINCES_FILE, GOVERNMENT_OFFICE);
    const second = await submitted('edoc_new.edxml', HOA_TIEN);

    const response = await invoke(
      verify,
      sqsRecord({ documentId: first } satisfies VerifyRequest),
      sqsRecord({ documentId: second } satisfies VerifyRequest),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(deps.exchange.documents.get(first)?.state).toBe('verified');
    expect(deps.exchange.documents.get(second)?.state).toBe('verified');
    expect(deps.routeQueue.sent).toHaveLength(4);
  });

  it.each([
    ['a body that is not JSON', '{"documentId":'],
    ['a body without documentId', { id: 'x' }],
    ['an empty documentId', { documentId: '' }],
    ['a documentId that is not a string', { documentId: 42 }],
    ['a JSON null', 'null'],
    ['a document with no record', { documentId: `doc_${'m'.repeat(26)}` }],
  ])('reports only the record with %s as failed', async (_name, badBody) => {
    const first = await submitted(THREE_PROVINCES_FILE, GOVERNMENT_OFFICE);
    const second = await submitted('edoc_new.edxml', HOA_TIEN);
    const bad = sqsRecord(badBody);

    const response = await invoke(
      verify,
      sqsRecord({ documentId: first }),
      bad,
      sqsRecord({ documentId: second }),
    );

    expect(failedIds(response)).toEqual([bad.messageId]);
    expect(deps.exchange.documents.get(first)?.state).toBe('verified');
    expect(deps.exchange.documents.get(second)?.state).toBe('verified');
  });

  it('throws when every record of the batch fails', async () => {
    await expect(
      invoke(verify, sqsRecord('not json'), sqsRecord({ documentId: '' })),
    ).rejects.toMatchObject({ name: 'FullBatchFailureError' });
  });

  it('answers an empty batch with no failures', async () => {
    await expect(invoke(verify)).resolves.toEqual({ batchItemFailures: [] });
  });
});

describe('route handler', () => {
  let documentId: string;
  const request = (recipientId: string): RouteRequest => ({
    documentId,
    messageId: documentId,
    recipientId,
  });
  const deliveryTo = (recipientId: string) =>
    deps.exchange.deliveries.get(`${documentId}|${documentId}|${recipientId}`);

  beforeEach(async () => {
    documentId = await submitted(THREE_PROVINCES_FILE, GOVERNMENT_OFFICE);
    await verifyDocument(deps, { documentId });
  });

  it('delivers every good record', async () => {
    const response = await invoke(
      route,
      sqsRecord(request(NGHE_AN)),
      sqsRecord(request(CAO_BANG)),
      sqsRecord(request(HAI_PHONG)),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(deps.inbox.items.size).toBe(2);
    expect(deps.webhook.posts).toHaveLength(1);
    expect(deliveryTo(CAO_BANG)?.state).toBe('delivered');
  });

  it('reports a malformed record and a failed webhook, and delivers the rest', async () => {
    deps.webhook.status = 503;
    const malformed = sqsRecord({ documentId, messageId: documentId });
    const webhook = sqsRecord(request(CAO_BANG), 2);

    const response = await invoke(route, sqsRecord(request(NGHE_AN)), malformed, webhook);

    expect(failedIds(response).sort()).toEqual([malformed.messageId, webhook.messageId].sort());
    expect(deliveryTo(NGHE_AN)?.state).toBe('delivered');
    expect(deliveryTo(CAO_BANG)).toMatchObject({ state: 'retrying', attempts: 1 });
  });

  it('records a delivery as dead on the queue’s last receive', async () => {
    deps.webhook.status = 500;
    const last = sqsRecord(request(CAO_BANG), deps.routeMaxReceiveCount);

    const response = await invoke(route, sqsRecord(request(NGHE_AN)), last);

    expect(failedIds(response)).toEqual([last.messageId]);
    expect(deliveryTo(CAO_BANG)?.state).toBe('dead');
  });

  it('throws when every record of the batch fails', async () => {
    deps.webhook.status = 500;
    await expect(invoke(route, sqsRecord(request(CAO_BANG)))).rejects.toMatchObject({
      name: 'FullBatchFailureError',
    });
    expect(deliveryTo(CAO_BANG)?.state).toBe('retrying');
  });
});
