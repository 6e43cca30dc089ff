import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AxisError } from '../../domain/AxisError';
import type { CreateOutcome, InboxStore } from '../../domain/ports';
import type { InboxAcknowledgement, InboxItem } from '../../domain/records';
import { documentClient, isConditionFailure, putIfAbsent } from './documentClient';

/**
 * Reads one listing may make to fill a page past items already done. Done
 * items stay in the partition as the record of their acknowledgement, so a
 * page may come back short (with a cursor) rather than read without end.
 */
const MAX_READS_PER_PAGE = 10;

/**
 * Pull inboxes: one partition per agency, one item per message. The item's
 * key is the message id, so adding the same message twice keeps one item,
 * and a message already acknowledged as done is not offered again.
 */
export class DynamoInboxStore implements InboxStore {
  constructor(private readonly tableName: string) {}

  async add(item: InboxItem): Promise<CreateOutcome> {
    return putIfAbsent(this.tableName, { ...item }, 'messageId');
  }

  async get(agencyId: string, messageId: string): Promise<InboxItem | undefined> {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: this.tableName, Key: { agencyId, messageId } }),
    );
    return Item as InboxItem | undefined;
  }

  async list(
    agencyId: string,
    page: { limit: number; cursor?: string },
  ): Promise<{ items: InboxItem[]; cursor?: string }> {
    const items: InboxItem[] = [];
    let after = page.cursor ? decodeCursor(page.cursor) : undefined;
    for (let read = 0; read < MAX_READS_PER_PAGE; read++) {
      const { Items, LastEvaluatedKey } = await documentClient().send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'agencyId = :agencyId',
          FilterExpression: 'attribute_not_exists(acknowledgedAt)',
          ExpressionAttributeValues: { ':agencyId': agencyId },
          Limit: page.limit - items.length,
          ExclusiveStartKey: after ? { agencyId, messageId: after } : undefined,
        }),
      );
      items.push(...((Items ?? []) as InboxItem[]));
      after = LastEvaluatedKey?.messageId as string | undefined;
      if (!after || items.length >= page.limit) break;
    }
    return { items, cursor: after ? Buffer.from(after).toString('base64url') : undefined };
  }

  async acknowledge(
    agencyId: string,
    messageId: string,
    acknowledgement: InboxAcknowledgement,
  ): Promise<InboxItem | undefined> {
    try {
      const { Attributes } = await documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { agencyId, messageId },
          ...updateFor(acknowledgement),
          // Only an item that exists and is not done yet changes.
          ConditionExpression:
            'attribute_exists(messageId) AND attribute_not_exists(acknowledgedAt)',
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes as InboxItem;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    // Absent, or already done: either way the stored item is the answer.
    const { Item } = await documentClient().send(
      new GetCommand({
        TableName: this.tableName,
        Key: { agencyId, messageId },
        ConsistentRead: true,
      }),
    );
    return Item as InboxItem | undefined;
  }
}

function updateFor(acknowledgement: InboxAcknowledgement) {
  if (acknowledgement.result === 'done') {
    const done = {
      UpdateExpression: 'SET acknowledgedAt = :at, #result = :done',
      ExpressionAttributeNames: { '#result': 'result' },
      ExpressionAttributeValues: { ':at': acknowledgement.at, ':done': 'done' },
    };
    if (acknowledgement.expiresAt === undefined) return done;
    // expiresAt is the table's TTL attribute: DynamoDB deletes the done item
    // once it has passed. A failed item never gets one: it is still pending.
    return {
      ...done,
      UpdateExpression: `${done.UpdateExpression}, expiresAt = :expiresAt`,
      ExpressionAttributeValues: {
        ...done.ExpressionAttributeValues,
        ':expiresAt': acknowledgement.expiresAt,
      },
    };
  }
  const values = { ':at': acknowledgement.at, ':one': 1 };
  // A failure without a reason clears the previous one: it would mislead.
  return acknowledgement.reason === undefined
    ? {
        UpdateExpression: 'SET lastFailureAt = :at REMOVE lastFailureReason ADD failureCount :one',
        ExpressionAttributeValues: values,
      }
    : {
        UpdateExpression:
          'SET lastFailureAt = :at, lastFailureReason = :reason ADD failureCount :one',
        ExpressionAttributeValues: { ...values, ':reason': acknowledgement.reason },
      };
}

/** The cursor holds only a message id; the agency always comes from the caller. */
function decodeCursor(cursor: string): string {
  const messageId = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[a-z]{3}_[a-z2-7]{26}$/.test(messageId)) {
    throw new AxisError('INVALID_PARAMETER', 'cursor is not one this axis handed out');
  }
  return messageId;
}
