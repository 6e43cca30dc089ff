import { publicApiHandler } from '#shared/http/apiHandler';
import { jsonResponse } from '#shared/http/responses';
import { CachedHealth, checkHealth, type HealthProbe } from '#shared/observability/health';
import { logger } from '#shared/observability/logger';
import { probesFromEnvironment } from './probes';

/** How long a warm function answers from its last check. */
export const HEALTH_CACHE_MS = 15_000;

/**
 * Builds the GET /v1/health handler over a set of probes (fakes in tests).
 *
 * The route is public, like the axis's keys: monitors and load-balancer
 * checks cannot sign requests, and the answer holds only component names and
 * ok/failing. The cache bounds what anonymous polling can cost in AWS calls.
 */
export function healthHandler(probes: () => readonly HealthProbe[]) {
  let health: CachedHealth | undefined;
  return publicApiHandler(async () => {
    health ??= new CachedHealth(async () => {
      const { report, failures } = await checkHealth(probes());
      // Reasons go to the operators' log, never into the public answer.
      for (const failure of failures) logger.warn('health check failing', failure);
      return report;
    }, HEALTH_CACHE_MS);
    const report = await health.current();
    // jsonResponse marks the answer no-store: a cached "ok" would hide an outage.
    return jsonResponse(report.status === 'ok' ? 200 : 503, report);
  });
}

/** GET /v1/health: 200 when every table, queue, the bucket and the key answer; 503 if not. */
export const handler = healthHandler(() => probesFromEnvironment());
