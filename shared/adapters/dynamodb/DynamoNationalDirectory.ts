import { BatchWriteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AxisError } from '../../domain/AxisError';
import type { NationalDirectory } from '../../domain/ports';
import type { DirectoryEntry } from '../../domain/records';
import { documentClient } from './documentClient';

/** The partition holding the national directory's entries. */
const NATIONAL = 'national';
/** DynamoDB's limit on one BatchWriteItem. */
const BATCH = 25;
/** Rounds of retrying what DynamoDB left unprocessed before giving up. */
const MAX_BATCH_ROUNDS = 8;

/**
 * The national directory in one partition sorted by identifier: a prefix
 * lookup is a single Query and a page's cursor is the last identifier.
 */
export class DynamoNationalDirectory implements NationalDirectory {
  constructor(private readonly tableName: string) {}

  async get(agencyId: string): Promise<DirectoryEntry | undefined> {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: this.tableName, Key: { directory: NATIONAL, agencyId } }),
    );
    return Item ? entryOf(Item) : undefined;
  }

  async list(page: { prefix: string; limit: number; cursor?: string }) {
    const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor, page.prefix);
    const { Items, LastEvaluatedKey } = await documentClient().send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression:
          page.prefix === ''
            ? 'directory = :directory'
            : 'directory = :directory AND begins_with(agencyId, :prefix)',
        ExpressionAttributeValues: {
          ':directory': NATIONAL,
          ...(page.prefix === '' ? {} : { ':prefix': page.prefix }),
        },
        Limit: page.limit,
        ExclusiveStartKey: after ? { directory: NATIONAL, agencyId: after } : undefined,
      }),
    );
    const last = LastEvaluatedKey?.agencyId as string | undefined;
    return {
      items: (Items ?? []).map(entryOf),
      cursor: last ? Buffer.from(last).toString('base64url') : undefined,
    };
  }

  async putAll(entries: readonly DirectoryEntry[]): Promise<void> {
    await this.write(
      entries.map((entry) => ({ PutRequest: { Item: { directory: NATIONAL, ...entry } } })),
    );
  }

  async removeAll(agencyIds: readonly string[]): Promise<void> {
    await this.write(
      agencyIds.map((agencyId) => ({
        DeleteRequest: { Key: { directory: NATIONAL, agencyId } },
      })),
    );
  }

  private async write(requests: ReadonlyArray<Record<string, unknown>>): Promise<void> {
    for (let start = 0; start < requests.length; start += BATCH) {
      let pending = requests.slice(start, start + BATCH);
      for (let round = 0; pending.length > 0; round++) {
        if (round === MAX_BATCH_ROUNDS) {
          throw new Error(`DynamoDB left ${pending.length} directory writes unprocessed`);
        }
        const { UnprocessedItems } = await documentClient().send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
        );
        pending = UnprocessedItems?.[this.tableName] ?? [];
      }
    }
  }
}

function entryOf(item: Record<string, unknown>): DirectoryEntry {
  const { directory: _partition, ...entry } = item;
  return entry as unknown as DirectoryEntry;
}

/** A cursor is the last identifier of a page; it must belong to the same lookup. */
function decodeCursor(cursor: string, prefix: string): string {
  const agencyId = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!agencyId.startsWith(prefix) || !/^[A-Za-z0-9._-]{1,64}$/.test(agencyId)) {
    throw new AxisError('INVALID_PARAMETER', 'cursor is not one this axis handed out');
  }
  return agencyId;
}
