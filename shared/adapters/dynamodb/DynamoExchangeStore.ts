import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { TABLES } from '../../config/wiring';
import { AxisError } from '../../domain/AxisError';
import type { ClaimOutcome, CreateOutcome, DeliveryClaim, ExchangeStore } from '../../domain/ports';
import type {
  DeliveryRecord,
  DocumentLinks,
  DocumentRecord,
  MessageRecord,
  PendingStatus,
  RecipientProgress,
  StatusRecord,
} from '../../domain/records';
import { documentClient, isConditionFailure, putIfAbsent } from './documentClient';

/**
 * Documents, messages, deliveries and statuses in one table.
 *
 * A document's partition (`DOC#<id>`) holds its record (`META`), every
 * delivery (`DLV#<message>#<agency>`), every status (`STS#<message>`) and
 * each recipient's progress (`PRG#<agency>`), so its whole timeline is one
 * query. Messages (`MSG#<id>`) stand alone because downloads look them up by
 * id. Keys built from ids that the axis derives make every create idempotent.
 * A status whose document is not verified yet waits under
 * `PENDING#<OrganId>|<DocumentId>` (`STS#<message>`), with a copy under
 * `PENDINGCODE#<codeKey>` for the code fallback, until verification applies
 * or drops it.
 */
const META = 'META';
const docKey = (documentId: string) => `DOC#${documentId}`;
const msgKey = (messageId: string) => `MSG#${messageId}`;
const edxmlKey = (fromOrganId: string, edxmlDocumentId: string) =>
  `${fromOrganId}|${edxmlDocumentId}`;
const pendingKey = (organId: string, edxmlDocumentId: string) =>
  `PENDING#${edxmlKey(organId, edxmlDocumentId)}`;
const pendingCodeKey = (codeKey: string) => `PENDINGCODE#${codeKey}`;
/** Where one waiting status is kept: its own partition, then the code copy. */
const pendingKeys = (pending: PendingStatus) => [
  pendingKey(pending.responseForOrganId, pending.responseForDocumentId),
  ...(pending.codeKey ? [pendingCodeKey(pending.codeKey)] : []),
];

type Item = Record<string, unknown>;

const MAX_DOCUMENTS_PER_KEY = 50;

/** How far back the operators' listing of recent documents looks. */
const RECENT_DAYS = 30;

function strip<T>(item: Item): T {
  const { pk: _pk, sk: _sk, edxmlKey: _edxmlKey, createdDay: _createdDay, ...rest } = item;
  return rest as T;
}

/** Where a listing of recent documents stopped: a day and the last key read in it. */
interface RecentCursor {
  readonly day: string;
  readonly key?: Item;
}

function encodeCursor(cursor: RecentCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

/** The attributes of a byDay key, the only ones a cursor may carry. */
const RECENT_KEY_ATTRIBUTES = ['pk', 'sk', 'createdDay', 'createdAt'];

/**
 * A cursor this store wrote, or undefined: a real day within the listing's
 * window (`oldest` to `today`) and, if any, a key of exactly the index's
 * string attributes. Anything else would make DynamoDB refuse, or walk days
 * that can hold nothing.
 */
function decodeCursor(text: string, today: string, oldest: string): RecentCursor | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { day, key } = parsed as { day?: unknown; key?: unknown };
  if (typeof day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const real = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(real.getTime()) || real.toISOString().slice(0, 10) !== day) return undefined;
  if (day > today || day < oldest) return undefined;
  if (key === undefined) return { day };
  if (typeof key !== 'object' || key === null) return undefined;
  const entries = Object.entries(key);
  const wellFormed =
    entries.length === RECENT_KEY_ATTRIBUTES.length &&
    entries.every(
      ([name, value]) => RECENT_KEY_ATTRIBUTES.includes(name) && typeof value === 'string',
    );
  return wellFormed ? { day, key: key as Item } : undefined;
}

function previousDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

