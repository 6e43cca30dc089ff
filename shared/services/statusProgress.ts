import type { Clock, ExchangeStore } from '../domain/ports';
import { advancesStatus } from '../domain/statusCodes';

/** Conditional writes lost to a concurrent report before giving up. */
const MAX_PROGRESS_ATTEMPTS = 5;

/**
 * Moves a recipient's current processing status forward, never back, and
 * returns the status that is current afterwards. Concurrent reports are
 * settled by conditional writes. Shared by statuses reported live and those
 * applied once their document arrives, so both follow the same ordering rules.
 */
export async function advanceProgress(
  deps: { readonly exchange: ExchangeStore; readonly clock: Clock },
  documentId: string,
  reporter: string,
  statusCode: string,
  duplicate: boolean,
): Promise<string> {
  for (let attempt = 0; attempt < MAX_PROGRESS_ATTEMPTS; attempt++) {
    const current = await deps.exchange.getProgress(documentId, reporter);
    // A retried report already applied must not move a repeatable 05 again;
    // one whose first attempt stopped before this point still applies.
    if (duplicate && current?.statusCode === statusCode) return current.statusCode;
    if (!advancesStatus(current?.statusCode, statusCode)) {
      return current?.statusCode ?? statusCode;
    }
    const version = current?.version ?? 0;
    const written = await deps.exchange.putProgress(
      {
        documentId,
        agencyId: reporter,
        statusCode,
        updatedAt: deps.clock.now().toISOString(),
        version: version + 1,
      },
      version,
    );
    if (written) return statusCode;
  }
  throw new Error(`status of ${documentId} for ${reporter} kept changing under us`);
}
