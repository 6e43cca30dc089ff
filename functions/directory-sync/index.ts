import { logger } from '#shared/observability/logger';
import { countMetric, METRIC } from '#shared/observability/metrics';
import { scheduledHandler } from '#shared/runtime/scheduledHandler';
import { syncNationalDirectory } from '#shared/services/nationalLink';

/** Scheduled copy of the national axis's agency directory into the national directory table. */
export const handler = scheduledHandler('national-directory-sync', async (deps) => {
  const national = deps.national;
  if (!national) {
    throw new Error('the directory sync ran, but this axis is not linked to a national axis');
  }
  const sync = await syncNationalDirectory({
    national,
    nationalDirectory: deps.nationalDirectory,
    clock: deps.clock,
  }).catch((error: unknown) => {
    countMetric(METRIC.nationalLinkFailures);
    throw error;
  });
  logger.info('national directory synced', {
    added: sync.added,
    updated: sync.updated,
    unchanged: sync.unchanged,
    removed: sync.removed,
    unknownParents: sync.unknownParents.length,
  });
  return sync;
});
