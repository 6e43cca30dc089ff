import { GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ConnectionLog } from '../../domain/ports';
import type { ConnectionRecord } from '../../domain/records';
import { documentClient, isConditionFailure } from './documentClient';

/** A stored reason is a hint for operators, not a log: long texts are cut. */
const MAX_REASON_LENGTH = 200;

/**
 * One item per agency (and one for the national axis link), written by the
 * route, inbox and federation functions at once, from many Lambdas.
 *
 * Every write is one UpdateItem, never a read then a write, so no write can
 * lose another's. Writes may arrive out of order (a slow delivery attempt
 * reports after a quicker one), so each carries the time of what it records
 * and a condition on the times already stored:
 *
 * - a failure counts (`ADD consecutiveFailures 1`) only if no success was
 *   recorded after it: a late failure must not spoil a newer success;
 * - a success sets the count back to 0 only if no failure was recorded after
 *   it: a late success must not wipe out newer failures. Such a success still
 *   moves `lastDeliveryAt` forward, with a second conditional update that
 *   touches nothing else;
 * - a poll only moves `lastPollAt` forward.
 *
 * ADD is commutative, so failures racing each other are all counted; among
 * concurrent failures `lastFailureAt`/`lastFailure` keep whichever wrote
 * last, which is at most a few seconds off the latest one.
 */
export class DynamoConnectionLog implements ConnectionLog {
  constructor(private readonly tableName: string) {}

  async recordDelivery(agencyId: string, at: string): Promise<void> {
    const reset = await this.update(agencyId, {
      UpdateExpression: 'SET lastDeliveryAt = :at, consecutiveFailures = :zero, updatedAt = :at',
      ConditionExpression:
        '(attribute_not_exists(lastDeliveryAt) OR lastDeliveryAt <= :at) AND ' +
        '(attribute_not_exists(lastFailureAt) OR lastFailureAt <= :at)',
      ExpressionAttributeValues: { ':at': at, ':zero': 0 },
    });
    if (reset) return;
    // A newer failure (or a newer delivery) is on record: keep its count.
    await this.update(agencyId, {
      UpdateExpression:
        'SET lastDeliveryAt = :at, consecutiveFailures = if_not_exists(consecutiveFailures, :zero)',
      ConditionExpression: 'attribute_not_exists(lastDeliveryAt) OR lastDeliveryAt < :at',
      ExpressionAttributeValues: { ':at': at, ':zero': 0 },
    });
  }

  async recordFailure(agencyId: string, at: string, reason: string): Promise<void> {
    await this.update(agencyId, {
      UpdateExpression:
        'SET lastFailureAt = :at, lastFailure = :reason, updatedAt = :at ' +
        'ADD consecutiveFailures :one',
      ConditionExpression: 'attribute_not_exists(lastDeliveryAt) OR lastDeliveryAt <= :at',
      ExpressionAttributeValues: {
        ':at': at,
        ':reason': reason.slice(0, MAX_REASON_LENGTH),
        ':one': 1,
      },
    });
  }

  async recordPoll(
    agencyId: string,
    at: string,
    options: { clearsFailures?: boolean } = {},
  ): Promise<void> {
    if (options.clearsFailures) {
      // As for a delivery: a late success must not wipe out newer failures.
      const cleared = await this.update(agencyId, {
        UpdateExpression: 'SET lastPollAt = :at, updatedAt = :at, consecutiveFailures = :zero',
        ConditionExpression:
          '(attribute_not_exists(lastPollAt) OR lastPollAt < :at) AND ' +
          '(attribute_not_exists(lastFailureAt) OR lastFailureAt <= :at)',
        ExpressionAttributeValues: { ':at': at, ':zero': 0 },
      });
      if (cleared) return;
    }
    await this.update(agencyId, {
      UpdateExpression:
        'SET lastPollAt = :at, updatedAt = :at, ' +
        'consecutiveFailures = if_not_exists(consecutiveFailures, :zero)',
      ConditionExpression: 'attribute_not_exists(lastPollAt) OR lastPollAt < :at',
      ExpressionAttributeValues: { ':at': at, ':zero': 0 },
    });
  }

  async get(agencyId: string): Promise<ConnectionRecord | undefined> {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: this.tableName, Key: { agencyId }, ConsistentRead: true }),
    );
    return Item ? toRecord(Item) : undefined;
  }

  /** A Scan: one small item per agency connected here, read by operators only. */
  async list(): Promise<ConnectionRecord[]> {
    const records: ConnectionRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await documentClient().send(
        new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: start }),
      );
      records.push(...(page.Items ?? []).map(toRecord));
      start = page.LastEvaluatedKey;
    } while (start);
    return records;
  }

  /** One conditional UpdateItem; false when the condition said the write is stale. */
  private async update(
    agencyId: string,
    expression: {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeValues: Record<string, unknown>;
    },
  ): Promise<boolean> {
    try {
      await documentClient().send(
        new UpdateCommand({ TableName: this.tableName, Key: { agencyId }, ...expression }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

function toRecord(item: Record<string, unknown>): ConnectionRecord {
  const text = (name: string) => (typeof item[name] === 'string' ? item[name] : undefined);
  const fields = {
    lastDeliveryAt: text('lastDeliveryAt'),
    lastPollAt: text('lastPollAt'),
    lastFailureAt: text('lastFailureAt'),
    lastFailure: text('lastFailure'),
  };
  return {
    agencyId: String(item.agencyId),
    ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)),
    consecutiveFailures: Number(item.consecutiveFailures ?? 0),
    updatedAt: text('updatedAt') ?? '',
  };
}
