import type {
  AgencyDirectory,
  Clock,
  ConnectionLog,
  ExchangeStore,
  InboxStore,
  NationalAxis,
  NationalDirectory,
  PayloadStore,
  RouteRequest,
  Signer,
  WebhookClient,
} from '../domain/ports';
import {
  type Agency,
  type DeliveryRecord,
  type MessageRecord,
  NATIONAL_AXIS_CONNECTION,
} from '../domain/records';
import { DELIVERY_TYPE, signStatement } from './axisSignature';

export interface RouteMessageDeps {
  readonly directory: AgencyDirectory;
  readonly exchange: ExchangeStore;
  readonly payloads: PayloadStore;
  readonly inbox: InboxStore;
  readonly webhook: WebhookClient;
  readonly signer: Signer;
  readonly clock: Clock;
  /** Receives after which the queue dead-letters the message. */
  readonly maxReceiveCount: number;
  /**
   * How long one attempt holds a delivery: longer than the webhook timeout,
   * shorter than the queue's visibility timeout.
   */
  readonly leaseMs: number;
  /** Where each agency's last delivery and consecutive failures are kept. */
  readonly connections?: ConnectionLog;
  /**
   * The national axis and its directory, when this axis is linked to it: a
   * recipient that is no agency here but is in the national directory is
   * forwarded there.
   */
  readonly national?: NationalAxis;
  readonly nationalDirectory?: NationalDirectory;
}

/** Who takes a delivery: an agency of this axis, or the national axis for one of its agencies. */
type Destination =
  | { readonly kind: 'agency'; readonly agency: Agency }
  | { readonly kind: 'national'; readonly national: NationalAxis };

export type RouteOutcome = 'delivered' | 'already-delivered';

/** A delivery that did not go through this time; the queue will try again. */
export class DeliveryFailedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'DeliveryFailedError';
  }
}

/** The same delivery is being attempted elsewhere right now; try again later. */
export class DeliveryInProgressError extends Error {
  constructor(messageId: string, agencyId: string) {
    super(`delivery of ${messageId} to ${agencyId} is in progress elsewhere`);
    this.name = 'DeliveryInProgressError';
  }
}

/** Headers that let a webhook receiver check that a delivery comes from the axis. */
export const DELIVERY_HEADERS = {
  signature: 'x-lienthong-signature',
  messageId: 'x-lienthong-message-id',
  documentId: 'x-lienthong-document-id',
  kind: 'x-lienthong-kind',
} as const;

/**
 * Delivers one message to one agency, by webhook or into its pull inbox, and
 * records the outcome.
 *
 * A delivery already recorded as done is skipped, and an attempt first claims
 * the delivery with a conditional write, so duplicate queue messages handled
 * at the same moment do not both send. A webhook receiver that answered but
 * whose answer was lost (or whose attempt outlived its lease) may still see a
 * message again, and recognises it by `x-lienthong-message-id`.
 *
 * @param receiveCount how many times the queue has handed out this request;
 *   on the last allowed one a failure is recorded as dead-lettered.
 */
export async function routeMessage(
  deps: RouteMessageDeps,
  request: RouteRequest,
  receiveCount: number,
): Promise<RouteOutcome> {
  const { documentId, messageId, recipientId } = request;
  const previous = await deps.exchange.getDelivery(documentId, messageId, recipientId);
  if (previous?.state === 'delivered') return 'already-delivered';

  const message = await deps.exchange.getMessage(messageId);
  if (!message) throw new DeliveryFailedError(`message ${messageId} has no record`);
  const now = deps.clock.now();
  const claim = await deps.exchange.claimDelivery({
    documentId,
    messageId,
    agencyId: recipientId,
    kind: message.kind,
    now: now.toISOString(),
    leaseUntil: new Date(now.getTime() + deps.leaseMs).toISOString(),
  });
  if (!claim.claimed) {
    if (claim.state === 'delivered') return 'already-delivered';
    // Another worker is sending this very delivery (a duplicate queue
    // message); this copy comes back after the visibility timeout and then
    // finds it delivered, or finds the lease lapsed and tries again.
    throw new DeliveryInProgressError(messageId, recipientId);
  }
  const base = {
    documentId,
    messageId,
    agencyId: recipientId,
    kind: message.kind,
    attempts: claim.attempts,
  };

  let connectionId = recipientId;
  try {
    const destination = await destinationOf(deps, recipientId, documentId);
    if (destination.kind === 'national') connectionId = NATIONAL_AXIS_CONNECTION;
    const outcome =
      destination.kind === 'agency'
        ? { via: await deliver(deps, destination.agency, message) }
        : await forward(deps, destination.national, recipientId, message);
    const deliveredAt = deps.clock.now().toISOString();
    await deps.exchange.putDelivery({
      ...base,
      state: 'delivered',
      ...outcome,
      updatedAt: deliveredAt,
      deliveredAt,
    });
    await deps.connections?.recordDelivery(connectionId, deliveredAt);
    return 'delivered';
  } catch (error) {
    const failed: DeliveryRecord = {
      ...base,
      state: receiveCount >= deps.maxReceiveCount ? 'dead' : 'retrying',
      lastError: describeFailure(error),
      updatedAt: deps.clock.now().toISOString(),
    };
    await deps.exchange.putDelivery(failed);
    await deps.connections?.recordFailure(connectionId, failed.updatedAt, failed.lastError ?? '');
    throw error;
  }
}

