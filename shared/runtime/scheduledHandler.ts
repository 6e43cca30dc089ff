import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { logger } from '../observability/logger';
import { metricsMiddleware } from '../observability/metrics';
import { type Dependencies, dependencies } from './dependencies';

/**
 * Wraps a job as the target of an EventBridge schedule rule: the logger
 * carries the invocation's context and the job's name, metrics are flushed
 * when it ends, and a failure is logged and thrown, so the invocation counts
 * as an error (which the Lambda error alarm sees) and the next tick runs anyway.
 */
export function scheduledHandler<R>(
  job: string,
  run: (deps: Dependencies, event: ScheduledEvent) => Promise<R>,
) {
  return middy<ScheduledEvent, R, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(metricsMiddleware())
    .handler(async (event) => {
      logger.appendKeys({ job });
      const started = Date.now();
      try {
        const result = await run(dependencies(), event);
        logger.info('scheduled job done', { durationMs: Date.now() - started });
        return result;
      } catch (error) {
        logger.error('scheduled job failed', {
          durationMs: Date.now() - started,
          error: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown',
        });
        throw error;
      }
    });
}
