import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/*
 * The module decides once, when loaded, whether to publish; each test loads
 * it afresh under the environment it needs and reads what reached stdout.
 */

let written: string[];

beforeEach(() => {
  vi.resetModules();
  written = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const emfLines = () =>
  written.flatMap((chunk) => chunk.split('\n')).filter((line) => line.includes('"_aws"'));

async function load(env: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return import('#shared/observability/metrics');
}

describe('axis metrics', () => {
  it('publish nothing outside Lambda unless asked to', async () => {
    const metrics = await load({
      AWS_LAMBDA_FUNCTION_NAME: undefined,
      POWERTOOLS_METRICS_DISABLED: undefined,
    });
    metrics.countMetric(metrics.METRIC.documentsAccepted);
    metrics.countMetricBy(metrics.METRIC.requestsRefused, 'code', 'NOT_FOUND');
    metrics.flushMetrics();
    expect(emfLines()).toEqual([]);
  });

  it('write EMF in the Lienthong namespace with the service dimension', async () => {
    const metrics = await load({ POWERTOOLS_METRICS_DISABLED: 'false' });
    metrics.countMetric(metrics.METRIC.documentsAccepted);
    metrics.countMetric(metrics.METRIC.documentsAccepted);
    metrics.flushMetrics();
    const [line] = emfLines();
    const emf = JSON.parse(line ?? '{}');
    expect(emf._aws.CloudWatchMetrics[0].Namespace).toBe('Lienthong');
    expect(emf._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service']]);
    expect(emf.service).toBe('lienthong');
    // EMF keeps each count as a value; CloudWatch sums them.
    expect(emf.DocumentsAccepted).toEqual([1, 1]);
  });

  it('put a per-agency count on its own line, with the agency as a dimension', async () => {
    const metrics = await load({ POWERTOOLS_METRICS_DISABLED: 'false' });
    metrics.countMetricBy(metrics.METRIC.deliveriesFailed, 'agencyId', '000.00.31.H40');
    const emf = JSON.parse(emfLines()[0] ?? '{}');
    expect(emf._aws.CloudWatchMetrics[0].Dimensions[0]).toEqual(
      expect.arrayContaining(['service', 'agencyId']),
    );
    expect(emf.agencyId).toBe('000.00.31.H40');
    expect(emf.DeliveriesFailed).toBe(1);
  });

  it('stay silent when an invocation counted nothing', async () => {
    const metrics = await load({ POWERTOOLS_METRICS_DISABLED: 'false' });
    metrics.flushMetrics();
    expect(written).toEqual([]);
  });
});
