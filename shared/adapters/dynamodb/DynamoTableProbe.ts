import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { HealthProbe } from '../../observability/health';

let client: DynamoDBClient | undefined;

/** Health of one table: it exists and is ACTIVE (being updated still serves requests). */
export class DynamoTableProbe implements HealthProbe {
  constructor(
    readonly component: string,
    private readonly tableName: string,
  ) {}

  async check(): Promise<void> {
    client ??= new DynamoDBClient({});
    const { Table } = await client.send(new DescribeTableCommand({ TableName: this.tableName }));
    const state = Table?.TableStatus;
    if (state !== 'ACTIVE' && state !== 'UPDATING') {
      throw new Error(`table is ${state ?? 'unknown'}`);
    }
  }
}