/**
 * The connection a delivery to `recipientId` goes through: the agency's own,
 * or the national axis link's for an agency reached through it.
 */
export async function connectionOf(
  deps: Pick<RouteMessageDeps, 'directory'>,
  recipientId: string,
): Promise<string> {
  return (await deps.directory.get(recipientId)) ? recipientId : NATIONAL_AXIS_CONNECTION;
}

/**
 * An agency of this axis gets the message itself. Any other recipient is
 * reached through the national axis when it is in the national directory,
 * or when it sent the document through the national axis in the first place
 * (statuses go back to it, even before the directory lists it).
 */
async function destinationOf(
  deps: RouteMessageDeps,
  recipientId: string,
  documentId: string,
): Promise<Destination> {
  const agency = await deps.directory.get(recipientId);
  if (agency) return { kind: 'agency', agency };
  if (deps.national) {
    if (await deps.nationalDirectory?.get(recipientId)) {
      return { kind: 'national', national: deps.national };
    }
    const document = await deps.exchange.getDocument(documentId);
    if (document?.origin === 'national' && document.senderId === recipientId) {
      return { kind: 'national', national: deps.national };
    }
  }
  throw new DeliveryFailedError(
    `agency ${recipientId} is not registered here` +
      (deps.national ? ' nor in the national directory' : ''),
  );
}

/**
 * Hands the message to the national axis for one of its agencies. The file
 * goes as it was received (documents and statuses are both edXML); the
 * message id and recipient make a repeat return the same national id.
 */
async function forward(
  deps: RouteMessageDeps,
  national: NationalAxis,
  recipientId: string,
  message: MessageRecord,
): Promise<Pick<DeliveryRecord, 'via' | 'nationalId'>> {
  if (message.kind === 'rejection') {
    throw new DeliveryFailedError('the national axis carries edXML files, not rejections');
  }
  const bytes = await deps.payloads.get(message.payloadKey);
  const { nationalId } = await national.send({
    messageId: message.messageId,
    to: [recipientId],
    bytes,
  });
  return { via: 'national', nationalId };
}

async function deliver(
  deps: RouteMessageDeps,
  agency: Agency,
  message: MessageRecord,
): Promise<'webhook' | 'inbox'> {
  if (agency.channel.mode === 'inbox') {
    await deps.inbox.add({
      agencyId: agency.agencyId,
      messageId: message.messageId,
      kind: message.kind,
      documentId: message.documentId,
      from: message.from,
      enqueuedAt: deps.clock.now().toISOString(),
      ...(message.statusCode ? { statusCode: message.statusCode } : {}),
    });
    return 'inbox';
  }

  const body = await deps.payloads.get(message.payloadKey);
  const token = await signStatement(deps.signer, DELIVERY_TYPE, {
    iss: 'lienthong',
    messageId: message.messageId,
    documentId: message.documentId,
    kind: message.kind,
    from: message.from,
    to: agency.agencyId,
    sha256: message.sha256,
    iat: Math.floor(deps.clock.now().getTime() / 1000),
  });
  const response = await deps.webhook.post(agency.channel.url, body, {
    // A rejection is the axis's own JWS; documents and statuses are edXML.
    'content-type':
      message.kind === 'rejection' ? 'application/jose' : 'application/xml; charset=utf-8',
    [DELIVERY_HEADERS.signature]: token,
    [DELIVERY_HEADERS.messageId]: message.messageId,
    [DELIVERY_HEADERS.documentId]: message.documentId,
    [DELIVERY_HEADERS.kind]: message.kind,
  });
  if (response.status < 200 || response.status >= 300) {
    throw new DeliveryFailedError(`webhook answered HTTP ${response.status}`);
  }
  return 'webhook';
}

/** A short reason fit for records and logs: never a payload or a URL's secrets. */
function describeFailure(error: unknown): string {
  if (error instanceof DeliveryFailedError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 200);
  return 'unknown failure';
}
