import { describe, expect, it, vi } from 'vitest';
import { QUEUES, TABLES } from '#shared/config/wiring';
import { CachedHealth, checkHealth, type HealthProbe } from '#shared/observability/health';
import { useDependencies } from '#shared/runtime/dependencies';
import { healthHandler } from '../../../functions/health/index';
import { probesFromEnvironment } from '../../../functions/health/probes';
import { apiEvent, lambdaContext } from '../../integration/helpers/lambdaEvents';
import { fakeDependencies } from '../../support/fakes';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const ok = (component: string): HealthProbe => ({ component, check: async () => {} });
const failing = (component: string, message: string): HealthProbe => ({
  component,
  check: async () => {
    throw new Error(message);
  },
});

describe('checkHealth', () => {
  it('is ok when every component answers', async () => {
    const { report, failures } = await checkHealth([ok('table:a'), ok('queue:b')]);
    expect(report.status).toBe('ok');
    expect(report.components).toEqual([
      { name: 'table:a', status: 'ok' },
      { name: 'queue:b', status: 'ok' },
    ]);
    expect(failures).toEqual([]);
  });

  it('names the failing component and keeps the reason out of the report', async () => {
    const secret = 'arn:aws:sqs:ap-southeast-1:123456789012:secret-queue does not exist';
    const { report, failures } = await checkHealth([ok('table:a'), failing('queue:b', secret)]);
    expect(report.status).toBe('failing');
    expect(report.components).toContainEqual({ name: 'queue:b', status: 'failing' });
    expect(JSON.stringify(report)).not.toContain('123456789012');
    expect(failures).toEqual([{ name: 'queue:b', error: `Error: ${secret}` }]);
  });
});

describe('CachedHealth', () => {
  it('answers from its last report until it expires', async () => {
    let now = 0;
    const run = vi.fn(async () => (await checkHealth([ok('table:a')])).report);
    const health = new CachedHealth(run, 15_000, () => now);
    await health.current();
    now = 14_999;
    await health.current();
    expect(run).toHaveBeenCalledTimes(1);
    now = 15_000;
    await health.current();
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('shares one check among callers that arrive while it runs', async () => {
    const run = vi.fn(async () => (await checkHealth([ok('table:a')])).report);
    const health = new CachedHealth(run, 15_000);
    await Promise.all([health.current(), health.current(), health.current()]);
    expect(run).toHaveBeenCalledTimes(1);
  });
});

describe('GET /v1/health', () => {
  const call = async (probes: HealthProbe[]) => {
    useDependencies(fakeDependencies());
    const handler = healthHandler(() => probes);
    const event = apiEvent({ routeKey: 'GET /v1/health', path: '/v1/health' });
    return handler(event, lambdaContext('health'));
  };

  it('answers 200 without credentials when all is well', async () => {
    const response = await call([ok('table:exchange'), ok('key:signing')]);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({ status: 'ok' });
    expect(response.headers?.['cache-control']).toBe('no-store');
  });

  it('answers 503 naming the failing component', async () => {
    const response = await call([ok('table:exchange'), failing('queue:route', 'gone')]);
    expect(response.statusCode).toBe(503);
    const body = JSON.parse(response.body ?? '{}');
    expect(body.status).toBe('failing');
    expect(body.components).toContainEqual({ name: 'queue:route', status: 'failing' });
    expect(response.body).not.toContain('gone');
  });
});

describe('probes from the environment', () => {
  it('checks every wiring table, queue and dead-letter queue, the bucket and the key', () => {
    const names = probesFromEnvironment({}).map((probe) => probe.component);
    expect(names).toEqual([
      ...Object.keys(TABLES).map((table) => `table:${table}`),
      ...Object.keys(QUEUES).map((queue) => `queue:${queue}`),
      ...Object.keys(QUEUES).map((queue) => `dead-letters:${queue}`),
      'bucket:payloads',
      'key:signing',
    ]);
  });

  it('reports an unconfigured component as failing, without calling AWS', async () => {
    const { report } = await checkHealth(probesFromEnvironment({}));
    expect(report.status).toBe('failing');
    expect(report.components.every((component) => component.status === 'failing')).toBe(true);
  });
});
