import { verify } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '#shared/domain/ids';
import { decodeCompactJws } from '#shared/domain/jws';
import type { RouteRequest, WebhookClient } from '#shared/domain/ports';
import { DELIVERY_TYPE } from '#shared/services/axisSignature';
import {
  DELIVERY_HEADERS,
  DeliveryFailedError,
  DeliveryInProgressError,
  type RouteMessageDeps,
  routeMessage,
} from '#shared/services/routeMessage';
import { submitDocument } from '#shared/services/submitDocument';
import { verifyDocument } from '#shared/services/verifyDocument';
import {
  CAO_BANG,
  GOVERNMENT_OFFICE,
  HAI_PHONG,
  NGHE_AN,
  registerAgencies,
  sample,
  THREE_PROVINCES_FILE,
} from '../../support/agencies';
import { fakeDependencies } from '../../support/fakes';

const WEBHOOK_URL = 'https://vanban.caobang.gov.vn/lienthong/inbound';
const MAX_RECEIVES = 3;

type Deps = ReturnType<typeof fakeDependencies>;

let deps: Deps;
let routeDeps: RouteMessageDeps;
let documentId: string;
let body: Buffer;

const requestFor = (recipientId: string): RouteRequest => ({
  documentId,
  messageId: documentId,
  recipientId,
});
const deliveryTo = (recipientId: string) =>
  deps.exchange.deliveries.get(`${documentId}|${documentId}|${recipientId}`);

beforeEach(async () => {
  deps = fakeDependencies();
  const agencies = await registerAgencies(deps, [
    GOVERNMENT_OFFICE,
    NGHE_AN,
    { agencyId: CAO_BANG, webhookUrl: WEBHOOK_URL },
    HAI_PHONG,
  ]);
  routeDeps = { ...deps, maxReceiveCount: MAX_RECEIVES, leaseMs: 15_000 };
  body = sample(THREE_PROVINCES_FILE);
  const sender = agencies.get(GOVERNMENT_OFFICE)?.agency;
  if (!sender) throw new Error('test setup: no sender');
  ({ documentId } = await submitDocument(deps, sender, body));
  await verifyDocument(deps, { documentId });
  deps.clock.advance(2_000);
});

describe('routeMessage to an inbox agency', () => {
  it('adds one inbox item and records the delivery as delivered via inbox', async () => {
    const outcome = await routeMessage(routeDeps, requestFor(NGHE_AN), 1);

    expect(outcome).toBe('delivered');
    expect([...deps.inbox.items.values()]).toEqual([
      {
        agencyId: NGHE_AN,
        messageId: documentId,
        kind: 'document',
        documentId,
        from: GOVERNMENT_OFFICE,
        enqueuedAt: '2026-12-04T09:00:02.000Z',
      },
    ]);
    expect(deliveryTo(NGHE_AN)).toEqual({
      documentId,
      messageId: documentId,
      agencyId: NGHE_AN,
      kind: 'document',
      state: 'delivered',
      attempts: 1,
      via: 'inbox',
      updatedAt: '2026-12-04T09:00:02.000Z',
      deliveredAt: '2026-12-04T09:00:02.000Z',
    });
    expect(deps.webhook.posts).toEqual([]);
  });

  it('answers already-delivered on a repeat and keeps one item', async () => {
    await routeMessage(routeDeps, requestFor(NGHE_AN), 1);
    deps.clock.advance(5_000);

    const outcome = await routeMessage(routeDeps, requestFor(NGHE_AN), 2);

    expect(outcome).toBe('already-delivered');
    expect(deps.inbox.items.size).toBe(1);
    expect(deliveryTo(NGHE_AN)).toMatchObject({ attempts: 1, state: 'delivered' });
  });
});

