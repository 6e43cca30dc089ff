import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AxisError } from '../../domain/AxisError';
import type { CreateOutcome, InboxStore } from '../../domain/ports';
import type { InboxItem } from '../../domain/records';
import { documentClient, putIfAbsent } from './documentClient';

/**
 * Pull inboxes: one partition per agency, one item per message. The item's
 * key is the message id, so adding the same message twice keeps one item.
 */
export class DynamoInboxStore implements InboxStore {
  constructor(private readonly tableName: string) {}

  async add(item: InboxItem): Promise<CreateOutcome> {
    return putIfAbsent(this.tableName, { ...item }, 'messageId');
  }

  async list(
    agencyId: string,
    page: { limit: number; cursor?: string },
  ): Promise<{ items: InboxItem[]; cursor?: string }> {
    const { Items, LastEvaluatedKey } = await documentClient().send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'agencyId = :agencyId',
        ExpressionAttributeValues: { ':agencyId': agencyId },
        Limit: page.limit,
        ExclusiveStartKey: page.cursor
          ? { agencyId, messageId: decodeCursor(page.cursor) }
          : undefined,
      }),
    );
    const items = (Items ?? []) as InboxItem[];
    const last = LastEvaluatedKey?.messageId as string | undefined;
    return { items, cursor: last ? Buffer.from(last).toString('base64url') : undefined };
  }
}

/** The cursor holds only a message id; the agency always comes from the caller. */
function decodeCursor(cursor: string): string {
  const messageId = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[a-z]{3}_[a-z2-7]{26}$/.test(messageId)) {
    throw new AxisError('INVALID_PARAMETER', 'cursor is not one this axis handed out');
  }
  return messageId;
}
