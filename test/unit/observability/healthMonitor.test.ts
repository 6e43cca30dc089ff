import type { ScheduledEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HealthProbe } from '#shared/observability/health';
import { logger } from '#shared/observability/logger';
import { useDependencies } from '#shared/runtime/dependencies';
import { healthMonitorHandler } from '../../../functions/health-monitor/index';
import { lambdaContext } from '../../integration/helpers/lambdaEvents';
import { captureEmf } from '../../support/emf';
import { fakeDependencies } from '../../support/fakes';

/* Metrics are switched on before the handler loads, as Lambda would have them. */
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

const event: ScheduledEvent = {
  version: '0',
  id: 'tick-1',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-12-04T09:00:00Z',
  region: 'ap-southeast-1',
  resources: ['arn:aws:events:ap-southeast-1:123456789012:rule/health-monitor'],
  detail: {},
};

const ok = (component: string): HealthProbe => ({ component, check: async () => {} });
const failing = (component: string): HealthProbe => ({
  component,
  check: async () => {
    throw new Error('AccessDenied');
  },
});

const published = () =>
  emf.filter((line) => 'HealthCheckFailed' in line).map((line) => line.HealthCheckFailed);

describe('the scheduled health monitor', () => {
  it('publishes HealthCheckFailed 0 when every component answers', async () => {
    const run = healthMonitorHandler(() => [ok('table:exchange'), ok('queue:route')]);

    const report = await run(event, lambdaContext('health-monitor'));

    expect(report.status).toBe('ok');
    expect(published()).toEqual([0]);
  });

  it('publishes 1 and logs the failing components by name, without failing itself', async () => {
    const warn = vi.spyOn(logger, 'warn');
    const run = healthMonitorHandler(() => [
      ok('table:exchange'),
      failing('queue:route'),
      failing('bucket:payloads'),
    ]);

    const report = await run(event, lambdaContext('health-monitor'));

    expect(report.status).toBe('failing');
    expect(published()).toEqual([1]);
    expect(warn).toHaveBeenCalledWith('health check failing', {
      components: ['queue:route', 'bucket:payloads'],
    });
    const line = emf.find((entry) => 'HealthCheckFailed' in entry);
    expect(line).toMatchObject({ service: 'lienthong' });
    // The metric has the service dimension only, as the alarm reads it.
    expect(JSON.stringify(line?._aws)).toContain('"Unit":"Count"');
  });
});
