import type { SignatureAssessment } from './signaturePolicy';

/**
 * What the axis remembers about agencies, documents, messages and deliveries.
 * Plain data: the adapters decide how it is laid out in storage.
 */

/** How an agency receives what is sent to it. */
export type DeliveryChannel =
  | { readonly mode: 'webhook'; readonly url: string }
  | { readonly mode: 'inbox' };

/**
 * What the axis does with a document's envelope signature, chosen by the
 * operator per sending agency: many real senders carry placeholder or
 * malformed signatures, so one global rule would not do.
 * - `required`: refuse anything but a valid signature by a registered signer
 * - `optional`: refuse only a signature that is present and does not hold
 * - `report`: record the outcome, never refuse
 */
export type SignaturePolicy = 'required' | 'optional' | 'report';

export const SIGNATURE_POLICIES: readonly SignaturePolicy[] = ['required', 'optional', 'report'];

/** A public key that signs an agency's requests to the axis. */
export interface AgencyKey {
  readonly keyId: string;
  /** DER SubjectPublicKeyInfo of a P-256 key, base64. */
  readonly publicKeySpki: string;
  readonly addedAt: string;
}

/** An agency connected to this axis (đơn vị). */
export interface Agency {
  readonly agencyId: string;
  readonly name: string;
  readonly channel: DeliveryChannel;
  /** Request-signing keys; the axis holds no agency secret. */
  readonly keys: readonly AgencyKey[];
  readonly signaturePolicy: SignaturePolicy;
  /** Units whose documents this agency may send (its `From/OrganId` may name them). */
  readonly sendsFor: readonly string[];
  readonly registeredAt: string;
}

/** Whether `agency` may speak as `organId` in a message's `From`. */
export function speaksFor(agency: Agency, organId: string): boolean {
  return agency.agencyId === organId || agency.sendsFor.includes(organId);
}

/**
 * `rejection`: the axis's signed refusal of a document, sent back to its
 * sender through the same channels as everything else.
 */
export type MessageKind = 'document' | 'status' | 'rejection';

/** Any payload that crosses the axis: who may read it and where its bytes are. */
export interface MessageRecord {
  readonly messageId: string;
  readonly kind: MessageKind;
  /** The axis document the message belongs to (for a document, itself). */
  readonly documentId: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly payloadKey: string;
  readonly sha256: string;
  readonly size: number;
  readonly createdAt: string;
  readonly statusCode?: string;
}

export type DocumentState = 'received' | 'verified' | 'rejected';

/** A submitted document and what the axis has done with it so far. */
export interface DocumentRecord {
  readonly documentId: string;
  /** The agency that submitted it, and to which statuses go back. */
  readonly senderId: string;
  /** `From/OrganId`: the sender itself or a unit it sends for. */
  readonly fromOrganId: string;
  /** The edXML `DocumentId`, opaque. */
  readonly edxmlDocumentId: string;
  readonly recipients: readonly string[];
  readonly businessDocType: number;
  readonly sha256: string;
  readonly size: number;
  readonly payloadKey: string;
  readonly createdAt: string;
  readonly state: DocumentState;
  /**
   * `national`: fetched from the national axis, sent by an agency that is not
   * on this axis (`senderId` is then its OrganId, and what goes back to it
   * goes through the national axis).
   */
  readonly origin?: 'local' | 'national';
  /** What verification found about the envelope signature. */
  readonly signature?: SignatureAssessment;
  readonly receipt?: string;
  readonly verifiedAt?: string;
  readonly rejection?: { readonly code: string; readonly message: string };
  /** The signed refusal sent back to the sender, when there is one. */
  readonly rejectionMessageId?: string;
  /**
   * `From/OrganId|CodeNumber/CodeNotation|PromulgationDate`, normalised:
   * statuses whose ResponseFor DocumentId matches nothing find it by this.
   */
  readonly codeKey?: string;
  /** Set on a revoke (1), update (2) or replace (3): the axis document it revises. */
  readonly revokes?: string;
  readonly updates?: string;
  readonly replaces?: string;
  /** Set on a revoke, update or replace whose original the axis could not find. */
  readonly original?: 'not-found';
  /** Set on an original: the axis documents that revoked, updated or replaced it. */
  readonly revokedBy?: string;
  readonly updatedBy?: string;
  readonly replacedBy?: string;
}

/** Fields that link documents to one another; set after submission, never cleared. */
export type DocumentLinks = Partial<
  Pick<
    DocumentRecord,
    | 'codeKey'
    | 'revokes'
    | 'updates'
    | 'replaces'
    | 'original'
    | 'revokedBy'
    | 'updatedBy'
    | 'replacedBy'
  >
>;

/**
 * `sending` is held under a lease while one worker attempts the delivery, so
 * a duplicate queue message handled at the same moment does not send again.
 */
export type DeliveryState = 'pending' | 'sending' | 'delivered' | 'retrying' | 'dead';

/** One message's way to one agency. */
export interface DeliveryRecord {
  readonly documentId: string;
  readonly messageId: string;
  readonly agencyId: string;
  readonly kind: MessageKind;
  readonly state: DeliveryState;
  readonly attempts: number;
  readonly via?: 'webhook' | 'inbox' | 'national';
  /** The national axis's id for the file, when it was forwarded there. */
  readonly nationalId?: string;
  readonly lastError?: string;
  readonly updatedAt: string;
  readonly deliveredAt?: string;
  /** While `sending`: until when the attempt holds the delivery. */
  readonly leaseUntil?: string;
}

