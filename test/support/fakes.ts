import { createHash, generateKeyPairSync, type KeyObject, sign as nodeSign } from 'node:crypto';
import type {
  AgencyDirectory,
  AuditLog,
  ClaimOutcome,
  Clock,
  ConnectionLog,
  CreateOutcome,
  DeliveryClaim,
  ExchangeStore,
  InboxStore,
  NationalAxis,
  NationalDirectory,
  NationalInboxItem,
  NationalSentItem,
  NonceStore,
  OperatorStore,
  PayloadStore,
  PublicKeySource,
  QueueDepth,
  QueueDepths,
  RouteRequest,
  Signer,
  SignerRegistry,
  TrustMaterial,
  TrustStore,
  VerifyRequest,
  WebhookClient,
  WebhookResponse,
  WorkQueue,
} from '#shared/domain/ports';
import type {
  Agency,
  AuditEntry,
  ConnectionRecord,
  DeliveryRecord,
  DirectoryEntry,
  DocumentLinks,
  DocumentRecord,
  InboxAcknowledgement,
  InboxItem,
  MessageRecord,
  OperatorRecord,
  PendingStatus,
  RecipientProgress,
  SignaturePolicy,
  SignerRecord,
  StatusRecord,
} from '#shared/domain/records';
import type { Dependencies } from '#shared/runtime/dependencies';

/**
 * In-memory stand-ins for the ports, for unit tests of the domain only.
 * Integration tests use the real adapters against emulators.
 */

export class FakeDirectory implements AgencyDirectory {
  readonly agencies = new Map<string, Agency>();
  async get(agencyId: string) {
    return this.agencies.get(agencyId);
  }
  async put(agency: Agency) {
    this.agencies.set(agency.agencyId, agency);
  }
  async list() {
    return [...this.agencies.values()];
  }
}

export class FakePayloads implements PayloadStore {
  readonly objects = new Map<string, Uint8Array>();
  async put(key: string, bytes: Uint8Array) {
    this.objects.set(key, Uint8Array.from(bytes));
  }
  async get(key: string) {
    const bytes = this.objects.get(key);
    if (!bytes) throw new Error(`no object ${key}`);
    return Uint8Array.from(bytes);
  }
}

export class FakeExchange implements ExchangeStore {
  readonly messages = new Map<string, MessageRecord>();
  readonly documents = new Map<string, DocumentRecord>();
  readonly deliveries = new Map<string, DeliveryRecord>();
  readonly statuses = new Map<string, StatusRecord>();
  readonly progress = new Map<string, RecipientProgress>();
  /** Statuses waiting for their document, by message id. */
  readonly pending = new Map<string, PendingStatus>();

  async addPendingStatus(pending: PendingStatus, limit: number) {
    if (this.pending.has(pending.messageId)) return 'exists' as const;
    const waiting = [...this.pending.values()].filter(
      (kept) =>
        kept.state === 'pending' &&
        kept.responseForOrganId === pending.responseForOrganId &&
        kept.responseForDocumentId === pending.responseForDocumentId,
    );
    if (waiting.length >= limit) return 'full' as const;
    this.pending.set(pending.messageId, pending);
    return 'created' as const;
  }
  async findPendingStatuses(organId: string, edxmlDocumentId: string, codeKey?: string) {
    return [...this.pending.values()].filter(
      (kept) =>
        (kept.responseForOrganId === organId && kept.responseForDocumentId === edxmlDocumentId) ||
        (codeKey !== undefined && kept.codeKey === codeKey),
    );
  }
  async removePendingStatus(pending: PendingStatus) {
    if (this.pending.get(pending.messageId)?.state === 'pending') {
      this.pending.delete(pending.messageId);
    }
  }
  async dropPendingStatus(pending: PendingStatus, dropped: NonNullable<PendingStatus['dropped']>) {
    const kept = this.pending.get(pending.messageId);
    if (kept?.state === 'pending') {
      this.pending.set(pending.messageId, { ...kept, state: 'dropped', dropped });
    }
  }

