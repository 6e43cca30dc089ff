import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

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