export class DynamoExchangeStore implements ExchangeStore {
  constructor(private readonly tableName: string) {}

  async putMessage(message: MessageRecord): Promise<void> {
    await this.put({ pk: msgKey(message.messageId), sk: META, ...message });
  }

  async getMessage(messageId: string): Promise<MessageRecord | undefined> {
    return this.get<MessageRecord>(msgKey(messageId), META);
  }

  async createDocument(document: DocumentRecord): Promise<CreateOutcome> {
    const item = {
      pk: docKey(document.documentId),
      sk: META,
      edxmlKey: edxmlKey(document.fromOrganId, document.edxmlDocumentId),
      createdDay: document.createdAt.slice(0, 10),
      ...document,
    };
    return this.putOnce(item);
  }

  async listRecentDocuments(page: {
    limit: number;
    cursor?: string;
  }): Promise<{ items: DocumentRecord[]; cursor?: string }> {
    const today = new Date().toISOString().slice(0, 10);
    const oldest = new Date(Date.now() - RECENT_DAYS * 86_400_000).toISOString().slice(0, 10);
    const start = page.cursor ? decodeCursor(page.cursor, today, oldest) : { day: today };
    if (!start) {
      throw new AxisError('INVALID_PARAMETER', 'the cursor is not one this listing gave out');
    }
    const items: DocumentRecord[] = [];
    let day = start.day;
    let key = start.key;
    while (items.length < page.limit && day >= oldest) {
      const { Items, LastEvaluatedKey } = await documentClient().send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byDay',
          KeyConditionExpression: 'createdDay = :day',
          ExpressionAttributeValues: { ':day': day },
          ScanIndexForward: false,
          Limit: page.limit - items.length,
          ...(key ? { ExclusiveStartKey: key } : {}),
        }),
      );
      items.push(...(Items ?? []).map((item) => strip<DocumentRecord>(item)));
      if (LastEvaluatedKey) {
        key = LastEvaluatedKey;
        if (items.length >= page.limit) return { items, cursor: encodeCursor({ day, key }) };
      } else {
        key = undefined;
        day = previousDay(day);
      }
    }
    return day >= oldest ? { items, cursor: encodeCursor({ day }) } : { items };
  }

  async getDocument(documentId: string): Promise<DocumentRecord | undefined> {
    return this.get<DocumentRecord>(docKey(documentId), META);
  }

  async findDocumentsByEdxmlId(fromOrganId: string, edxmlDocumentId: string): Promise<string[]> {
    return this.queryIndex('byEdxmlKey', edxmlKey(fromOrganId, edxmlDocumentId));
  }

  async findDocumentsByCode(codeKey: string): Promise<string[]> {
    return this.queryIndex('byCodeKey', codeKey);
  }

  async linkDocument(documentId: string, links: DocumentLinks): Promise<void> {
    const entries = Object.entries(links).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return;
    await documentClient().send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: docKey(documentId), sk: META },
        UpdateExpression: `SET ${entries.map(([name]) => `#${name} = :${name}`).join(', ')}`,
        // Links go on an existing document only, never create a bare record.
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: Object.fromEntries(entries.map(([name]) => [`#${name}`, name])),
        ExpressionAttributeValues: Object.fromEntries(
          entries.map(([name, value]) => [`:${name}`, value]),
        ),
      }),
    );
  }

  async markVerified(
    documentId: string,
    update: { signature: DocumentRecord['signature']; receipt: string; verifiedAt: string },
  ): Promise<void> {
    await this.moveState(documentId, 'verified', {
      signature: update.signature,
      receipt: update.receipt,
      verifiedAt: update.verifiedAt,
    });
  }

  async markRejected(
    documentId: string,
    update: {
      rejection: { code: string; message: string };
      signature?: DocumentRecord['signature'];
      rejectionMessageId?: string;
    },
  ): Promise<void> {
    const fields: Item = { rejection: update.rejection };
    if (update.signature) fields.signature = update.signature;
    if (update.rejectionMessageId) fields.rejectionMessageId = update.rejectionMessageId;
    await this.moveState(documentId, 'rejected', fields);
  }

  async getDelivery(
    documentId: string,
    messageId: string,
    agencyId: string,
  ): Promise<DeliveryRecord | undefined> {
    return this.get<DeliveryRecord>(docKey(documentId), `DLV#${messageId}#${agencyId}`);
  }

  async putDelivery(delivery: DeliveryRecord): Promise<void> {
    const sk = `DLV#${delivery.messageId}#${delivery.agencyId}`;
    // A delivery recorded as done stays done, whatever a slower attempt says.
    try {
      await documentClient().send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: docKey(delivery.documentId), sk, ...delivery },
          ConditionExpression: 'attribute_not_exists(pk) OR #state <> :delivered',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':delivered': 'delivered' },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async claimDelivery(claim: DeliveryClaim): Promise<ClaimOutcome> {
    const key = { pk: docKey(claim.documentId), sk: `DLV#${claim.messageId}#${claim.agencyId}` };
    try {
      const { Attributes } = await documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression:
            'SET #state = :sending, attempts = if_not_exists(attempts, :zero) + :one, ' +
            'leaseUntil = :lease, updatedAt = :now, documentId = :doc, messageId = :msg, ' +
            'agencyId = :agency, kind = :kind',
          ConditionExpression:
            'attribute_not_exists(pk) OR (#state <> :delivered AND ' +
            '(attribute_not_exists(leaseUntil) OR leaseUntil < :now))',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':delivered': 'delivered',
            ':zero': 0,
            ':one': 1,
            ':lease': claim.leaseUntil,
            ':now': claim.now,
            ':doc': claim.documentId,
            ':msg': claim.messageId,
            ':agency': claim.agencyId,
            ':kind': claim.kind,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { claimed: true, attempts: Number(Attributes?.attempts ?? 1) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.getDelivery(claim.documentId, claim.messageId, claim.agencyId);
      return { claimed: false, state: current?.state === 'delivered' ? 'delivered' : 'sending' };
    }
  }

  async addStatus(status: StatusRecord): Promise<CreateOutcome> {
    return this.putOnce({
      pk: docKey(status.documentId),
      sk: `STS#${status.messageId}`,
      ...status,
    });
  }

  async getProgress(documentId: string, agencyId: string): Promise<RecipientProgress | undefined> {
    return this.get<RecipientProgress>(docKey(documentId), `PRG#${agencyId}`);
  }

  async putProgress(progress: RecipientProgress, expectedVersion: number): Promise<boolean> {
    try {
      await documentClient().send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: docKey(progress.documentId), sk: `PRG#${progress.agencyId}`, ...progress },
          ConditionExpression:
            expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#version = :expected',
          ...(expectedVersion === 0
            ? {}
            : {
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async addPendingStatus(pending: PendingStatus, limit: number): Promise<CreateOutcome | 'full'> {
    const sk = `STS#${pending.messageId}`;
    const [own, ...copies] = pendingKeys(pending);
    if (!own) throw new Error('a pending status always has its own partition');
    // A retry must not count itself against the bound.
    const previous = await this.get<PendingStatus>(own, sk);
    if (!previous && (await this.countWaiting(own)) >= limit) return 'full';
    const outcome = previous ? 'exists' : await this.putOnce({ pk: own, sk, ...pending });
    // The copy goes in on a retry too, in case the first attempt stopped before it.
    for (const pk of copies) await this.putOnce({ pk, sk, ...(previous ?? pending) });
    return outcome;
  }

  async findPendingStatuses(
    organId: string,
    edxmlDocumentId: string,
    codeKey?: string,
  ): Promise<PendingStatus[]> {
    const partitions = [
      pendingKey(organId, edxmlDocumentId),
      ...(codeKey ? [pendingCodeKey(codeKey)] : []),
    ];
    const found = new Map<string, PendingStatus>();
    for (const pk of partitions) {
      for (const item of await this.queryPartition(pk)) {
        const pending = strip<PendingStatus>(item);
        if (!found.has(pending.messageId)) found.set(pending.messageId, pending);
      }
    }
    return [...found.values()];
  }

  async removePendingStatus(pending: PendingStatus): Promise<void> {
    for (const pk of pendingKeys(pending)) {
      await documentClient()
        .send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: { pk, sk: `STS#${pending.messageId}` },
            // A dropped status stays for operators to read.
            ConditionExpression: 'attribute_not_exists(pk) OR #state = :pending',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':pending': 'pending' },
          }),
        )
        .catch((error: unknown) => {
          if (!isConditionFailure(error)) throw error;
        });
    }
  }

  async dropPendingStatus(
    pending: PendingStatus,
    dropped: NonNullable<PendingStatus['dropped']>,
  ): Promise<void> {
    for (const pk of pendingKeys(pending)) {
      await documentClient()
        .send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk, sk: `STS#${pending.messageId}` },
            UpdateExpression: 'SET #state = :dropped, dropped = :why',
            ConditionExpression: '#state = :pending',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':dropped': 'dropped',
              ':why': dropped,
              ':pending': 'pending',
            },
          }),
        )
        .catch((error: unknown) => {
          if (!isConditionFailure(error)) throw error;
        });
    }
  }

  /** How many statuses still wait in one pending partition. */
  private async countWaiting(pk: string): Promise<number> {
    const items = await this.queryPartition(pk);
    return items.filter((item) => item.state === 'pending').length;
  }

  /** Every item of one partition, page by page; bounded by what the partition holds. */
  private async queryPartition(pk: string): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await documentClient().send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async getTimeline(documentId: string) {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await documentClient().send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': docKey(documentId) },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const withPrefix = <T>(prefix: string) =>
      items.filter((item) => String(item.sk).startsWith(prefix)).map((item) => strip<T>(item));
    return {
      deliveries: withPrefix<DeliveryRecord>('DLV#'),
      statuses: withPrefix<StatusRecord>('STS#'),
      progress: withPrefix<RecipientProgress>('PRG#'),
    };
  }

  /** Document ids under one key of a secondary index, newest first. */
  private async queryIndex(indexName: string, key: string): Promise<string[]> {
    const index = TABLES.exchange.indexes.find((candidate) => candidate.name === indexName);
    if (!index) throw new Error(`the exchange table declares no index ${indexName}`);
    const { Items } = await documentClient().send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: '#key = :key',
        ExpressionAttributeNames: { '#key': index.partitionKey },
        ExpressionAttributeValues: { ':key': key },
        ScanIndexForward: false,
        // Enough for every resend and revision of one document in practice.
        Limit: MAX_DOCUMENTS_PER_KEY,
      }),
    );
    return (Items ?? []).map((item) => item.documentId as string);
  }

  private async get<T>(pk: string, sk: string): Promise<T | undefined> {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }),
    );
    return Item ? strip<T>(Item) : undefined;
  }

  private async put(item: Item): Promise<void> {
    await documentClient().send(new PutCommand({ TableName: this.tableName, Item: item }));
  }

  private async putOnce(item: Item): Promise<CreateOutcome> {
    return putIfAbsent(this.tableName, item, 'pk');
  }

  /** Moves a document out of 'received' once; a repeat changes nothing. */
  private async moveState(documentId: string, state: string, fields: Item): Promise<void> {
    const names: Record<string, string> = { '#state': 'state' };
    const values: Record<string, unknown> = { ':state': state, ':received': 'received' };
    const sets = ['#state = :state'];
    for (const [name, value] of Object.entries(fields)) {
      names[`#${name}`] = name;
      values[`:${name}`] = value;
      sets.push(`#${name} = :${name}`);
    }
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: docKey(documentId), sk: META },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: '#state = :received',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
