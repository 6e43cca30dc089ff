import type {
  Agency,
  AuditEntry,
  DeliveryRecord,
  DirectoryEntry,
  DocumentLinks,
  DocumentRecord,
  InboxAcknowledgement,
  InboxItem,
  MessageRecord,
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