  async putMessage(message: MessageRecord) {
    this.messages.set(message.messageId, message);
  }
  async getMessage(messageId: string) {
    return this.messages.get(messageId);
  }
  async createDocument(document: DocumentRecord): Promise<CreateOutcome> {
    if (this.documents.has(document.documentId)) return 'exists';
    this.documents.set(document.documentId, document);
    return 'created';
  }
  async getDocument(documentId: string) {
    return this.documents.get(documentId);
  }
  async listRecentDocuments(page: { limit: number; cursor?: string }) {
    const all = [...this.documents.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const start = page.cursor ? Number(page.cursor) : 0;
    const items = all.slice(start, start + page.limit);
    const next = start + items.length;
    return next < all.length ? { items, cursor: String(next) } : { items };
  }
  async findDocumentsByEdxmlId(fromOrganId: string, edxmlDocumentId: string) {
    const matches = [...this.documents.values()]
      .filter((d) => d.fromOrganId === fromOrganId && d.edxmlDocumentId === edxmlDocumentId)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return matches.map((d) => d.documentId);
  }
  async findDocumentsByCode(codeKey: string) {
    return [...this.documents.values()]
      .filter((d) => d.codeKey === codeKey)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map((d) => d.documentId);
  }
  async linkDocument(documentId: string, links: DocumentLinks) {
    const document = this.documents.get(documentId);
    if (!document) throw new Error(`no document ${documentId} to link`);
    this.documents.set(documentId, { ...document, ...links });
  }
  async markVerified(
    documentId: string,
    update: { signature: DocumentRecord['signature']; receipt: string; verifiedAt: string },
  ) {
    this.move(documentId, { state: 'verified', ...update });
  }
  async markRejected(
    documentId: string,
    update: {
      rejection: { code: string; message: string };
      signature?: DocumentRecord['signature'];
      rejectionMessageId?: string;
    },
  ) {
    this.move(documentId, { state: 'rejected', ...update });
  }
  async getDelivery(documentId: string, messageId: string, agencyId: string) {
    return this.deliveries.get(`${documentId}|${messageId}|${agencyId}`);
  }
  async putDelivery(delivery: DeliveryRecord) {
    const key = `${delivery.documentId}|${delivery.messageId}|${delivery.agencyId}`;
    if (this.deliveries.get(key)?.state === 'delivered') return;
    this.deliveries.set(key, delivery);
  }
  async claimDelivery(claim: DeliveryClaim): Promise<ClaimOutcome> {
    const key = `${claim.documentId}|${claim.messageId}|${claim.agencyId}`;
    const current = this.deliveries.get(key);
    if (current?.state === 'delivered') return { claimed: false, state: 'delivered' };
    if (current?.leaseUntil && current.leaseUntil >= claim.now) {
      return { claimed: false, state: 'sending' };
    }
    const attempts = (current?.attempts ?? 0) + 1;
    this.deliveries.set(key, {
      documentId: claim.documentId,
      messageId: claim.messageId,
      agencyId: claim.agencyId,
      kind: claim.kind,
      state: 'sending',
      attempts,
      leaseUntil: claim.leaseUntil,
      updatedAt: claim.now,
    });
    return { claimed: true, attempts };
  }

  async addStatus(status: StatusRecord): Promise<CreateOutcome> {
    const key = `${status.documentId}|${status.messageId}`;
    if (this.statuses.has(key)) return 'exists';
    this.statuses.set(key, status);
    return 'created';
  }
  async getProgress(documentId: string, agencyId: string) {
    return this.progress.get(`${documentId}|${agencyId}`);
  }
  async putProgress(progress: RecipientProgress, expectedVersion: number) {
    const key = `${progress.documentId}|${progress.agencyId}`;
    if ((this.progress.get(key)?.version ?? 0) !== expectedVersion) return false;
    this.progress.set(key, progress);
    return true;
  }
  async getTimeline(documentId: string) {
    const of = <T extends { documentId: string }>(map: Map<string, T>) =>
      [...map.values()].filter((item) => item.documentId === documentId);
    return {
      deliveries: of(this.deliveries),
      statuses: of(this.statuses),
      progress: of(this.progress),
    };
  }
  private move(documentId: string, fields: Partial<DocumentRecord>) {
    const document = this.documents.get(documentId);
    if (document?.state === 'received') this.documents.set(documentId, { ...document, ...fields });
  }
}

export class FakeInbox implements InboxStore {
  readonly items = new Map<string, InboxItem>();
  async add(item: InboxItem): Promise<CreateOutcome> {
    const key = `${item.agencyId}|${item.messageId}`;
    if (this.items.has(key)) return 'exists';
    this.items.set(key, item);
    return 'created';
  }
  async list(agencyId: string, page: { limit: number; cursor?: string }) {
    const all = [...this.items.values()]
      .filter((item) => item.agencyId === agencyId && item.acknowledgedAt === undefined)
      .sort((a, b) => a.messageId.localeCompare(b.messageId));
    const cursor = page.cursor;
    const start = cursor ? all.findIndex((item) => item.messageId > cursor) : 0;
    const items = start < 0 ? [] : all.slice(start, start + page.limit);
    const more = start >= 0 && start + page.limit < all.length;
    return { items, cursor: more ? items[items.length - 1].messageId : undefined };
  }
  async get(agencyId: string, messageId: string) {
    return this.items.get(`${agencyId}|${messageId}`);
  }
  async acknowledge(agencyId: string, messageId: string, ack: InboxAcknowledgement) {
    const key = `${agencyId}|${messageId}`;
    const item = this.items.get(key);
    if (!item || item.acknowledgedAt !== undefined) return item;
    const { lastFailureReason: _previous, ...rest } = item;
    const next: InboxItem =
      ack.result === 'done'
        ? {
            ...item,
            acknowledgedAt: ack.at,
            result: 'done',
            ...(ack.expiresAt === undefined ? {} : { expiresAt: ack.expiresAt }),
          }
        : {
            ...rest,
            failureCount: (item.failureCount ?? 0) + 1,
            lastFailureAt: ack.at,
            ...(ack.reason === undefined ? {} : { lastFailureReason: ack.reason }),
          };
    this.items.set(key, next);
    return next;
  }
}

export class FakeNationalDirectory implements NationalDirectory {
  readonly entries = new Map<string, DirectoryEntry>();
  async get(agencyId: string) {
    return this.entries.get(agencyId);
  }
  async list(page: { prefix: string; limit: number; cursor?: string }) {
    const all = [...this.entries.values()]
      .filter((entry) => entry.agencyId.startsWith(page.prefix))
      .filter((entry) => page.cursor === undefined || entry.agencyId > page.cursor)
      .sort((a, b) => (a.agencyId < b.agencyId ? -1 : 1));
    const items = all.slice(0, page.limit);
    const more = all.length > page.limit;
    return { items, cursor: more ? items[items.length - 1]?.agencyId : undefined };
  }
  async putAll(entries: readonly DirectoryEntry[]) {
    for (const entry of entries) this.entries.set(entry.agencyId, entry);
  }
  async removeAll(agencyIds: readonly string[]) {
    for (const agencyId of agencyIds) this.entries.delete(agencyId);
  }
}

/**
 * The national axis in memory: what this axis sent, what waits for it, and
 * the acknowledgements it gave. `failing` makes every call throw as an
 * unreachable national axis would.
 */
export class FakeNationalAxis implements NationalAxis {
  readonly sent: Array<{ nationalId: string; messageId: string; to: string[]; bytes: Uint8Array }> =
    [];
  readonly waiting = new Map<string, { item: NationalInboxItem; bytes: Uint8Array }>();
  readonly acknowledgements: Array<{ nationalId: string; result: string; reason?: string }> = [];
  agencies: Array<{ agencyId: string; name: string; parentId?: string }> = [];
  failing: Error | undefined;
  private counter = 0;

