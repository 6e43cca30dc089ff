import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoExchangeStore } from '#shared/adapters/dynamodb/DynamoExchangeStore';
import { documentIdFor, sha256Hex } from '#shared/domain/ids';
import type { RouteRequest } from '#shared/domain/ports';
import { resetDependencies } from '#shared/runtime/dependencies';
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
  NGHE_AN,
  SAMPLE_EDXML_ID,
  sample,
  sampleText,
  THREE_PROVINCES,
  THREE_PROVINCES_FILE,
} from '../../support/agencies';
import { provisionTestAxis } from '../../support/testAxis';
import { AwsState } from '../helpers/awsState';
import { type Credentials, invokeApi } from '../helpers/lambdaEvents';
import { bodies, drain } from '../helpers/queueDriver';
import { credentialsOf, registerAll } from '../helpers/registration';

/**
 * Take-back (13, 15, 16), revocation and correlation by code through the real
 * handlers and adapters: statuses and documents go through submit, verify and
 * route as they would in production, and the links land in DynamoDB.
 */
let axis: ProvisionedAxis;
let state: AwsState;
let agencies: Map<string, Credentials>;
let exchange: DynamoExchangeStore;
const documentBytes = sample(THREE_PROVINCES_FILE);
const documentId = documentIdFor(GOVERNMENT_OFFICE, sha256Hex(documentBytes));

const as = (agencyId: string) => credentialsOf(agencies, agencyId);
const postStatus = (body: Uint8Array, agencyId: string) =>
  invokeApi(statusCallback, {
    routeKey: 'POST /v1/statuses',
    path: '/v1/statuses',
    caller: as(agencyId),
    body,
  });
const readTimeline = (agencyId: string, id: string) =>
  invokeApi(timeline, {
    routeKey: 'GET /v1/documents/{documentId}',
    path: `/v1/documents/${id}`,
    caller: as(agencyId),
    pathParameters: { documentId: id },
  });

/** Submits, verifies and routes a document from the Office; returns what was routed. */
async function sendThrough(bytes: Uint8Array): Promise<RouteRequest[]> {
  const submitted = await invokeApi(submit, {
    routeKey: 'POST /v1/documents',
    path: '/v1/documents',
    caller: as(GOVERNMENT_OFFICE),
    body: bytes,
  });
  expect(submitted.status).toBe(202);
  await drain(state, axis.queues.verify, verify);
  return bodies<RouteRequest>((await drain(state, axis.queues.route, route)).messages);
}

beforeAll(async () => {
  axis = await provisionTestAxis('take-back');
  resetDependencies();
  state = new AwsState();
  exchange = new DynamoExchangeStore(axis.tables.exchange);
  agencies = await registerAll(
    axis.tables.agencies,
    [GOVERNMENT_OFFICE, ...THREE_PROVINCES].map((agencyId) => ({ agencyId })),
  );
  expect(await sendThrough(documentBytes)).toHaveLength(THREE_PROVINCES.length);
});

afterAll(async () => {
  state?.destroy();
  await axis?.teardown();
  resetDependencies();
});

describe('take-back through the handlers', () => {
  it('refuses 15 before the sender asked for the document back', async () => {
    const answer = await postStatus(sample('status_change-acceptance_15.edxml'), NGHE_AN);
    expect(answer.status).toBe(409);
    expect(answer.json).toMatchObject({ error: { code: 'NO_TAKE_BACK_REQUESTED' } });
  });

  it('routes the 13 to every recipient and the 15 back to the sender', async () => {
    const request = await postStatus(sample('status_cancellation_13.edxml'), GOVERNMENT_OFFICE);
    expect(request.status).toBe(202);
    const toRecipients = await drain(state, axis.queues.route, route);
    expect(
      bodies<RouteRequest>(toRecipients.messages)
        .map((r) => r.recipientId)
        .sort(),
    ).toEqual([...THREE_PROVINCES].sort());

    const agreed = await postStatus(sample('status_change-acceptance_15.edxml'), NGHE_AN);
    expect(agreed.status).toBe(202);
    const toSender = await drain(state, axis.queues.route, route);
    expect(bodies<RouteRequest>(toSender.messages).map((r) => r.recipientId)).toEqual([
      GOVERNMENT_OFFICE,
    ]);

    const seen = await readTimeline(GOVERNMENT_OFFICE, documentId);
    expect(seen.json).toMatchObject({
      takeBack: {
        state: 'requested',
        agreedBy: [NGHE_AN],
        refusedBy: [],
        awaiting: [CAO_BANG, HAI_PHONG],
      },
    });
  });
});

describe('correlation by OrganId, Code and PromulgationDate', () => {
  it('finds the document for a status whose DocumentId matches nothing', async () => {
    // The sample's code with the original's own promulgation date, another DocumentId.
    const body = Buffer.from(
      sampleText('status_acceptance_03.edxml')
        .replace(SAMPLE_EDXML_ID, '000.00.00.G22,renumbered,1')
        .replace('<edXML:PromulgationDate>2015/09/30<', '<edXML:PromulgationDate>2019/04/11<'),
    );
    const answer = await postStatus(body, NGHE_AN);

    expect(answer.status).toBe(202);
    expect(answer.json).toMatchObject({ documentId, statusCode: '03' });
    await drain(state, axis.queues.route, route);
  });
});

describe('a revoke of the delivered document', () => {
  it('marks the original revoked and delivers the revoke to the recipients', async () => {
    const revokeBytes = sample('edoc_revocation.edxml');
    const revokeId = documentIdFor(GOVERNMENT_OFFICE, sha256Hex(revokeBytes));

    const routed = await sendThrough(revokeBytes);

    expect(routed.map((r) => r.recipientId).sort()).toEqual([...THREE_PROVINCES].sort());
    expect(await exchange.getDocument(documentId)).toMatchObject({ revokedBy: revokeId });
    expect(await exchange.getDocument(revokeId)).toMatchObject({ revokes: documentId });
    const seen = await readTimeline(NGHE_AN, documentId);
    expect(seen.json).toMatchObject({ revoked: true, links: { revokedBy: revokeId } });
  });
});
