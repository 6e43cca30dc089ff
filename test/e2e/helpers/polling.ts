import type { AxisClient } from '#shared/client/AxisClient';
import type { InboxItem } from '#shared/domain/records';
import { waitFor } from '../../support/waitFor';

/** Every wait in these tests: checked every 100 ms, given up after `timeoutMs`. */
export function eventually<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  return waitFor(what, check, timeoutMs, 100);
}

/** Pages the agency's whole inbox through the API (at most `maxPages` pages). */
export async function wholeInbox(client: AxisClient, maxPages = 20): Promise<InboxItem[]> {
  const items: InboxItem[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const listed = await client.inbox({ limit: 50, cursor });
    items.push(...listed.items);
    cursor = listed.cursor;
    if (!cursor) return items;
  }
  throw new Error(`${client.agencyId}'s inbox has more than ${maxPages} pages`);
}

/** Lets time pass with nothing expected to happen, to show that nothing does. */
export function quietPeriod(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
