import { randomBytes } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditLog } from '../../domain/ports';
import type { AuditEntry } from '../../domain/records';
import { documentClient } from './documentClient';

/** Operator actions, by what they acted on, in time order. Entries are never changed. */
export class DynamoAuditLog implements AuditLog {
  constructor(private readonly tableName: string) {}

  async record(entry: AuditEntry): Promise<void> {
    const entryKey = `${entry.at}#${randomBytes(6).toString('hex')}`;
    await documentClient().send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...entry, entryKey },
        ConditionExpression: 'attribute_not_exists(entryKey)',
      }),
    );
  }

  async list(subject: string): Promise<AuditEntry[]> {
    const { Items } = await documentClient().send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#subject = :subject',
        ExpressionAttributeNames: { '#subject': 'subject' },
        ExpressionAttributeValues: { ':subject': subject },
      }),
    );
    return (Items ?? []).map(({ entryKey: _key, ...entry }) => entry as AuditEntry);
  }
}