  /** Puts a file in this axis's received list, as another system would send it through. */
  hold(kind: 'document' | 'status', from: string, bytes: Uint8Array): string {
    this.counter += 1;
    const nationalId = `nat-${this.counter}`;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const item = { nationalId, kind, from, sha256, size: bytes.byteLength };
    this.waiting.set(nationalId, {
      item: { ...item, receivedAt: new Date(0).toISOString() },
      bytes,
    });
    return nationalId;
  }
  private check() {
    if (this.failing) throw this.failing;
  }
  async send(file: { messageId: string; to: readonly string[]; bytes: Uint8Array }) {
    this.check();
    const to = [...file.to];
    const previous = this.sent.find(
      (sent) => sent.messageId === file.messageId && sent.to.join() === to.join(),
    );
    if (previous) return { nationalId: previous.nationalId };
    this.counter += 1;
    const nationalId = `nat-${this.counter}`;
    this.sent.push({ nationalId, messageId: file.messageId, to, bytes: file.bytes });
    return { nationalId };
  }
  async listReceived(limit: number) {
    this.check();
    return [...this.waiting.values()].slice(0, limit).map((waiting) => waiting.item);
  }
  async download(nationalId: string) {
    this.check();
    const waiting = this.waiting.get(nationalId);
    if (!waiting) throw new Error(`no item ${nationalId}`);
    return Uint8Array.from(waiting.bytes);
  }
  async acknowledge(nationalId: string, result: 'done' | 'fail', reason?: string) {
    this.check();
    this.waiting.delete(nationalId);
    this.acknowledgements.push({ nationalId, result, ...(reason ? { reason } : {}) });
  }
  async listSent(limit: number): Promise<NationalSentItem[]> {
    this.check();
    return this.sent.slice(-limit).map((sent) => ({
      nationalId: sent.nationalId,
      messageId: sent.messageId,
      to: sent.to,
      sentAt: new Date(0).toISOString(),
    }));
  }
  async listAgencies() {
    this.check();
    return this.agencies;
  }
}

export class FakeConnections implements ConnectionLog {
  readonly records = new Map<string, ConnectionRecord>();

