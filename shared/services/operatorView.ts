import { AxisError } from '../domain/AxisError';
import {
  type ConnectionKind,
  type ConnectionState,
  connectionState,
} from '../domain/connectionState';
import { isAxisId } from '../domain/ids';
import type {
  AgencyDirectory,
  Clock,
  ConnectionLog,
  ExchangeStore,
  InboxStore,
  QueueDepth,
  QueueDepths,
} from '../domain/ports';
import {
  type Agency,
  type ConnectionRecord,
  type DeliveryChannel,
  type DocumentRecord,
  NATIONAL_AXIS_CONNECTION,
} from '../domain/records';
import {
  type DeliveryView,
  type DocumentTimeline,
  fullDocumentTimeline,
  type RecipientView,
} from './documentTimeline';
import { type AcknowledgementView, withAcknowledgements } from './timelineAcknowledgements';

/**
 * What operators see through `/v1/operator/*`: the answers' shapes (the
 * console is built on them) and the reads that produce them. Operators see
 * every agency and document, so these reads authorise nobody: only routes
 * behind operator authentication call them. They never return key material
 * (key ids only) nor a webhook URL's query string, fragment or credentials,
 * where agencies tend to put their own tokens.
 */

// ---------------------------------------------------------------------------
// GET /v1/operator/agencies

/** How the axis last got on with one agency or with the national axis. */
export interface OperatorConnectionView {
  /** Derived now from the record below: see shared/domain/connectionState.ts. */
  readonly state: ConnectionState;
  /** Failures since the last success (0 when nothing was recorded). */
  readonly consecutiveFailures: number;
  readonly lastDeliveryAt?: string;
  readonly lastPollAt?: string;
  readonly lastFailureAt?: string;
  /** A short reason written by the axis, never a payload. */
  readonly lastFailure?: string;
  /** Absent when nothing was ever recorded for this link. */
  readonly updatedAt?: string;
}

/** A webhook is shown by scheme, host and path only. */
export type OperatorChannelView =
  | { readonly mode: 'webhook'; readonly url?: string }
  | { readonly mode: 'inbox' };

export interface OperatorAgencyView {
  readonly agencyId: string;
  readonly name: string;
  readonly channel: OperatorChannelView;
  /** Ids of the agency's request-signing keys; never the keys themselves. */
  readonly keyIds: readonly string[];
  readonly signaturePolicy: Agency['signaturePolicy'];
  readonly sendsFor: readonly string[];
  readonly registeredAt: string;
  readonly connection: OperatorConnectionView;
}

export interface OperatorAgenciesResponse {
  /** When the states were derived. */
  readonly checkedAt: string;
  /** Every agency registered on this axis, in identifier order. */
  readonly items: readonly OperatorAgencyView[];
  /** The link to the national axis; absent until something was recorded for it. */
  readonly nationalAxis?: {
    readonly agencyId: typeof NATIONAL_AXIS_CONNECTION;
    readonly connection: OperatorConnectionView;
  };
}

// ---------------------------------------------------------------------------
// GET /v1/operator/documents?limit=&cursor=

/** Default and largest page of recent documents: each one costs a timeline read. */
export const OPERATOR_DOCUMENTS_PAGE_DEFAULT = 20;
export const OPERATOR_DOCUMENTS_PAGE_MAX = 100;

export interface OperatorDocumentRecipient {
  readonly agencyId: string;
  /** `{state: 'pending'}` until the route step has tried the delivery. */
  readonly delivery: DeliveryView | { readonly state: 'pending' };
  /** The recipient's current processing status (01 … 06, 13, 15, 16). */
  readonly currentStatus?: RecipientView['currentStatus'];
}

export interface OperatorDocumentSummary {
  readonly documentId: string;
  readonly edxmlDocumentId: string;
  /** The agency that submitted it (an OrganId off this axis when `origin` is `national`). */
  readonly sender: string;
  /** `From/OrganId`: the sender or a unit it sends for. */
  readonly fromOrganId: string;
  readonly origin: 'local' | 'national';
  readonly state: DocumentRecord['state'];
  readonly createdAt: string;
  readonly verifiedAt?: string;
  readonly rejection?: DocumentRecord['rejection'];
  readonly businessDocType: number;
  readonly size: number;
  readonly recipients: readonly OperatorDocumentRecipient[];
}

export interface OperatorDocumentsResponse {
  /** Newest first. */
  readonly items: readonly OperatorDocumentSummary[];
  /** Pass back as `cursor` for the next page; absent on the last one. */
  readonly cursor?: string;
}

// ---------------------------------------------------------------------------
// GET /v1/operator/documents/{documentId}

/** A timeline line, with a pull recipient's acknowledgement when there is one. */
export interface OperatorTimelineRecipient extends Omit<RecipientView, 'delivery'> {
  readonly delivery: (DeliveryView | { readonly state: 'pending' }) & {
    readonly acknowledgement?: AcknowledgementView;
  };
}

/** The document's whole timeline, as its sender sees it: every recipient's line. */
export interface OperatorDocumentResponse extends Omit<DocumentTimeline, 'recipients'> {
  readonly recipients: readonly OperatorTimelineRecipient[];
}

// ---------------------------------------------------------------------------
// GET /v1/operator/queues

