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
  NationalAgency,
  OperatorRecord,
  PendingStatus,
  RecipientProgress,
  SignerRecord,
  StatusRecord,
} from './records';

/**
 * What the services need from the outside world. The AWS adapters in
 * `shared/adapters` implement these; unit tests use in-memory fakes.
 */

export interface AgencyDirectory {
  get(agencyId: string): Promise<Agency | undefined>;
  /** Registers or replaces an agency. */
  put(agency: Agency): Promise<void>;
  /** Every registered agency, for operators; a few hundred at most, in no set order. */
  list(): Promise<Agency[]>;
}

export interface PayloadStore {
  put(key: string, bytes: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array>;
}

export interface DeliveryClaim {
  readonly documentId: string;
  readonly messageId: string;
  readonly agencyId: string;
  readonly kind: DeliveryRecord['kind'];
  readonly now: string;
  readonly leaseUntil: string;
}

export type ClaimOutcome =
  | { readonly claimed: true; readonly attempts: number }
  | { readonly claimed: false; readonly state: 'delivered' | 'sending' };

/** Outcome of a write that must happen once. */
export type CreateOutcome = 'created' | 'exists';

export interface ExchangeStore {
  putMessage(message: MessageRecord): Promise<void>;
  getMessage(messageId: string): Promise<MessageRecord | undefined>;

  /** Creates the document unless one with the same id exists. */
  createDocument(document: DocumentRecord): Promise<CreateOutcome>;
  getDocument(documentId: string): Promise<DocumentRecord | undefined>;
  /**
   * Documents whose `From/OrganId` and edXML `DocumentId` are these, newest
   * first: senders reuse DocumentIds (updates, replacements, resends).
   */
  findDocumentsByEdxmlId(fromOrganId: string, edxmlDocumentId: string): Promise<string[]>;
  /** Documents recorded under this `codeKey` (see DocumentRecord), newest first. */
  findDocumentsByCode(codeKey: string): Promise<string[]>;
  /** Sets link fields on a document whatever its state; a repeat changes nothing. */
  linkDocument(documentId: string, links: DocumentLinks): Promise<void>;
  markVerified(
    documentId: string,
    update: { signature: DocumentRecord['signature']; receipt: string; verifiedAt: string },
  ): Promise<void>;
  markRejected(
    documentId: string,
    update: {
      rejection: { code: string; message: string };
      signature?: DocumentRecord['signature'];
      rejectionMessageId?: string;
    },
  ): Promise<void>;

  getDelivery(
    documentId: string,
    messageId: string,
    agencyId: string,
  ): Promise<DeliveryRecord | undefined>;
  putDelivery(delivery: DeliveryRecord): Promise<void>;
  /**
   * Takes the delivery for one attempt: succeeds only if it is not delivered
   * and no other attempt holds an unexpired lease. Returns the attempt's
   * number, or what stopped the claim.
   */
  claimDelivery(claim: DeliveryClaim): Promise<ClaimOutcome>;

  /** Records a status once; a repeat of the same message is 'exists'. */
  addStatus(status: StatusRecord): Promise<CreateOutcome>;
  getProgress(documentId: string, agencyId: string): Promise<RecipientProgress | undefined>;
  /** Writes progress only if its version is still `expectedVersion` (0: absent). */
  putProgress(progress: RecipientProgress, expectedVersion: number): Promise<boolean>;

  /**
   * Keeps a status whose document is not verified yet, once per message. Says
   * 'full' instead when `limit` statuses already wait on the same
   * (ResponseFor OrganId, DocumentId).
   */
  addPendingStatus(pending: PendingStatus, limit: number): Promise<CreateOutcome | 'full'>;
  /**
   * Statuses kept under this (OrganId, DocumentId) or this code key, waiting
   * or dropped, each once.
   */
  findPendingStatuses(
    organId: string,
    edxmlDocumentId: string,
    codeKey?: string,
  ): Promise<PendingStatus[]>;
  /** Removes a waiting status once applied; a repeat changes nothing. */
  removePendingStatus(pending: PendingStatus): Promise<void>;
  /** Keeps a waiting status as dropped, with why; a repeat changes nothing. */
  dropPendingStatus(
    pending: PendingStatus,
    dropped: NonNullable<PendingStatus['dropped']>,
  ): Promise<void>;