  private update(agencyId: string, at: string, change: Partial<ConnectionRecord>) {
    const current = this.records.get(agencyId) ?? { agencyId, consecutiveFailures: 0 };
    this.records.set(agencyId, { ...current, ...change, updatedAt: at });
  }
  async recordDelivery(agencyId: string, at: string) {
    this.update(agencyId, at, { lastDeliveryAt: at, consecutiveFailures: 0 });
  }
  async recordFailure(agencyId: string, at: string, reason: string) {
    const failures = this.records.get(agencyId)?.consecutiveFailures ?? 0;
    this.update(agencyId, at, {
      lastFailureAt: at,
      lastFailure: reason,
      consecutiveFailures: failures + 1,
    });
  }
  async recordPoll(agencyId: string, at: string, options: { clearsFailures?: boolean } = {}) {
    this.update(agencyId, at, {
      lastPollAt: at,
      ...(options.clearsFailures ? { consecutiveFailures: 0 } : {}),
    });
  }
  async get(agencyId: string) {
    return this.records.get(agencyId);
  }
  async list() {
    return [...this.records.values()];
  }
}

export class FakeOperators implements OperatorStore {
  readonly records = new Map<string, OperatorRecord>();
  async get(operatorId: string) {
    return this.records.get(operatorId);
  }
  async put(operator: OperatorRecord) {
    this.records.set(operator.operatorId, operator);
  }
  async list() {
    return [...this.records.values()];
  }
}

/** Depths set by the test; empty queues by default. */
export class FakeQueueDepths implements QueueDepths {
  depths: QueueDepth[] = ['verify', 'route'].map((queue) => ({
    queue,
    visible: 0,
    inFlight: 0,
    delayed: 0,
    deadLetter: { visible: 0 },
  }));
  async list() {
    return this.depths;
  }
}

export class FakeNonces implements NonceStore {
  readonly spent = new Set<string>();
  async claim(agencyId: string, nonce: string) {
    const key = `${agencyId}#${nonce}`;
    if (this.spent.has(key)) return false;
    this.spent.add(key);
    return true;
  }
}

export class FakeTrust implements TrustStore {
  material: { anchors: Uint8Array[]; intermediates: Uint8Array[]; crls: Uint8Array[] } = {
    anchors: [],
    intermediates: [],
    crls: [],
  };
  async load() {
    return this.material;
  }
  async add(kind: keyof TrustMaterial, _name: string, der: Uint8Array) {
    this.material[kind].push(der);
  }
}

export class FakeSigners implements SignerRegistry {
  readonly records = new Map<string, SignerRecord>();
  async put(signer: SignerRecord) {
    this.records.set(`${signer.agencyId}|${signer.fingerprint}`, signer);
  }
  async get(agencyId: string, fingerprint: string) {
    return this.records.get(`${agencyId}|${fingerprint}`);
  }
  async list(agencyId: string) {
    return [...this.records.values()].filter((signer) => signer.agencyId === agencyId);
  }
}

export class FakeAudit implements AuditLog {
  readonly entries: AuditEntry[] = [];
  async record(entry: AuditEntry) {
    this.entries.push(entry);
  }
  async list(subject: string) {
    return this.entries.filter((entry) => entry.subject === subject);
  }
}

export class FakeQueue<T> implements WorkQueue<T> {
  readonly sent: T[] = [];
  async send(messages: readonly T[]) {
    this.sent.push(...messages);
  }
}

/** A real P-256 key in memory: signatures are DER, as KMS returns them. */
export class FakeSigner implements Signer {
  readonly publicKey: KeyObject;
  private readonly privateKey: KeyObject;
  constructor(readonly keyId = 'test-key') {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.publicKey = pair.publicKey;
    this.privateKey = pair.privateKey;
  }
  async sign(message: Uint8Array) {
    return nodeSign('sha256', message, this.privateKey);
  }
}

/** Publishes the fake signer's key, as KMS would publish the real one. */
export class FakePublicKeys implements PublicKeySource {
  constructor(private readonly signers: readonly FakeSigner[]) {}
  async list() {
    return this.signers.map((signer) => ({
      kid: signer.keyId,
      spki: signer.publicKey.export({ format: 'der', type: 'spki' }),
    }));
  }
}

export interface RecordedPost {
  readonly url: string;
  readonly body: Uint8Array;
  readonly headers: Record<string, string>;
}

export class FakeWebhook implements WebhookClient {
  readonly posts: RecordedPost[] = [];
  status = 200;
  async post(url: string, body: Uint8Array, headers: Record<string, string>) {
    this.posts.push({ url, body, headers });
    return { status: this.status } satisfies WebhookResponse;
  }
}

export class FixedClock implements Clock {
  constructor(private current = new Date('2026-12-04T09:00:00.000Z')) {}
  now() {
    return new Date(this.current);
  }
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** A full set of fakes wired like the real dependencies. */
export function fakeDependencies() {
  const signer = new FakeSigner();
  const fakes = {
    directory: new FakeDirectory(),
    exchange: new FakeExchange(),
    inbox: new FakeInbox(),
    nationalDirectory: new FakeNationalDirectory(),
    nonces: new FakeNonces(),
    trust: new FakeTrust(),
    signers: new FakeSigners(),
    audit: new FakeAudit(),
    payloads: new FakePayloads(),
    verifyQueue: new FakeQueue<VerifyRequest>(),
    routeQueue: new FakeQueue<RouteRequest>(),
    signer,
    publicKeys: new FakePublicKeys([signer]),
    webhook: new FakeWebhook(),
    clock: new FixedClock(),
    connections: new FakeConnections(),
    operators: new FakeOperators(),
    queueDepths: new FakeQueueDepths(),
    maxBodyBytes: 4 * 1024 * 1024,
    routeMaxReceiveCount: 5,
    deliveryLeaseMs: 15_000,
    inboxRetentionDays: 30,
    // Not linked: tests of the link put a FakeNationalAxis here and set nationalLinked.
    national: undefined as NationalAxis | undefined,
    nationalLinked: false,
    nationalSignaturePolicy: 'optional' as SignaturePolicy,
    nationalFetchLimit: 50,
  };
  return fakes satisfies Dependencies;
}