/** A processing status as the axis recorded it. */
export interface StatusRecord {
  readonly documentId: string;
  readonly messageId: string;
  readonly agencyId: string;
  readonly statusCode: string;
  readonly description?: string;
  /** The status's own `Timestamp`, as sent. */
  readonly reportedAt?: string;
  readonly receivedAt: string;
}

/**
 * A status that named a document the axis has not verified yet. It is kept,
 * bytes and all, and applied when that document is verified; one whose
 * reporter turns out not to be a recipient is kept as `dropped` with the
 * reason, so operators can see why it never reached the sender.
 */
export interface PendingStatus {
  readonly messageId: string;
  /** `From/OrganId`: who reports. */
  readonly agencyId: string;
  readonly statusCode: string;
  readonly description?: string;
  readonly reportedAt?: string;
  readonly receivedAt: string;
  readonly payloadKey: string;
  readonly sha256: string;
  readonly size: number;
  /**
   * `ResponseFor/OrganId` and `ResponseFor/DocumentId`, as sent; for a
   * take-back request (13) the OrganId is the reporter's, the document's sender.
   */
  readonly responseForOrganId: string;
  readonly responseForDocumentId: string;
  /** The (OrganId, Code, PromulgationDate) fallback key, when the status has one. */
  readonly codeKey?: string;
  readonly state: 'pending' | 'dropped';
  readonly dropped?: {
    readonly code: string;
    readonly message: string;
    readonly documentId: string;
    readonly at: string;
  };
}

/** A recipient's current processing status, moved only forward. */
export interface RecipientProgress {
  readonly documentId: string;
  readonly agencyId: string;
  readonly statusCode: string;
  readonly updatedAt: string;
  /** Optimistic-concurrency counter for conditional writes. */
  readonly version: number;
}

/** A certificate the operator registered as allowed to sign for an agency. */
export interface SignerRecord {
  readonly agencyId: string;
  /** Hex SHA-256 of the certificate's DER: how the axis recognises it. */
  readonly fingerprint: string;
  readonly subject: string;
  readonly serialNumber: string;
  readonly notAfter: string;
  readonly certificateDer: string;
  readonly state: 'active' | 'revoked';
  readonly registeredAt: string;
  readonly registeredBy: string;
  readonly revokedAt?: string;
  readonly revokedBy?: string;
}

/** One operator action, kept for audit. */
export interface AuditEntry {
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  /** What was acted on, e.g. an agency id. */
  readonly subject: string;
  readonly detail: Readonly<Record<string, string>>;
}

/** An entry in a pull agency's inbox, waiting to be fetched. */
export interface InboxItem {
  readonly agencyId: string;
  readonly messageId: string;
  readonly kind: MessageKind;
  readonly documentId: string;
  readonly from: string;
  readonly enqueuedAt: string;
  readonly statusCode?: string;
  /**
   * Set when the agency acknowledged the item as done: it then leaves the
   * pending listing but stays stored, so the acknowledgement is on record.
   */
  readonly acknowledgedAt?: string;
  readonly result?: 'done';
  /** Acknowledgements as failed: the item stays pending and is offered again. */
  readonly failureCount?: number;
  readonly lastFailureAt?: string;
  /** The agency's own words, stored for operators and never logged. */
  readonly lastFailureReason?: string;
  /** Set with a done acknowledgement: when the stored item expires (epoch seconds). */
  readonly expiresAt?: number;
}

/** What a pull agency says about one inbox item after handling it. */
export type InboxAcknowledgement =
  | {
      readonly result: 'done';
      readonly at: string;
      /**
       * When the stored item may expire (epoch seconds): `at` plus the inbox
       * retention. Without it the done item is kept for good.
       */
      readonly expiresAt?: number;
    }
  | { readonly result: 'failed'; readonly at: string; readonly reason?: string };

/**
 * An agency as the national directory lists it: known to the country's
 * exchange network, whether or not it is connected to this axis.
 */
export interface DirectoryEntry {
  readonly agencyId: string;
  readonly name: string;
  /** The agency it reports to; absent at the top of the tree. */
  readonly parentId?: string;
  /** When the operator's last import wrote this entry. */
  readonly importedAt: string;
}

/** The national axis link's entry among the connections. */
export const NATIONAL_AXIS_CONNECTION = 'national-axis';

/**
 * How the axis last got on with an agency (or, under
 * {@link NATIONAL_AXIS_CONNECTION}, with the national axis): what operators
 * read to see trouble before the agency calls them.
 */
export interface ConnectionRecord {
  readonly agencyId: string;
  /** Last message the agency's webhook (or the national axis) took. */
  readonly lastDeliveryAt?: string;
  /** Last time a pull agency listed its inbox (or this axis polled the national one). */
  readonly lastPollAt?: string;
  readonly lastFailureAt?: string;
  /** A short reason, never a payload. */
  readonly lastFailure?: string;
  /** Failures since the last success; a success sets it back to 0. */
  readonly consecutiveFailures: number;
  readonly updatedAt: string;
}

/** Someone who may use the operator console and its API. */
export interface OperatorRecord {
  readonly operatorId: string;
  readonly name: string;
  /** Hex SHA-256 of the operator's bearer token: the token itself is never stored. */
  readonly tokenSha256: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly revokedAt?: string;
}

/** An agency of the national directory, as the national axis or a file lists it. */
export interface NationalAgency {
  readonly agencyId: string;
  readonly name: string;
  readonly parentId?: string;
}