describe('routeMessage to a webhook agency', () => {
  it('posts the exact bytes once, with a delivery signature that verifies', async () => {
    const outcome = await routeMessage(routeDeps, requestFor(CAO_BANG), 1);

    expect(outcome).toBe('delivered');
    expect(deps.webhook.posts).toHaveLength(1);
    const [post] = deps.webhook.posts;
    expect(post.url).toBe(WEBHOOK_URL);
    expect(Buffer.compare(post.body, body)).toBe(0);
    expect(post.headers).toMatchObject({
      'content-type': 'application/xml; charset=utf-8',
      [DELIVERY_HEADERS.messageId]: documentId,
      [DELIVERY_HEADERS.documentId]: documentId,
      [DELIVERY_HEADERS.kind]: 'document',
    });
    const token = post.headers[DELIVERY_HEADERS.signature];
    const { header, payload, signingInput, signature } = decodeCompactJws(token);
    const ok = verify(
      'sha256',
      Buffer.from(signingInput),
      { key: deps.signer.publicKey, dsaEncoding: 'ieee-p1363' },
      signature,
    );
    expect(ok).toBe(true);
    expect(header).toEqual({ alg: 'ES256', kid: deps.signer.keyId, typ: DELIVERY_TYPE });
    expect(payload).toEqual({
      iss: 'lienthong',
      messageId: documentId,
      documentId,
      kind: 'document',
      from: GOVERNMENT_OFFICE,
      to: CAO_BANG,
      sha256: sha256Hex(post.body),
      iat: Math.floor(Date.parse('2026-12-04T09:00:02.000Z') / 1000),
    });
    expect(deliveryTo(CAO_BANG)).toMatchObject({ state: 'delivered', via: 'webhook', attempts: 1 });
    expect(deps.inbox.items.size).toBe(0);
  });

  it.each([200, 201, 202, 204, 299])('counts HTTP %i as delivered', async (status) => {
    deps.webhook.status = status;
    await expect(routeMessage(routeDeps, requestFor(CAO_BANG), 1)).resolves.toBe('delivered');
  });

  it.each([199, 301, 400, 404, 429, 500, 503])(
    'throws DeliveryFailedError on HTTP %i and records a retry',
    async (status) => {
      deps.webhook.status = status;

      const attempt = routeMessage(routeDeps, requestFor(CAO_BANG), 1);

      await expect(attempt).rejects.toBeInstanceOf(DeliveryFailedError);
      expect(deliveryTo(CAO_BANG)).toMatchObject({
        state: 'retrying',
        attempts: 1,
        lastError: `webhook answered HTTP ${status}`,
        updatedAt: '2026-12-04T09:00:02.000Z',
      });
      expect(deliveryTo(CAO_BANG)?.deliveredAt).toBeUndefined();
    },
  );

  it('counts attempts across retries and then delivers', async () => {
    deps.webhook.status = 500;
    await expect(routeMessage(routeDeps, requestFor(CAO_BANG), 1)).rejects.toThrow(
      DeliveryFailedError,
    );
    await expect(routeMessage(routeDeps, requestFor(CAO_BANG), 2)).rejects.toThrow(
      DeliveryFailedError,
    );
    expect(deliveryTo(CAO_BANG)).toMatchObject({ state: 'retrying', attempts: 2 });

    deps.webhook.status = 200;
    await expect(routeMessage(routeDeps, requestFor(CAO_BANG), 3)).resolves.toBe('delivered');

    expect(deliveryTo(CAO_BANG)).toMatchObject({ state: 'delivered', attempts: 3, via: 'webhook' });
    expect(deliveryTo(CAO_BANG)?.lastError).toBeUndefined();
    expect(deps.webhook.posts).toHaveLength(3);
  });

  it.each([
    [1, 'retrying'],
    [MAX_RECEIVES - 1, 'retrying'],
    [MAX_RECEIVES, 'dead'],
    [MAX_RECEIVES + 1, 'dead'],
  ])('on receive %i of %i a failure is recorded as %s', async (receiveCount, state) => {
    deps.webhook.status = 500;
    await expect(routeMessage(routeDeps, requestFor(CAO_BANG), receiveCount)).rejects.toThrow(
      DeliveryFailedError,
    );
    expect(deliveryTo(CAO_BANG)?.state).toBe(state);
  });

  it('records a transport failure briefly and rethrows it', async () => {
    const failing: WebhookClient = {
      post: async () => {
        throw new TypeError('fetch failed');
      },
    };

    const attempt = routeMessage({ ...routeDeps, webhook: failing }, requestFor(CAO_BANG), 1);

    await expect(attempt).rejects.toThrow('fetch failed');
    expect(deliveryTo(CAO_BANG)).toMatchObject({
      state: 'retrying',
      attempts: 1,
      lastError: 'TypeError: fetch failed',
    });
  });
});

describe('routeMessage with nothing to deliver to', () => {
  it('throws for an agency that is no longer registered and records why', async () => {
    deps.directory.agencies.delete(HAI_PHONG);

    const attempt = routeMessage(routeDeps, requestFor(HAI_PHONG), 1);

    await expect(attempt).rejects.toBeInstanceOf(DeliveryFailedError);
    expect(deliveryTo(HAI_PHONG)).toMatchObject({
      state: 'retrying',
      attempts: 1,
      lastError: `agency ${HAI_PHONG} is not registered here`,
    });
    expect(deps.inbox.items.size).toBe(0);
  });

  it('throws for a message that has no record and records nothing', async () => {
    const missing = `doc_${'b'.repeat(26)}`;
    const attempt = routeMessage(
      routeDeps,
      { documentId: missing, messageId: missing, recipientId: NGHE_AN },
      1,
    );
    await expect(attempt).rejects.toThrow(/has no record/);
    expect(deps.exchange.deliveries.size).toBe(0);
    expect(deps.inbox.items.size).toBe(0);
  });
});

describe('routeMessage with duplicate queue messages at the same moment', () => {
  it('sends once: the second copy finds the delivery claimed and is retried later', async () => {
    let release: () => void = () => {};
    const posts: string[] = [];
    const slowWebhook: WebhookClient = {
      post: async (url) => {
        posts.push(url);
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return { status: 204 };
      },
    };
    const racing = { ...routeDeps, webhook: slowWebhook };

    const first = routeMessage(racing, requestFor(CAO_BANG), 1);
    await new Promise((resolve) => setImmediate(resolve));
    const second = routeMessage(racing, requestFor(CAO_BANG), 1);

    await expect(second).rejects.toBeInstanceOf(DeliveryInProgressError);
    release();
    await expect(first).resolves.toBe('delivered');
    await expect(routeMessage(racing, requestFor(CAO_BANG), 2)).resolves.toBe('already-delivered');
    expect(posts).toEqual([WEBHOOK_URL]);
    expect(deliveryTo(CAO_BANG)).toMatchObject({ state: 'delivered', attempts: 1 });
  });

  it('lets a later attempt take over once the lease of a lost attempt has lapsed', async () => {
    await deps.exchange.claimDelivery({
      documentId,
      messageId: documentId,
      agencyId: CAO_BANG,
      kind: 'document',
      now: deps.clock.now().toISOString(),
      leaseUntil: new Date(deps.clock.now().getTime() + 15_000).toISOString(),
    });
    deps.clock.advance(16_000);

    await expect(routeMessage(routeDeps, requestFor(CAO_BANG), 2)).resolves.toBe('delivered');
    expect(deps.webhook.posts).toHaveLength(1);
    expect(deliveryTo(CAO_BANG)).toMatchObject({ state: 'delivered', attempts: 2 });
  });
});
