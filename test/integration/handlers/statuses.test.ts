import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '#shared/config/wiring';
import { documentIdFor, sha256Hex, statusMessageIdFor } from '#shared/domain/ids';
import type { RouteRequest } from '#shared/domain/ports';
import { buildStatusMessage, formatEdxmlTimestamp } from '#shared/edxml/buildStatusMessage';
import { resetDependencies } from '#shared/runtime/dependencies';
import { handler as download } from '../../../functions/download/index';
import { handler as inbox } from '../../../functions/inbox/index';
import { handler as route } from '../../../functions/route/index';
import { handler as statusCallback } from '../../../functions/status-callback/index';
import { handler as submit } from '../../../functions/submit/index';
import { handler as verify } from '../../../functions/verify/index';
import type { ProvisionedAxis } from '../../../local/provision';
import {
  CAO_BANG,
  GOVERNMENT_OFFICE,
  HAI_PHONG,
  impostorOf,
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
import {
  inOtherNamespace,
  replacedOnce,
  withExternalEntity,
  withoutElement,
} from '../helpers/edxmlVariants';
import { type Credentials, invokeApi } from '../helpers/lambdaEvents';
import { bodies, collect, drain } from '../helpers/queueDriver';
import { credentialsOf, registerAll } from '../helpers/registration';

/**
 * POST /v1/statuses through the real handler and adapters, about a document
 * that went through submit, verify and route on this axis: refusals change
 * nothing anywhere; an accepted status is stored and queued for the sender.
 */
let axis: ProvisionedAxis;
let state: AwsState;
let agencies: Map<string, Credentials>;
const documentBytes = sample(THREE_PROVINCES_FILE);
const documentId = documentIdFor(GOVERNMENT_OFFICE, sha256Hex(documentBytes));

const as = (agencyId: string) => credentialsOf(agencies, agencyId);
const post = (body: Uint8Array, caller: Credentials | undefined) =>
  invokeApi(statusCallback, { routeKey: 'POST /v1/statuses', path: '/v1/statuses', caller, body });

async function storedState() {
  return {
    payloads: await state.objectKeys(axis.bucket),
    exchange: await state.itemKeys(axis.tables.exchange),
    inbox: await state.itemKeys(axis.tables.inbox, ['agencyId', 'messageId']),
    verifyQueue: await state.queueCounts(axis.queues.verify.url),
    routeQueue: await state.queueCounts(axis.queues.route.url),
  };
}

const EMPTY_QUEUE = { visible: 0, inFlight: 0, delayed: 0 };

beforeAll(async () => {
  axis = await provisionTestAxis('status-handler');
  resetDependencies();
  state = new AwsState();
  agencies = await registerAll(
    axis.tables.agencies,
    [GOVERNMENT_OFFICE, ...THREE_PROVINCES, OUTSIDER].map((agencyId) => ({ agencyId })),
  );
  // The document goes all the way through before any status is reported.
  const submitted = await invokeApi(submit, {
    routeKey: 'POST /v1/documents',
    path: '/v1/documents',
    caller: as(GOVERNMENT_OFFICE),
    body: documentBytes,
  });
  expect(submitted.status).toBe(202);
  await drain(state, axis.queues.verify, verify);
  const routed = await drain(state, axis.queues.route, route);
  expect(routed.messages).toHaveLength(THREE_PROVINCES.length);
});

afterAll(async () => {
  state?.destroy();
  await axis?.teardown();
  resetDependencies();
});

/** A status about the sample document, written as a recipient's software would. */
function statusFrom(agencyId: string, statusCode: string, description?: string): Buffer {
  return Buffer.from(
    buildStatusMessage({
      from: { organId: agencyId },
      responseFor: { organId: GOVERNMENT_OFFICE, documentId: SAMPLE_EDXML_ID },
      statusCode,
      timestamp: formatEdxmlTimestamp(new Date()),
      ...(description ? { description } : {}),
    }),
  );
}

const arrived = () => sampleText('status_inbox_01.edxml');

interface BadStatus {
  readonly name: string;
  readonly body: () => Buffer;
  readonly caller: string | Credentials | undefined;
  readonly status: number;
  readonly code: string;
  readonly bodyLimit?: number;
}

const BAD_STATUSES: readonly BadStatus[] = [
  {
    name: 'a body that is not XML',
    body: () => Buffer.from('01 Đã đến'),
    caller: NGHE_AN,
    status: 400,
    code: 'NOT_XML',
  },
  {
    name: 'edXML markup in another namespace',
    body: () => inOtherNamespace(arrived()),
    caller: NGHE_AN,
    status: 400,
    code: 'NOT_EDXML',
  },
  {
    name: 'a document sent as a status',
    body: () => sample(THREE_PROVINCES_FILE),
    caller: GOVERNMENT_OFFICE,
    status: 400,
    code: 'DOCUMENT_SENT_AS_STATUS',
  },
  {
    name: 'a status without From',
    body: () => withoutElement(arrived(), 'From'),
    caller: NGHE_AN,
    status: 400,
    code: 'MISSING_FROM',
  },
  {
    name: 'a status without ResponseFor',
    body: () => withoutElement(arrived(), 'ResponseFor'),
    caller: NGHE_AN,
    status: 400,
    code: 'EDXML_MISSING_ELEMENT',
  },
  {
    name: 'a body over the configured limit',
    body: () => sample('status_inbox_01.edxml'),
    caller: NGHE_AN,
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    bodyLimit: 512,
  },
  {
    name: 'a DTD with an external entity',
    body: () => withExternalEntity(arrived(), 'Description'),
    caller: NGHE_AN,
    status: 400,
    code: 'XML_DTD_FORBIDDEN',
  },
  {
    name: 'From/OrganId naming another agency than the caller',
    body: () => sample('status_inbox_01.edxml'),
    caller: CAO_BANG,
    status: 403,
    code: 'SENDER_MISMATCH',
  },
  {
    name: 'a status from an agency that is not a recipient',
    body: () => statusFrom(OUTSIDER, '01'),
    caller: OUTSIDER,
    status: 403,
    code: 'NOT_A_RECIPIENT',
  },
  {
    name: 'a status from the sender itself',
    body: () => statusFrom(GOVERNMENT_OFFICE, '03'),
    caller: GOVERNMENT_OFFICE,
    status: 403,
    code: 'NOT_A_RECIPIENT',
  },
  {
    name: 'a status code QCVN 102 does not define',
    body: () => replacedOnce(arrived(), '<edXML:StatusCode>01<', '<edXML:StatusCode>99<'),
    caller: NGHE_AN,
    status: 400,
    code: 'INVALID_STATUS_CODE',
  },
  {
    name: 'a status code that is not two digits',
    body: () => replacedOnce(arrived(), '<edXML:StatusCode>01<', '<edXML:StatusCode>1<'),
    caller: NGHE_AN,
    status: 400,
    code: 'INVALID_STATUS_CODE',
  },
  {
    name: 'a take-back answer (15) before any take-back request',
    body: () => sample('status_change-acceptance_15.edxml'),
    caller: NGHE_AN,
    status: 409,
    code: 'NO_TAKE_BACK_REQUESTED',
  },
  {
    name: 'no credentials',
    body: () => sample('status_inbox_01.edxml'),
    caller: undefined,
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'a signature by a key the axis does not hold',
    body: () => sample('status_inbox_01.edxml'),
    caller: impostorOf(NGHE_AN),
    status: 401,
    code: 'BAD_REQUEST_SIGNATURE',
  },
  {
    name: 'an agency that is not registered',
    body: () => sample('status_inbox_01.edxml'),
    caller: impostorOf('000.00.00.Q03'),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
];

describe('POST /v1/statuses refuses bad input and changes nothing', () => {
  let before: Awaited<ReturnType<typeof storedState>>;

  it('starts with the delivered document and empty queues', async () => {
    before = await storedState();
    expect(before.payloads).toEqual([`documents/${documentId}.edxml`]);
    expect(before.verifyQueue).toEqual(EMPTY_QUEUE);
    expect(before.routeQueue).toEqual(EMPTY_QUEUE);
    expect(before.inbox).toEqual(THREE_PROVINCES.map((id) => `${id}|${documentId}`).sort());
  });

  it.each(BAD_STATUSES)('$name: $status $code', async (bad) => {
    const caller = typeof bad.caller === 'string' ? as(bad.caller) : bad.caller;
    const previous = process.env[ENV.maxBodyBytes];
    if (bad.bodyLimit !== undefined) process.env[ENV.maxBodyBytes] = String(bad.bodyLimit);
    let answer: Awaited<ReturnType<typeof post>>;
    try {
      answer = await post(bad.body(), caller);
    } finally {
      if (previous === undefined) delete process.env[ENV.maxBodyBytes];
      else process.env[ENV.maxBodyBytes] = previous;
    }

    expect(answer.status).toBe(bad.status);
    expect(answer.json?.error).toMatchObject({ code: bad.code, message: expect.any(String) });
    expect(await storedState()).toEqual(before);
  });
});

describe('POST /v1/statuses accepts a recipient status', () => {
  const body = sample('status_inbox_01.edxml');
  const messageId = statusMessageIdFor(NGHE_AN, sha256Hex(body));

  it('answers 202, stores the exact bytes and queues one route message to the sender', async () => {
    const before = await storedState();

    const { status, json } = await post(body, as(NGHE_AN));

    expect(status).toBe(202);
    expect(json).toEqual({
      messageId,
      documentId,
      statusCode: '01',
      currentStatus: '01',
      duplicate: false,
    });
    const after = await storedState();
    const newKeys = after.payloads.filter((key) => !before.payloads.includes(key));
    expect(newKeys).toHaveLength(1);
    expect((await state.objectBytes(axis.bucket, newKeys[0] as string)).equals(body)).toBe(true);
    expect(after.exchange.filter((key) => !before.exchange.includes(key)).sort()).toEqual(
      [
        `DOC#${documentId}|PRG#${NGHE_AN}`,
        `DOC#${documentId}|STS#${messageId}`,
        `MSG#${messageId}|META`,
      ].sort(),
    );
    const queued = await collect(state, axis.queues.route);
    expect(bodies<RouteRequest>(queued)).toEqual([
      { documentId, messageId, recipientId: GOVERNMENT_OFFICE },
    ]);
    await state.remove(axis.queues.route.url, queued);
  });

  it('answers a retry of the same bytes as a duplicate without storing anything new', async () => {
    const before = await storedState();

    const { status, json } = await post(sample('status_inbox_01.edxml'), as(NGHE_AN));

    expect(status).toBe(202);
    expect(json).toMatchObject({ messageId, duplicate: true, currentStatus: '01' });
    const after = await storedState();
    expect(after.payloads).toEqual(before.payloads);
    expect(after.exchange).toEqual(before.exchange);
    await state.remove(axis.queues.route.url, await collect(state, axis.queues.route));
  });

  it('moves the current status forward only: a late 01 after 03 leaves 03', async () => {
    const accepted = await post(statusFrom(CAO_BANG, '03', 'Đã tiếp nhận'), as(CAO_BANG));
    expect(accepted.json).toMatchObject({ statusCode: '03', currentStatus: '03' });

    const late = await post(statusFrom(CAO_BANG, '01', 'Đã đến (muộn)'), as(CAO_BANG));

    expect(late.status).toBe(202);
    expect(late.json).toMatchObject({ statusCode: '01', currentStatus: '03', duplicate: false });
    await state.remove(axis.queues.route.url, await collect(state, axis.queues.route));
  });
});

describe('a status after routing', () => {
  it("lands in an inbox-mode sender's inbox with its code, and downloads as sent", async () => {
    const body = sample('status_processing_05.edxml');
    const { json } = await post(body, as(NGHE_AN));
    const messageId = json?.messageId as string;

    await drain(state, axis.queues.route, route);

    const listed = await invokeApi(inbox, {
      routeKey: 'GET /v1/inbox',
      path: '/v1/inbox',
      caller: as(GOVERNMENT_OFFICE),
    });
    expect(listed.json?.items).toContainEqual(
      expect.objectContaining({
        agencyId: GOVERNMENT_OFFICE,
        messageId,
        kind: 'status',
        documentId,
        from: NGHE_AN,
        statusCode: '05',
      }),
    );
    const fetched = await invokeApi(download, {
      routeKey: 'GET /v1/messages/{messageId}',
      path: `/v1/messages/${messageId}`,
      caller: as(GOVERNMENT_OFFICE),
      pathParameters: { messageId },
    });
    expect(fetched.status).toBe(200);
    expect(Buffer.from(fetched.response.body ?? '', 'base64').equals(body)).toBe(true);
  });
});

describe('a DocumentId the sender reused', () => {
  it('attaches each status to the newest document its reporter received', async () => {
    // The Government Office sends the same DocumentId again, changed, to Nghệ An only.
    const revised = withoutElement(
      sampleText(THREE_PROVINCES_FILE).replace(
        /\s*<edXML:To>\s*<edXML:OrganId>000\.00\.00\.H14<[\s\S]*?<\/edXML:To>/,
        '',
      ),
      'Subject',
    );
    const resent = await invokeApi(submit, {
      routeKey: 'POST /v1/documents',
      path: '/v1/documents',
      caller: as(GOVERNMENT_OFFICE),
      body: revised,
    });
    expect(resent.json).toMatchObject({ recipients: [NGHE_AN, HAI_PHONG], duplicate: false });
    const revisedId = resent.json?.documentId as string;
    expect(revisedId).not.toBe(documentId);
    // Delivered before anyone reports on it: only a delivered document can be.
    await drain(state, axis.queues.verify, verify);
    const routed = await drain(state, axis.queues.route, route);
    expect(routed.messages).toHaveLength(2);

    const fromNgheAn = await post(statusFrom(NGHE_AN, '04', 'về bản sửa đổi'), as(NGHE_AN));
    const fromCaoBang = await post(statusFrom(CAO_BANG, '04', 'về bản đầu'), as(CAO_BANG));

    expect(fromNgheAn.json).toMatchObject({ documentId: revisedId, currentStatus: '04' });
    // Cao Bằng only ever received the first one.
    expect(fromCaoBang.json).toMatchObject({ documentId, currentStatus: '04' });
    await state.remove(axis.queues.route.url, await collect(state, axis.queues.route));
    await state.remove(axis.queues.verify.url, await collect(state, axis.queues.verify));
  });
});

/**
 * A well-formed status from a registered agency about a document the axis
 * has not verified is kept until the document is, not refused.
 */
const NOT_YET_KNOWN = [
  {
    name: 'ResponseFor naming a document nobody sent',
    body: () => replacedOnce(arrived(), SAMPLE_EDXML_ID, `${SAMPLE_EDXML_ID}-không-có`),
  },
  {
    name: 'ResponseFor naming the right DocumentId under another sender',
    body: () =>
      replacedOnce(
        arrived(),
        `<edXML:OrganId>${GOVERNMENT_OFFICE}</edXML:OrganId>`,
        `<edXML:OrganId>${CAO_BANG}</edXML:OrganId>`,
      ),
  },
];

describe('POST /v1/statuses about a document not yet known', () => {
  it.each(NOT_YET_KNOWN)('$name: 202 pending, kept, routed nowhere', async ({ body }) => {
    const before = await storedState();
    const bytes = body();
    const messageId = statusMessageIdFor(NGHE_AN, sha256Hex(bytes));

    const { status, json } = await post(bytes, as(NGHE_AN));

    expect(status).toBe(202);
    expect(json).toEqual({ messageId, pending: true });
    const after = await storedState();
    expect(after.routeQueue).toEqual(before.routeQueue);
    expect(after.verifyQueue).toEqual(before.verifyQueue);
    expect(after.inbox).toEqual(before.inbox);
    expect(after.payloads.filter((key) => !before.payloads.includes(key))).toEqual([
      `statuses/${messageId}.edxml`,
    ]);
    const added = after.exchange.filter((key) => !before.exchange.includes(key));
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((key) => key.startsWith('PENDING') && key.endsWith(messageId))).toBe(true);
    const stored = await state.objectBytes(axis.bucket, `statuses/${messageId}.edxml`);
    expect(stored.equals(bytes)).toBe(true);
  });
});

describe('statuses that arrive before their document', () => {
  const edxmlId = `${GOVERNMENT_OFFICE},2026/12/04,status-first`;
  const document = replacedOnce(
    sampleText(THREE_PROVINCES_FILE),
    `<edXML:DocumentId>${SAMPLE_EDXML_ID}</edXML:DocumentId>`,
    `<edXML:DocumentId>${edxmlId}</edXML:DocumentId>`,
  );
  const laterId = documentIdFor(GOVERNMENT_OFFICE, sha256Hex(document));
  const statusAbout = (agencyId: string, statusCode: string) =>
    Buffer.from(
      buildStatusMessage({
        from: { organId: agencyId },
        responseFor: { organId: GOVERNMENT_OFFICE, documentId: edxmlId },
        statusCode,
        description: `${statusCode} trước khi văn bản đến`,
        timestamp: formatEdxmlTimestamp(new Date()),
      }),
    );

  it('are kept, then applied once when the document is verified', async () => {
    await state.remove(axis.queues.route.url, await collect(state, axis.queues.route));
    const early = statusAbout(NGHE_AN, '05');
    const late = statusAbout(NGHE_AN, '01');
    const outsider = statusAbout(OUTSIDER, '03');
    const ids = [early, late].map((bytes) => statusMessageIdFor(NGHE_AN, sha256Hex(bytes)));
    const outsiderId = statusMessageIdFor(OUTSIDER, sha256Hex(outsider));
    for (const [bytes, caller] of [
      [early, NGHE_AN],
      [late, NGHE_AN],
      [outsider, OUTSIDER],
    ] as const) {
      const answer = await post(bytes, as(caller));
      expect(answer.status).toBe(202);
      expect(answer.json).toMatchObject({ pending: true });
    }
    expect(await state.queueCounts(axis.queues.route.url)).toEqual(EMPTY_QUEUE);

    const submitted = await invokeApi(submit, {
      routeKey: 'POST /v1/documents',
      path: '/v1/documents',
      caller: as(GOVERNMENT_OFFICE),
      body: document,
    });
    expect(submitted.status).toBe(202);
    await drain(state, axis.queues.verify, verify);

    const routed = bodies<RouteRequest>(await collect(state, axis.queues.route));
    const statusRoutes = routed.filter((request) => request.messageId !== laterId);
    expect(statusRoutes.sort((a, b) => a.messageId.localeCompare(b.messageId))).toEqual(
      ids
        .map((messageId) => ({ documentId: laterId, messageId, recipientId: GOVERNMENT_OFFICE }))
        .sort((a, b) => a.messageId.localeCompare(b.messageId)),
    );
    const items = await state.items(axis.tables.exchange);
    const history = items.filter(
      (item) => item.pk === `DOC#${laterId}` && String(item.sk).startsWith('STS#'),
    );
    expect(history.map((item) => item.messageId).sort()).toEqual([...ids].sort());
    const progress = items.find(
      (item) => item.pk === `DOC#${laterId}` && item.sk === `PRG#${NGHE_AN}`,
    );
    // 05 then 01: the later 01 does not move the recipient back.
    expect(progress?.statusCode).toBe('05');
    const kept = items.filter((item) => String(item.pk).startsWith('PENDING'));
    expect(kept.filter((item) => ids.includes(item.messageId as string))).toEqual([]);
    const dropped = kept.filter((item) => item.messageId === outsiderId);
    expect(dropped.length).toBeGreaterThan(0);
    for (const item of dropped) {
      expect(item).toMatchObject({
        state: 'dropped',
        dropped: { code: 'NOT_A_RECIPIENT', documentId: laterId },
      });
    }

    // Verifying again applies nothing twice.
    await invokeApi(submit, {
      routeKey: 'POST /v1/documents',
      path: '/v1/documents',
      caller: as(GOVERNMENT_OFFICE),
      body: document,
    });
    await drain(state, axis.queues.verify, verify);
    const again = bodies<RouteRequest>(await collect(state, axis.queues.route));
    expect(again.filter((request) => ids.includes(request.messageId))).toEqual([]);
  });
});