export interface OperatorQueuesResponse {
  readonly checkedAt: string;
  /** One entry per queue of the wiring (`verify`, `route`), in that order. */
  readonly queues: readonly QueueDepth[];
}

// ---------------------------------------------------------------------------

export interface OperatorAgenciesDeps {
  readonly directory: AgencyDirectory;
  readonly connections: ConnectionLog;
  readonly clock: Clock;
}

/** Every agency with its channel and connection state, and the national axis link. */
export async function operatorAgencies(
  deps: OperatorAgenciesDeps,
): Promise<OperatorAgenciesResponse> {
  const now = deps.clock.now();
  const [agencies, records] = await Promise.all([deps.directory.list(), deps.connections.list()]);
  const byAgency = new Map(records.map((record) => [record.agencyId, record]));
  const items = agencies
    .sort((a, b) => (a.agencyId < b.agencyId ? -1 : a.agencyId > b.agencyId ? 1 : 0))
    .map(
      (agency): OperatorAgencyView => ({
        agencyId: agency.agencyId,
        name: agency.name,
        channel: channelView(agency.channel),
        keyIds: agency.keys.map((key) => key.keyId),
        signaturePolicy: agency.signaturePolicy,
        sendsFor: agency.sendsFor,
        registeredAt: agency.registeredAt,
        connection: connectionView(agency.channel.mode, byAgency.get(agency.agencyId), now),
      }),
    );
  const national = byAgency.get(NATIONAL_AXIS_CONNECTION);
  return {
    checkedAt: now.toISOString(),
    items,
    ...(national
      ? {
          nationalAxis: {
            agencyId: NATIONAL_AXIS_CONNECTION,
            connection: connectionView('national', national, now),
          },
        }
      : {}),
  };
}

function connectionView(
  kind: ConnectionKind,
  record: ConnectionRecord | undefined,
  now: Date,
): OperatorConnectionView {
  const state = connectionState(kind, record, now);
  if (!record) return { state, consecutiveFailures: 0 };
  const { agencyId: _id, ...fields } = record;
  return { state, ...fields };
}

/**
 * Scheme, host, port and path of a webhook: agencies often carry a token in
 * the query string or in user:password, which operators must not be shown.
 */
export function channelView(channel: DeliveryChannel): OperatorChannelView {
  if (channel.mode === 'inbox') return { mode: 'inbox' };
  try {
    const url = new URL(channel.url);
    return { mode: 'webhook', url: `${url.protocol}//${url.host}${url.pathname}` };
  } catch {
    return { mode: 'webhook' };
  }
}

/** Timelines read at once while listing documents: enough to be quick, few enough to be polite. */
const TIMELINE_READS_AT_ONCE = 10;

/** Recent documents, newest first, each with its recipients' deliveries and statuses. */
export async function operatorDocuments(
  deps: { readonly exchange: ExchangeStore },
  page: { readonly limit: number; readonly cursor?: string },
): Promise<OperatorDocumentsResponse> {
  const limit = Math.min(Math.max(1, page.limit), OPERATOR_DOCUMENTS_PAGE_MAX);
  const listed = await deps.exchange.listRecentDocuments({ limit, cursor: page.cursor });
  const items = await mapAtMost(TIMELINE_READS_AT_ONCE, listed.items, async (document) =>
    documentSummary(document, await fullDocumentTimeline(deps.exchange, document)),
  );
  return listed.cursor ? { items, cursor: listed.cursor } : { items };
}

function documentSummary(
  document: DocumentRecord,
  timeline: DocumentTimeline,
): OperatorDocumentSummary {
  return {
    documentId: document.documentId,
    edxmlDocumentId: document.edxmlDocumentId,
    sender: document.senderId,
    fromOrganId: document.fromOrganId,
    origin: document.origin ?? 'local',
    state: document.state,
    createdAt: document.createdAt,
    ...(document.verifiedAt ? { verifiedAt: document.verifiedAt } : {}),
    ...(document.rejection ? { rejection: document.rejection } : {}),
    businessDocType: document.businessDocType,
    size: document.size,
    recipients: timeline.recipients.map((line) => ({
      agencyId: line.agencyId,
      delivery: line.delivery,
      ...(line.currentStatus ? { currentStatus: line.currentStatus } : {}),
    })),
  };
}

/** One document's whole timeline, with pull recipients' acknowledgements. */
export async function operatorDocument(
  deps: { readonly exchange: ExchangeStore; readonly inbox: InboxStore },
  documentId: string,
): Promise<OperatorDocumentResponse> {
  const document = isAxisId(documentId) ? await deps.exchange.getDocument(documentId) : undefined;
  if (!document) throw new AxisError('NOT_FOUND', `no document ${documentId}`);
  const timeline = await fullDocumentTimeline(deps.exchange, document);
  return (await withAcknowledgements(deps.inbox, timeline)) as OperatorDocumentResponse;
}

/** Waiting, in-flight and dead-lettered messages of every queue. */
export async function operatorQueues(deps: {
  readonly queueDepths: QueueDepths;
  readonly clock: Clock;
}): Promise<OperatorQueuesResponse> {
  const queues = await deps.queueDepths.list();
  return { checkedAt: deps.clock.now().toISOString(), queues };
}

/** `work` over `items`, at most `limit` at a time, results in the items' order. */
async function mapAtMost<T, R>(
  limit: number,
  items: readonly T[],
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
