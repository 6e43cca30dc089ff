import { createPublicKey, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KmsSigner } from '#shared/adapters/kms/KmsSigner';
import { AxisClient, AxisRequestError } from '#shared/client/AxisClient';
import { fetchAxisKeys } from '#shared/client/fetchAxisKeys';
import { signRequest } from '#shared/client/signRequest';
import { verifyDelivery } from '#shared/client/verifyDelivery';
import { documentIdFor, sha256Hex, statusMessageIdFor } from '#shared/domain/ids';
import { buildStatusMessage, formatEdxmlTimestamp } from '#shared/edxml/buildStatusMessage';
import type { DocumentTimeline } from '#shared/services/documentTimeline';
import { AwsState } from '../integration/helpers/awsState';
import { replacedOnce } from '../integration/helpers/edxmlVariants';
import type { Credentials } from '../integration/helpers/lambdaEvents';
import { credentialsOf, registerAll } from '../integration/helpers/registration';
import {
  type ReceivedPost,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../integration/helpers/webhookReceiver';
import {
  CAO_BANG,
  GOVERNMENT_OFFICE,
  HAI_PHONG,
  HOA_SON,
  HOA_TIEN,
  impostorOf,
  NGHE_AN,
  OUTSIDER,
  SAMPLE_EDXML_ID,
  sample,
  sampleText,
  THREE_PROVINCES,
  THREE_PROVINCES_FILE,
} from '../support/agencies';
import { type RunningAxis, startTestRuntime } from './helpers/localAxis';
import { eventually, quietPeriod, wholeInbox } from './helpers/polling';

/**
 * The local runtime over HTTP, as agencies use it: the Government Office
 * sends the three-province sample, Nghệ An takes deliveries by webhook,
 * Cao Bằng and Hải Phòng read their inboxes; statuses travel back to the
 * sender's webhook. Tests run in order and build on each other.
 */
let running: RunningAxis;
let hooks: WebhookReceiver;
let axisKey: KeyObject;
let registered: Map<string, Credentials>;
const clients = new Map<string, AxisClient>();

const client = (agencyId: string) => {
  const found = clients.get(agencyId);
  if (!found) throw new Error(`no client for ${agencyId}`);
  return found;
};

beforeAll(async () => {
  running = await startTestRuntime('e2e-exchange', 2);
  hooks = await startWebhookReceiver();
  registered = await registerAll(running.axis.provisioned.tables.agencies, [
    { agencyId: GOVERNMENT_OFFICE, webhookUrl: hooks.urlFor(GOVERNMENT_OFFICE) },
    { agencyId: NGHE_AN, webhookUrl: hooks.urlFor(NGHE_AN) },
    { agencyId: CAO_BANG },
    { agencyId: HAI_PHONG },
    { agencyId: HOA_TIEN },
    { agencyId: HOA_SON, webhookUrl: hooks.urlFor(HOA_SON) },
    { agencyId: OUTSIDER },
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
});

/** Checks a webhook delivery with nothing but the axis's public key. */
const verified = (post: ReceivedPost, to: string) =>
  verifyDelivery(post.headers, post.body, to, (kid) =>
    kid === running.axis.provisioned.signingKey.keyId ? axisKey : undefined,
  );

const postsOf = (agencyId: string, messageId: string) =>
  hooks.postsFor(agencyId).filter((post) => post.headers['x-lienthong-message-id'] === messageId);

/** Expects the call to be refused with this HTTP status and error code. */
async function refused(call: Promise<unknown>, status: number, code: string) {
  const error = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AxisRequestError);
  expect(error).toMatchObject({ status, code });
}

const document = sample(THREE_PROVINCES_FILE);
const documentId = documentIdFor(GOVERNMENT_OFFICE, sha256Hex(document));

/** Statuses in the order each recipient reports them. */
const NGHE_AN_STATUSES = [
  ['01', 'status_inbox_01.edxml'],
  ['03', 'status_acceptance_03.edxml'],
  ['04', 'status_assignment_04.edxml'],
  ['05', 'status_processing_05.edxml'],
  ['06', 'status_finish_06.edxml'],
].map(([code, file]) => ({ code: code as string, bytes: sample(file as string) }));

const HAI_PHONG_STATUSES = [
  ['01', 'Văn thư: Đã đến'],
  ['02', 'Từ chối tiếp nhận: không thuộc thẩm quyền'],
].map(([code, description]) => ({
  code: code as string,
  bytes: Buffer.from(
    buildStatusMessage({
      from: { organId: HAI_PHONG, organName: 'Sở Thông tin truyền thông Hải Phòng' },
      responseFor: { organId: GOVERNMENT_OFFICE, documentId: SAMPLE_EDXML_ID },
      statusCode: code as string,
      description,
      timestamp: formatEdxmlTimestamp(new Date()),
    }),
  ),
}));

const statusIds = (from: string, statuses: readonly { bytes: Buffer }[]) =>
  statuses.map(({ bytes }) => statusMessageIdFor(from, sha256Hex(bytes)));

describe('1. a document to several recipients', () => {
  it('is accepted with the axis id and every recipient', async () => {
    const answer = await client(GOVERNMENT_OFFICE).submitDocument(document);
    expect(answer).toEqual({ documentId, recipients: [...THREE_PROVINCES], duplicate: false });
  });

  it('reaches the webhook recipient byte for byte, signed for it alone', async () => {
    const [delivery] = await eventually('the webhook delivery to Nghệ An', () => {
      const posts = postsOf(NGHE_AN, documentId);
      return posts.length > 0 ? posts : undefined;
    });
    expect(delivery?.body.equals(document)).toBe(true);
    expect(delivery && verified(delivery, NGHE_AN)).toEqual({
      messageId: documentId,
      documentId,
      kind: 'document',
      from: GOVERNMENT_OFFICE,
      keyId: running.axis.provisioned.signingKey.keyId,
    });
    // The same delivery does not pass as one meant for another agency, nor with other bytes.
    expect(() => delivery && verified(delivery, CAO_BANG)).toThrow(/addressed to/);
    const altered = {
      ...(delivery as ReceivedPost),
      body: Buffer.concat([document, Buffer.from(' ')]),
    };
    expect(() => verified(altered, NGHE_AN)).toThrow(/digest/);
  });

  it('verifies with nothing but the JWKS the axis publishes over HTTP', async () => {
    const keyFor = await fetchAxisKeys(running.axis.url);
    const [delivery] = postsOf(NGHE_AN, documentId);
    expect(delivery).toBeDefined();
    const checked = verifyDelivery(
      (delivery as ReceivedPost).headers,
      (delivery as ReceivedPost).body,
      NGHE_AN,
      keyFor,
    );
    expect(checked).toMatchObject({ messageId: documentId, from: GOVERNMENT_OFFICE });
    const published = keyFor(checked.keyId)?.export({ format: 'der', type: 'spki' });
    const fromKms = axisKey.export({ format: 'der', type: 'spki' });
    expect(Buffer.compare(published ?? Buffer.alloc(0), fromKms)).toBe(0);
  });

  it.each([CAO_BANG, HAI_PHONG])(
    'is listed in the inbox of %s and downloads as the exact bytes',
    async (agencyId) => {
      const items = await eventually(`the document in ${agencyId}'s inbox`, async () => {
        const listed = await wholeInbox(client(agencyId));
        return listed.some((item) => item.messageId === documentId) ? listed : undefined;
      });
      expect(items).toEqual([
        expect.objectContaining({
          agencyId,
          messageId: documentId,
          documentId,
          kind: 'document',
          from: GOVERNMENT_OFFICE,
        }),
      ]);

      const downloaded = await client(agencyId).download(documentId);
      expect(Buffer.from(downloaded.bytes).equals(document)).toBe(true);
      expect(downloaded.sha256).toBe(sha256Hex(downloaded.bytes));
      expect(downloaded).toMatchObject({ kind: 'document', documentId });
    },
  );

  it('carries the 200 KB sample to a webhook byte for byte', async () => {
    const big = sample('edoc_new.edxml');
    const { documentId: bigId } = await client(HOA_TIEN).submitDocument(big);
    const [delivery] = await eventually('the 200 KB delivery', () => {
      const posts = postsOf(HOA_SON, bigId);
      return posts.length > 0 ? posts : undefined;
    });
    expect(delivery?.body.byteLength).toBe(big.byteLength);
    expect(delivery?.body.equals(big)).toBe(true);
    expect(delivery && verified(delivery, HOA_SON).from).toBe(HOA_TIEN);
  });
});

describe('2. statuses travel back to the sender', () => {
  it('accepts 01, 03, 04, 05, 06 from one recipient and 01, 02 from another', async () => {
    for (const { code, bytes } of NGHE_AN_STATUSES) {
      const answer = await client(NGHE_AN).reportStatus(bytes);
      expect(answer).toMatchObject({ documentId, statusCode: code, currentStatus: code });
    }
    for (const { code, bytes } of HAI_PHONG_STATUSES) {
      const answer = await client(HAI_PHONG).reportStatus(bytes);
      expect(answer).toMatchObject({ documentId, statusCode: code, currentStatus: code });
    }
  });

  it("arrive at the sender's webhook, each once, exact and signed", async () => {
    const expected = [
      ...statusIds(NGHE_AN, NGHE_AN_STATUSES).map((id, i) => ({
        id,
        from: NGHE_AN,
        bytes: NGHE_AN_STATUSES[i]?.bytes,
      })),
      ...statusIds(HAI_PHONG, HAI_PHONG_STATUSES).map((id, i) => ({
        id,
        from: HAI_PHONG,
        bytes: HAI_PHONG_STATUSES[i]?.bytes,
      })),
    ];
    await eventually('all seven statuses at the sender', () =>
      expected.every(({ id }) => postsOf(GOVERNMENT_OFFICE, id).length > 0),
    );
    for (const { id, from, bytes } of expected) {
      const posts = postsOf(GOVERNMENT_OFFICE, id);
      expect(posts, id).toHaveLength(1);
      expect(posts[0]?.body.equals(bytes as Buffer)).toBe(true);
      expect(posts[0] && verified(posts[0], GOVERNMENT_OFFICE)).toMatchObject({
        messageId: id,
        documentId,
        kind: 'status',
        from,
      });
    }
  });

  it("show in the sender's timeline: deliveries, current status, history in order", async () => {
    const allSent = (view: DocumentTimeline) =>
      view.recipients.every((r) =>
        r.statuses.every((s) => s.deliveryToSender.state === 'delivered'),
      );
    const view = await eventually('every status delivered to the sender', async () => {
      const seen = await client(GOVERNMENT_OFFICE).timeline(documentId);
      return allSent(seen) ? seen : undefined;
    });

    expect(view).toMatchObject({ documentId, sender: GOVERNMENT_OFFICE, state: 'verified' });
    const line = (agencyId: string) => view.recipients.find((r) => r.agencyId === agencyId);
    expect(view.recipients.map((r) => r.agencyId)).toEqual([...THREE_PROVINCES]);

    expect(line(NGHE_AN)?.delivery).toMatchObject({ state: 'delivered', via: 'webhook' });
    expect(line(NGHE_AN)?.currentStatus?.code).toBe('06');
    expect(line(NGHE_AN)?.statuses.map((s) => s.statusCode)).toEqual([
      '01',
      '03',
      '04',
      '05',
      '06',
    ]);
    expect(line(NGHE_AN)?.statuses.map((s) => s.messageId)).toEqual(
      statusIds(NGHE_AN, NGHE_AN_STATUSES),
    );

    expect(line(HAI_PHONG)?.delivery).toMatchObject({ state: 'delivered', via: 'inbox' });
    expect(line(HAI_PHONG)?.currentStatus?.code).toBe('02');
    expect(line(HAI_PHONG)?.statuses.map((s) => s.statusCode)).toEqual(['01', '02']);

    expect(line(CAO_BANG)?.delivery).toMatchObject({ state: 'delivered', via: 'inbox' });
    expect(line(CAO_BANG)?.currentStatus).toBeUndefined();
    expect(line(CAO_BANG)?.statuses).toEqual([]);

    const history = view.recipients.flatMap((r) => r.statuses);
    for (const status of history) {
      expect(status.deliveryToSender).toMatchObject({ state: 'delivered', via: 'webhook' });
    }
    const received = history.map((s) => s.receivedAt);
    const nghe = line(NGHE_AN)?.statuses.map((s) => s.receivedAt) ?? [];
    expect([...nghe].sort()).toEqual(nghe);
    expect(received).toHaveLength(7);
  });
});

describe('3. a re-submitted document is delivered once', () => {
  it('answers a repeat of a delivered document with its id and delivers nothing more', async () => {
    const again = await client(GOVERNMENT_OFFICE).submitDocument(sample(THREE_PROVINCES_FILE));
    expect(again).toEqual({ documentId, recipients: [...THREE_PROVINCES], duplicate: true });

    // Longer than the visibility timeout: a stray redelivery would have come by now.
    await quietPeriod(3_000);
    expect(postsOf(NGHE_AN, documentId)).toHaveLength(1);
    const listed = await wholeInbox(client(CAO_BANG));
    expect(listed.filter((item) => item.messageId === documentId)).toHaveLength(1);
  });

  it('delivers once when the sender repeats at once, before verification', async () => {
    const fresh = replacedOnce(
      sampleText(THREE_PROVINCES_FILE),
      `<edXML:DocumentId>${SAMPLE_EDXML_ID}</edXML:DocumentId>`,
      `<edXML:DocumentId>${GOVERNMENT_OFFICE},2026/12/04,e2e-repeat</edXML:DocumentId>`,
    );
    // A busy receiving system: each delivery takes a moment to be answered.
    hooks.answerAfter(NGHE_AN, 400);
    const first = await client(GOVERNMENT_OFFICE).submitDocument(fresh);
    // The sender lost the answer and retries straight away, a few times,
    // while the axis may still be verifying the first submission.
    const repeatsUntil = Date.now() + 250;
    for (let i = 0; i < 10 && Date.now() < repeatsUntil; i++) {
      const repeat = await client(GOVERNMENT_OFFICE).submitDocument(fresh);
      expect(repeat).toEqual({ ...first, duplicate: true });
    }

    await eventually(
      'the webhook delivery of the repeated document',
      () => postsOf(NGHE_AN, first.documentId).length > 0,
    );
    await eventually('the repeated document in Cao Bằng inbox', async () =>
      (await wholeInbox(client(CAO_BANG))).some((item) => item.messageId === first.documentId),
    );
    await quietPeriod(3_000);
    hooks.answerAfter(NGHE_AN, 0);
    expect(postsOf(NGHE_AN, first.documentId)).toHaveLength(1);
    const listed = await wholeInbox(client(CAO_BANG));
    expect(listed.filter((item) => item.messageId === first.documentId)).toHaveLength(1);
  });
});

describe('5. what each agency may see', () => {
  it('answers a third agency 404 NOT_FOUND for the timeline and the bytes', async () => {
    const outsider = client(OUTSIDER);
    await refused(outsider.timeline(documentId), 404, 'NOT_FOUND');
    await refused(outsider.download(documentId), 404, 'NOT_FOUND');
    const [statusId] = statusIds(NGHE_AN, NGHE_AN_STATUSES);
    await refused(outsider.download(statusId as string), 404, 'NOT_FOUND');
  });

  it("lists none of the others' items in a third agency's inbox", async () => {
    const others = new Set([
      documentId,
      ...statusIds(NGHE_AN, NGHE_AN_STATUSES),
      ...statusIds(HAI_PHONG, HAI_PHONG_STATUSES),
    ]);
    const listed = await wholeInbox(client(OUTSIDER));
    expect(listed.filter((item) => others.has(item.messageId))).toEqual([]);
    expect(listed.every((item) => item.agencyId === OUTSIDER)).toBe(true);
  });

  it('shows a recipient only its own line of the timeline', async () => {
    for (const agencyId of THREE_PROVINCES) {
      const view = await client(agencyId).timeline(documentId);
      expect(view.recipients.map((r) => r.agencyId)).toEqual([agencyId]);
    }
    const haiPhong = await client(HAI_PHONG).timeline(documentId);
    expect(haiPhong.recipients[0]?.statuses.map((s) => s.statusCode)).toEqual(['01', '02']);
  });

  it("does not let one recipient download another recipient's status", async () => {
    const [ngheAnStatus] = statusIds(NGHE_AN, NGHE_AN_STATUSES);
    await refused(client(CAO_BANG).download(ngheAnStatus as string), 404, 'NOT_FOUND');
    const own = await client(NGHE_AN).download(ngheAnStatus as string);
    expect(Buffer.from(own.bytes).equals(NGHE_AN_STATUSES[0]?.bytes as Buffer)).toBe(true);
    const sender = await client(GOVERNMENT_OFFICE).download(ngheAnStatus as string);
    expect(sender.kind).toBe('status');
  });

  it('refuses a caller without the right key, or without credentials, with 401', async () => {
    const impostor = new AxisClient(running.axis.url, impostorOf(GOVERNMENT_OFFICE));
    await refused(impostor.timeline(documentId), 401, 'BAD_REQUEST_SIGNATURE');
    await refused(impostor.submitDocument(document), 401, 'BAD_REQUEST_SIGNATURE');
    const stranger = new AxisClient(running.axis.url, impostorOf('000.00.00.X00'));
    await refused(stranger.inbox(), 401, 'UNAUTHENTICATED');
    const bare = await fetch(`${running.axis.url}/v1/inbox`);
    expect(bare.status).toBe(401);
    expect(await bare.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    expect(bare.headers.get('www-authenticate')).toEqual(expect.any(String));
  });

  it('names the scheme to use, LT1-ES256, in the challenge of a 401', async () => {
    const bare = await fetch(`${running.axis.url}/v1/inbox`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toMatch(/^LT1-ES256\b/);
  });

  it('refuses a body over 4 MiB with 413 PAYLOAD_TOO_LARGE', async () => {
    const huge = Buffer.from(
      sampleText(THREE_PROVINCES_FILE).replace(
        '</edXML>',
        `<!--${'x'.repeat(4 * 1024 * 1024)}-->\n</edXML>`,
      ),
    );
    await refused(client(GOVERNMENT_OFFICE).submitDocument(huge), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('reported no handler or poller failure along the way', () => {
    expect(running.errors.map(({ source, error }) => `${source}: ${String(error)}`)).toEqual([]);
  });
});

describe('6. signed requests that do not hold', () => {
  let state: AwsState;
  beforeAll(() => {
    state = new AwsState();
  });
  afterAll(() => state?.destroy());

  /** Everything the axis keeps, as comparable snapshots. */
  async function storedState() {
    const { bucket, tables } = running.axis.provisioned;
    return {
      payloads: await state.objectKeys(bucket),
      exchange: await state.itemKeys(tables.exchange),
      inbox: await state.itemKeys(tables.inbox, ['agencyId', 'messageId']),
      nonces: (await state.items(tables.nonces)).map((item) => String(item.nonceKey)).sort(),
    };
  }

  /** A POST with exactly these headers and body, as a replaying or tampering party sends it. */
  const postRaw = (headers: Record<string, string>, body: Uint8Array) =>
    fetch(`${running.axis.url}/v1/documents`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/xml' },
      body,
    });

  const fresh = (tag: string) =>
    replacedOnce(
      sampleText(THREE_PROVINCES_FILE),
      `<edXML:DocumentId>${SAMPLE_EDXML_ID}</edXML:DocumentId>`,
      `<edXML:DocumentId>${GOVERNMENT_OFFICE},2026/12/04,${tag}</edXML:DocumentId>`,
    );

  it('refuses a replayed request with 401 REPLAYED_REQUEST and stores nothing for it', async () => {
    const body = fresh('e2e-replayed');
    const headers = signRequest(credentialsOf(registered, GOVERNMENT_OFFICE), {
      method: 'POST',
      path: '/v1/documents',
      body,
    });
    const first = await postRaw(headers, body);
    expect(first.status).toBe(202);
    const { documentId: firstId } = (await first.json()) as { documentId: string };
    // Once the exchange has settled, the replay arrives.
    await eventually('the first copy in Cao Bằng inbox', async () =>
      (await wholeInbox(client(CAO_BANG))).some((item) => item.messageId === firstId),
    );
    await quietPeriod(2_500);
    const before = await storedState();

    const replay = await postRaw(headers, body);

    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: { code: 'REPLAYED_REQUEST' } });
    await quietPeriod(2_500);
    expect(await storedState()).toEqual(before);
  });

  it('refuses a body changed after signing: 401 BODY_DIGEST_MISMATCH, nothing stored', async () => {
    const signed = fresh('e2e-signed');
    const tampered = replacedOnce(
      sampleText(THREE_PROVINCES_FILE),
      SAMPLE_EDXML_ID,
      'e2e-tampered',
    );
    const headers = signRequest(credentialsOf(registered, GOVERNMENT_OFFICE), {
      method: 'POST',
      path: '/v1/documents',
      body: signed,
    });
    const before = await storedState();

    const answer = await postRaw(headers, tampered);

    expect(answer.status).toBe(401);
    expect(await answer.json()).toMatchObject({ error: { code: 'BODY_DIGEST_MISMATCH' } });
    await quietPeriod(2_500);
    expect(await storedState()).toEqual(before);
    for (const bytes of [signed, tampered]) {
      const id = documentIdFor(GOVERNMENT_OFFICE, sha256Hex(bytes));
      expect(before.payloads).not.toContain(`documents/${id}.edxml`);
    }

    // The refusal did not spend the nonce: the body that was signed still goes through.
    const genuine = await postRaw(headers, signed);
    expect(genuine.status).toBe(202);
    expect(await genuine.json()).toMatchObject({
      documentId: documentIdFor(GOVERNMENT_OFFICE, sha256Hex(signed)),
      duplicate: false,
    });
  });

  it('reported no handler or poller failure along the way', () => {
    expect(running.errors.map(({ source, error }) => `${source}: ${String(error)}`)).toEqual([]);
  });
});
