import { AxisError } from '../domain/AxisError';
import { isAxisId } from '../domain/ids';
import type { ExchangeStore } from '../domain/ports';
import type {
  Agency,
  DeliveryRecord,
  DocumentRecord,
  RecipientProgress,
  StatusRecord,
} from '../domain/records';
import { statusInfo } from '../domain/statusCodes';
import { type TakeBackView, takeBackView } from './takeBackView';

/** How this document relates to the documents that revise it or that it revises. */
export interface RevisionLinks {
  readonly revokes?: string;
  readonly updates?: string;
  readonly replaces?: string;
  /** The document revises one the axis could not find; it was delivered anyway. */
  readonly original?: 'not-found';
  readonly revokedBy?: string;
  readonly updatedBy?: string;
  readonly replacedBy?: string;
}

export interface DeliveryView {
  readonly state: DeliveryRecord['state'];
  readonly attempts: number;
  readonly via?: DeliveryRecord['via'];
  readonly deliveredAt?: string;
  readonly lastError?: string;
}

export interface StatusView {
  readonly messageId: string;
  readonly statusCode: string;
  readonly statusName?: string;
  readonly description?: string;
  readonly reportedAt?: string;
  readonly receivedAt: string;
  /** How the status travelled on to the document's sender. */
  readonly deliveryToSender: DeliveryView | { readonly state: 'pending' };
}

export interface RecipientView {
  readonly agencyId: string;
  readonly delivery: DeliveryView | { readonly state: 'pending' };
  readonly currentStatus?: { code: string; name?: string; updatedAt: string };
  readonly statuses: readonly StatusView[];
}

export interface DocumentTimeline {
  readonly documentId: string;
  readonly edxmlDocumentId: string;
  readonly sender: string;
  readonly state: DocumentRecord['state'];
  readonly createdAt: string;
  readonly verifiedAt?: string;
  readonly signature?: DocumentRecord['signature'];
  readonly receipt?: string;
  readonly rejection?: DocumentRecord['rejection'];
  /** The axis's signed refusal, downloadable by the sender. */
  readonly rejectionMessageId?: string;
  readonly sha256: string;
  readonly size: number;
  readonly recipients: readonly RecipientView[];
  /** BussinessDocType: 0 new, 1 revoke, 2 update, 3 replace. */
  readonly businessDocType: number;
  /** True once a verified revoke names this document as its original. */
  readonly revoked: boolean;
  readonly links?: RevisionLinks;
  /** Present once the sender asked for the document back (status 13). */
  readonly takeBack?: TakeBackView;
}

/**
 * A document as the axis has seen it: each recipient's delivery, current
 * status and status history. The sender sees every recipient; a recipient
 * sees only its own line; anyone else gets NOT_FOUND.
 */
export async function documentTimeline(
  exchange: ExchangeStore,
  caller: Agency,
  documentId: string,
): Promise<DocumentTimeline> {
  const document = isAxisId(documentId) ? await exchange.getDocument(documentId) : undefined;
  const isSender = document?.senderId === caller.agencyId;
  // A recipient learns of a document only once it was delivered to it.
  const isRecipient =
    document?.state === 'verified' && document.recipients.includes(caller.agencyId);
  if (!document || !(isSender || isRecipient)) {
    throw new AxisError('NOT_FOUND', `no document ${documentId} is visible to ${caller.agencyId}`);
  }
  return timelineOf(exchange, document, isSender ? document.recipients : [caller.agencyId]);
}

/**
 * Every recipient's line of a document, with no caller to authorise: for
 * operators, whose routes authenticate them before calling this. Agencies
 * go through {@link documentTimeline}.
 */
export function fullDocumentTimeline(
  exchange: ExchangeStore,
  document: DocumentRecord,
): Promise<DocumentTimeline> {
  return timelineOf(exchange, document, document.recipients);
}

async function timelineOf(
  exchange: ExchangeStore,
  document: DocumentRecord,
  visible: readonly string[],
): Promise<DocumentTimeline> {
  const documentId = document.documentId;
  const { deliveries, statuses, progress } = await exchange.getTimeline(documentId);
  return {
    documentId,
    edxmlDocumentId: document.edxmlDocumentId,
    sender: document.senderId,
    state: document.state,
    createdAt: document.createdAt,
    verifiedAt: document.verifiedAt,
    signature: document.signature,
    receipt: document.receipt,
    rejection: document.rejection,
    rejectionMessageId: document.rejectionMessageId,
    sha256: document.sha256,
    size: document.size,
    recipients: visible.map((agencyId) =>
      recipientView(document, agencyId, deliveries, statuses, progress),
    ),
    businessDocType: document.businessDocType,
    revoked: document.revokedBy !== undefined,
    ...linksOf(document),
    ...optional('takeBack', takeBackView(document, statuses, visible)),
  };
}

const LINK_FIELDS = [
  'revokes',
  'updates',
  'replaces',
  'original',
  'revokedBy',
  'updatedBy',
  'replacedBy',
] as const satisfies ReadonlyArray<keyof RevisionLinks>;

function linksOf(document: DocumentRecord): { links?: RevisionLinks } {
  const present = LINK_FIELDS.filter((field) => document[field] !== undefined);
  if (present.length === 0) return {};
  return { links: Object.fromEntries(present.map((field) => [field, document[field]])) };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function recipientView(
  document: DocumentRecord,
  agencyId: string,
  deliveries: readonly DeliveryRecord[],
  statuses: readonly StatusRecord[],
  progress: readonly RecipientProgress[],
): RecipientView {
  const deliveryOf = (messageId: string, to: string) =>
    deliveryView(deliveries.find((d) => d.messageId === messageId && d.agencyId === to));
  const current = progress.find((p) => p.agencyId === agencyId);
  return {
    agencyId,
    delivery: deliveryOf(document.documentId, agencyId),
    ...(current
      ? {
          currentStatus: {
            code: current.statusCode,
            name: statusInfo(current.statusCode)?.name,
            updatedAt: current.updatedAt,
          },
        }
      : {}),
    statuses: statuses
      .filter((s) => s.agencyId === agencyId)
      .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))
      .map((s) => ({
        messageId: s.messageId,
        statusCode: s.statusCode,
        statusName: statusInfo(s.statusCode)?.name,
        description: s.description,
        reportedAt: s.reportedAt,
        receivedAt: s.receivedAt,
        deliveryToSender: deliveryOf(s.messageId, document.senderId),
      })),
  };
}

function deliveryView(record: DeliveryRecord | undefined): DeliveryView | { state: 'pending' } {
  if (!record) return { state: 'pending' };
  return {
    state: record.state,
    attempts: record.attempts,
    via: record.via,
    deliveredAt: record.deliveredAt,
    lastError: record.lastError,
  };
}
