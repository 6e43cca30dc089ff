/**
 * What the axis remembers about agencies, documents, messages and deliveries.
 * Plain data: the adapters decide how it is laid out in storage.
 */

/** How an agency receives what is sent to it. */
export type DeliveryChannel =
  | { readonly mode: 'webhook'; readonly url: string }
  | { readonly mode: 'inbox' };

/** An agency connected to this axis (đơn vị). */
export interface Agency {
  readonly agencyId: string;
  readonly name: string;
  readonly channel: DeliveryChannel;
  /** SHA-256 (hex) of the agency's API secret; the secret itself is never stored. */
  readonly credentialHash: string;
  readonly registeredAt: string;
}

export type MessageKind = 'document' | 'status';

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

export type SignatureNote = 'absent' | 'present' | 'present-not-xmldsig';

export type DocumentState = 'received' | 'verified' | 'rejected';

/** A submitted document and what the axis has done with it so far. */
export interface DocumentRecord {
  readonly documentId: string;
  readonly senderId: string;
  /** The edXML `DocumentId`, opaque. */
  readonly edxmlDocumentId: string;
  readonly recipients: readonly string[];
  readonly businessDocType: number;
  readonly sha256: string;
  readonly size: number;
  readonly payloadKey: string;
  readonly createdAt: string;
  readonly state: DocumentState;
  readonly signature?: SignatureNote;
  readonly receipt?: string;
  readonly verifiedAt?: string;
  readonly rejection?: { readonly code: string; readonly message: string };
}

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
  readonly via?: 'webhook' | 'inbox';
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

/** A recipient's current processing status, moved only forward. */
export interface RecipientProgress {
  readonly documentId: string;
  readonly agencyId: string;
  readonly statusCode: string;
  readonly updatedAt: string;
  /** Optimistic-concurrency counter for conditional writes. */
  readonly version: number;
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
}
