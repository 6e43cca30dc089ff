import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { SignerRegistry } from '../../domain/ports';
import type { SignerRecord } from '../../domain/records';
import { documentClient } from './documentClient';

/** Registered signing certificates: one partition per agency, one item per certificate. */
export class DynamoSignerRegistry implements SignerRegistry {
  constructor(private readonly tableName: string) {}

  async put(signer: SignerRecord): Promise<void> {
    await documentClient().send(new PutCommand({ TableName: this.tableName, Item: signer }));
  }

  async get(agencyId: string, fingerprint: string): Promise<SignerRecord | undefined> {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: this.tableName, Key: { agencyId, fingerprint } }),
    );
    return Item as SignerRecord | undefined;
  }

  async list(agencyId: string): Promise<SignerRecord[]> {
    const items: SignerRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await documentClient().send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'agencyId = :agencyId',
          ExpressionAttributeValues: { ':agencyId': agencyId },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...((page.Items ?? []) as SignerRecord[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
