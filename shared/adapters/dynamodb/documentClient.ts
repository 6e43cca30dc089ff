import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CreateOutcome } from '../../domain/ports';

let client: DynamoDBDocumentClient | undefined;

/**
 * One DynamoDB document client per process, created on first use so that
 * Lambda reuses its connections across invocations. Region and endpoint come
 * from the SDK's standard settings (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB).
 */
export function documentClient(): DynamoDBDocumentClient {
  client ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return client;
}

/** True when a conditional write was refused because its condition failed. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * Writes an item unless one with its key exists: the building block of every
 * write the axis must do once, whatever retries happen around it.
 *
 * @param keyAttribute an attribute of the item's key; it is absent only when no item
 *   with that key exists
 */
export async function putIfAbsent(
  tableName: string,
  item: Record<string, unknown>,
  keyAttribute: string,
): Promise<CreateOutcome> {
  try {
    await documentClient().send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#key)',
        ExpressionAttributeNames: { '#key': keyAttribute },
      }),
    );
    return 'created';
  } catch (error) {
    if (isConditionFailure(error)) return 'exists';
    throw error;
  }
}
