import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';

/** Base64, as Lambda hands binary values to functions. */
function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

function lambdaAttributes(message: Message): SQSRecordAttributes {
  const system = message.Attributes ?? {};
  const attributes: SQSRecordAttributes = {
    ApproximateReceiveCount: system.ApproximateReceiveCount ?? '1',
    SentTimestamp: system.SentTimestamp ?? String(Date.now()),
    SenderId: system.SenderId ?? '',
    ApproximateFirstReceiveTimestamp: system.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
  };
  const optional = [
    'AWSTraceHeader',
    'SequenceNumber',
    'MessageGroupId',
    'MessageDeduplicationId',
    'DeadLetterQueueSourceArn',
  ] as const;
  for (const name of optional) {
    const value = system[name];
    if (value !== undefined) attributes[name] = value;
  }
  return attributes;
}

/** SQS's `StringValue`/`BinaryValue` become Lambda's camel-cased fields. */
function lambdaMessageAttributes(
  attributes: Record<string, MessageAttributeValue> | undefined,
): SQSMessageAttributes {
  const mapped: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    mapped[name] = {
      dataType: value.DataType ?? 'String',
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map(base64),
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { binaryValue: base64(value.BinaryValue) } : {}),
    };
  }
  return mapped;
}

/**
 * One received message as a record of the event Lambda's SQS event source
 * mapping delivers.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 */
export function toSqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const record: SQSRecord = {
    messageId: message.MessageId as string,
    receiptHandle: message.ReceiptHandle as string,
    body: message.Body ?? '',
    attributes: lambdaAttributes(message),
    messageAttributes: lambdaMessageAttributes(message.MessageAttributes),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
  if (message.MD5OfMessageAttributes !== undefined) {
    record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  }
  return record;
}

/** The whole batch failed: nothing may be deleted. */
export const WHOLE_BATCH = Symbol('whole batch');

/**
 * The records a handler's response reports as failed, under AWS's rules
 * for ReportBatchItemFailures: no response, no list or an empty list
 * means all succeeded; a malformed response or an itemIdentifier that is
 * empty or names no record of the batch fails the whole batch.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
export function failedMessageIds(
  response: unknown,
  records: readonly SQSRecord[],
): ReadonlySet<string> | typeof WHOLE_BATCH {
  if (response === undefined || response === null) return new Set();
  if (typeof response !== 'object' || Array.isArray(response)) return WHOLE_BATCH;
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return WHOLE_BATCH;
  const known = new Set(records.map((record) => record.messageId));
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !known.has(id)) return WHOLE_BATCH;
    failed.add(id);
  }
  return failed;
}
