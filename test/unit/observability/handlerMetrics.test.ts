import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useDependencies } from '#shared/runtime/dependencies';
import { handler as route } from '../../../functions/route/index';
import { handler as timeline } from '../../../functions/timeline/index';
import { apiEvent, lambdaContext } from '../../integration/helpers/lambdaEvents';
import { captureEmf } from '../../support/emf';
import { fakeDependencies } from '../../support/fakes';

/*
 * The wrappers publish what the handlers count, once per invocation. Metrics
 * are switched on before the handlers load, as Lambda would have them.
 */
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});

let emf: Record<string, unknown>[];

beforeEach(() => {
  useDependencies(fakeDependencies());
  emf = captureEmf();
});

afterEach(() => {
  vi.restoreAllMocks();
});

const named = (metric: string) => emf.filter((line) => metric in line);

describe('metrics from the wrappers', () => {
  it('count a refused request by its code, and nothing about the caller', async () => {
    const event = apiEvent({
      routeKey: 'GET /v1/documents/{documentId}',
      path: '/v1/documents/doc_1',
      pathParameters: { documentId: 'doc_1' },
    });
    const response = await timeline(event, lambdaContext('timeline'));
    expect(response.statusCode).toBe(401);
    const [line] = named('RequestsRefused');
    expect(line).toMatchObject({ code: 'UNAUTHENTICATED', service: 'lienthong' });
    expect(Object.keys(line ?? {}).sort()).toEqual(
      ['RequestsRefused', '_aws', 'code', 'service'].sort(),
    );
  });

  it('count a failed delivery in total and for the recipient agency', async () => {
    const recipientId = '000.00.31.H40';
    const event: SQSEvent = {
      Records: [
        {
          messageId: 'm-1',
          receiptHandle: 'h-1',
          body: JSON.stringify({ documentId: 'doc_1', messageId: 'msg_1', recipientId }),
          attributes: {
            ApproximateReceiveCount: '5',
            SentTimestamp: '1796374800000',
            SenderId: 'AIDAEXAMPLE',
            ApproximateFirstReceiveTimestamp: '1796374800001',
          },
          messageAttributes: {},
          md5OfBody: 'not-checked-here',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:ap-southeast-1:123456789012:route',
          awsRegion: 'ap-southeast-1',
        },
      ],
    };
    // The message has no record: the delivery fails, on its last allowed receive. A batch
    // whose every record failed is thrown back whole, and the metrics are flushed anyway.
    await expect(route(event, lambdaContext('route'))).rejects.toThrow(/All records failed/);
    const failed = named('DeliveriesFailed');
    expect(failed).toContainEqual(expect.objectContaining({ agencyId: recipientId }));
    expect(failed.some((line) => !('agencyId' in line))).toBe(true);
    expect(named('DeliveriesDeadLettered')).toHaveLength(1);
  });
});
