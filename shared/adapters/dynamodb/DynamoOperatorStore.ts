import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { OperatorStore } from '../../domain/ports';
import type { OperatorRecord } from '../../domain/records';
import { documentClient } from './documentClient';

/**
 * Operators of the console, one item per operator. Items hold the SHA-256
 * of each token, never the token. Reads are strongly consistent, so a
 * revocation holds from the next request on.
 */
export class DynamoOperatorStore implements OperatorStore {
  constructor(private readonly tableName: string) {}

  async get(operatorId: string): Promise<OperatorRecord | undefined> {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: this.tableName, Key: { operatorId }, ConsistentRead: true }),
    );
    return Item as OperatorRecord | undefined;
  }

  async put(operator: OperatorRecord): Promise<void> {
    await documentClient().send(new PutCommand({ TableName: this.tableName, Item: operator }));
  }

  /** A Scan: a handful of operators. */
  async list(): Promise<OperatorRecord[]> {
    const operators: OperatorRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await documentClient().send(
        new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: start }),
      );
      operators.push(...((page.Items ?? []) as OperatorRecord[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return operators;
  }
}