  /**
   * Documents received most recently first, across days, for operators.
   * The cursor is opaque and comes from the previous page.
   */
  listRecentDocuments(page: {
    limit: number;
    cursor?: string;
  }): Promise<{ items: DocumentRecord[]; cursor?: string }>;

  /** Everything recorded under a document: deliveries, statuses, progress. */
  getTimeline(documentId: string): Promise<{
    deliveries: DeliveryRecord[];
    statuses: StatusRecord[];
    progress: RecipientProgress[];
  }>;
}

export interface InboxStore {
  /** Adds the item once; a second add of the same message is 'exists'. */
  add(item: InboxItem): Promise<CreateOutcome>;
  /** One item, acknowledged or not: what the timeline shows of acknowledgements. */
  get(agencyId: string, messageId: string): Promise<InboxItem | undefined>;
  /** Items not yet acknowledged as done, in message id order. */
  list(
    agencyId: string,
    page: { limit: number; cursor?: string },
  ): Promise<{ items: InboxItem[]; cursor?: string }>;
  /**
   * Records an acknowledgement and returns the item as it now stands, or
   * undefined when the agency has no such item. An item already done stays
   * done: a later acknowledgement of either kind changes nothing.
   */
  acknowledge(
    agencyId: string,
    messageId: string,
    acknowledgement: InboxAcknowledgement,
  ): Promise<InboxItem | undefined>;
}

/** The national directory of agencies, as the operator last imported it. */
export interface NationalDirectory {
  get(agencyId: string): Promise<DirectoryEntry | undefined>;
  /** Entries whose identifier starts with `prefix`, in identifier order. */
  list(page: {
    prefix: string;
    limit: number;
    cursor?: string;
  }): Promise<{ items: DirectoryEntry[]; cursor?: string }>;
  /** Writes entries, replacing any with the same identifier. */
  putAll(entries: readonly DirectoryEntry[]): Promise<void>;
  removeAll(agencyIds: readonly string[]): Promise<void>;
}

/** Certificates and revocation lists that operators load for signature checks. */
export interface TrustMaterial {
  readonly anchors: readonly Uint8Array[];
  readonly intermediates: readonly Uint8Array[];
  readonly crls: readonly Uint8Array[];
}

export interface TrustStore {
  load(): Promise<TrustMaterial>;
  add(kind: keyof TrustMaterial, name: string, der: Uint8Array): Promise<void>;
}

/** Which certificates may sign for which agency. */
export interface SignerRegistry {
  put(signer: SignerRecord): Promise<void>;
  get(agencyId: string, fingerprint: string): Promise<SignerRecord | undefined>;
  list(agencyId: string): Promise<SignerRecord[]>;
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  list(subject: string): Promise<AuditEntry[]>;
}

/** Nonces of signed requests, each usable once within the replay window. */
export interface NonceStore {
  /** True the first time a nonce is claimed; false for a replay. */
  claim(agencyId: string, nonce: string, expiresAt: Date): Promise<boolean>;
}

export interface WorkQueue<T> {
  send(messages: readonly T[]): Promise<void>;
}

/** The axis's signing key: ECDSA P-256 over SHA-256 of the message. */
export interface Signer {
  readonly keyId: string;
  /** Returns the DER-encoded signature over `message` (hashed by the signer). */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** The axis's public keys, current first, then retired ones still published. */
export interface PublicKeySource {
  list(): Promise<Array<{ kid: string; spki: Uint8Array }>>;
}

export interface WebhookResponse {
  readonly status: number;
}

export interface WebhookClient {
  post(url: string, body: Uint8Array, headers: Record<string, string>): Promise<WebhookResponse>;
}

export interface Clock {
  now(): Date;
}

/** Queue messages between the steps. */
export interface VerifyRequest {
  readonly documentId: string;
}

export interface RouteRequest {
  readonly documentId: string;
  readonly messageId: string;
  readonly recipientId: string;
}

/** How the axis got on with each agency; every write is one atomic update. */
export interface ConnectionLog {
  /** A message was delivered: consecutive failures go back to 0. */
  recordDelivery(agencyId: string, at: string): Promise<void>;
  /** A delivery (or a poll of the national axis) failed: one more consecutive failure. */
  recordFailure(agencyId: string, at: string, reason: string): Promise<void>;
  /**
   * A pull agency listed its inbox (or this axis polled the national one).
   * `clearsFailures`: the poll proves the link works (the national axis
   * answered and every item was taken), so the count goes back to 0.
   */
  recordPoll(agencyId: string, at: string, options?: { clearsFailures?: boolean }): Promise<void>;
  get(agencyId: string): Promise<ConnectionRecord | undefined>;
  list(): Promise<ConnectionRecord[]>;
}

export interface OperatorStore {
  get(operatorId: string): Promise<OperatorRecord | undefined>;
  put(operator: OperatorRecord): Promise<void>;
  list(): Promise<OperatorRecord[]>;
}

/** How much work waits in one of the axis's queues, as SQS counts it (approximately). */
export interface QueueDepth {
  /** The queue's name in the wiring, e.g. `route`. */
  readonly queue: string;
  /** Messages waiting to be received. */
  readonly visible: number;
  /** Messages received by a consumer and not yet deleted or returned. */
  readonly inFlight: number;
  /** Messages sent with a delay that has not run out yet. */
  readonly delayed: number;
  /**
   * Age of the oldest waiting message, when the source can tell; SQS's
   * GetQueueAttributes cannot (that is a CloudWatch metric), so its adapter
   * leaves it out.
   */
  readonly oldestMessageAgeSeconds?: number;
  /** Messages given up on after `maxReceiveCount` receives. */
  readonly deadLetter: { readonly visible: number };
}

/** Read-only counts of the work queues and their dead-letter queues, for operators. */
export interface QueueDepths {
  /** One entry per queue, in the wiring's order. */
  list(): Promise<QueueDepth[]>;
}

/** An item the national axis holds for this axis (getReceivedEdocList). */
export interface NationalInboxItem {
  /** The national axis's own id for the item. */
  readonly nationalId: string;
  readonly kind: 'document' | 'status';
  /** `From/OrganId` of the item, as the national axis reports it. */
  readonly from: string;
  readonly sha256: string;
  readonly size: number;
  readonly receivedAt: string;
}

/** An item this axis sent to the national axis (getSentEdocList). */
export interface NationalSentItem {
  readonly nationalId: string;
  readonly messageId: string;
  readonly to: readonly string[];
  readonly sentAt: string;
}

/**
 * The national axis, as its SDK offers it: send, list received, download,
 * acknowledge (a transport acknowledgement, done or fail), list sent, and the
 * national agency directory. Documents and statuses are both edXML files.
 */
export interface NationalAxis {
  /**
   * sendEdoc: hands one edXML file to the national axis for the listed
   * recipients. `messageId` makes a repeat harmless: the national axis
   * answers the same id for the same (messageId, recipients).
   */
  send(file: {
    readonly messageId: string;
    readonly to: readonly string[];
    readonly bytes: Uint8Array;
  }): Promise<{ nationalId: string }>;
  /** getReceivedEdocList: items waiting for this axis, oldest first. */
  listReceived(limit: number): Promise<NationalInboxItem[]>;
  /** getEdoc: the exact bytes of one item. */
  download(nationalId: string): Promise<Uint8Array>;
  /** updateStatus: `done` removes the item from the list; `fail` says why it was refused. */
  acknowledge(nationalId: string, result: 'done' | 'fail', reason?: string): Promise<void>;
  /** getSentEdocList. */
  listSent(limit: number): Promise<NationalSentItem[]>;
  /** getAgenciesList. */
  listAgencies(): Promise<NationalAgency[]>;
}

/** The national axis refused or could not be reached; `retryable` says whether to try again. */
export class NationalAxisError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'NationalAxisError';
  }
}
