import type { ConnectionRecord, DeliveryChannel } from './records';

/**
 * What operators read first about a link: is this agency (or the national
 * axis) reachable right now? Derived on read from the agency's
 * ConnectionRecord and the time, never stored, so changing a threshold
 * changes every answer at once and nothing needs migrating.
 *
 * - `connected`: the last interaction succeeded (no failure since).
 * - `degraded`: something is wrong but the link still works now and then:
 *   1 to {@link DISCONNECT_AFTER_FAILURES}-1 failures in a row, or a pull
 *   party silent for more than {@link POLL_DEGRADED_AFTER_MS}.
 * - `disconnected`: {@link DISCONNECT_AFTER_FAILURES} or more failures in a
 *   row, or a pull party silent for more than {@link POLL_DISCONNECTED_AFTER_MS}.
 * - `unknown`: no traffic yet, so nothing to judge.
 */
export type ConnectionState = 'connected' | 'degraded' | 'disconnected' | 'unknown';

/**
 * How the party is reached: a webhook is judged by the axis's deliveries to
 * it; a pull agency (`inbox`) by its own listings of its inbox; the national
 * axis link (`national`) by this axis's polls of it and its sends there.
 */
export type ConnectionKind = DeliveryChannel['mode'] | 'national';

/**
 * Failures in a row from which a link is `disconnected`. A route message is
 * received up to 5 times before it goes to the dead-letter queue, so 10 in a
 * row means at least two messages were given up on or a whole batch keeps
 * failing: a webhook that is down, not one that hiccuped.
 */
export const DISCONNECT_AFTER_FAILURES = 10;

/**
 * Silence after which a pull party is `degraded`. Document-management
 * software polls every few minutes; an hour without a listing means the
 * poller stopped or lost its key, early enough for an operator to call
 * before a working day is lost.
 */
export const POLL_DEGRADED_AFTER_MS = 60 * 60 * 1000;

/**
 * Silence after which a pull party is `disconnected`: a whole day without a
 * listing is more than a night or a restart, so documents are piling up
 * unread. Weekends will show as disconnected for agencies that switch their
 * software off, which is what operators should see.
 */
export const POLL_DISCONNECTED_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * The state of one link.
 *
 * A pull agency's liveness is its own listings only: the axis putting an
 * item in its inbox says nothing about whether the agency reads it. For the
 * national axis link, a successful send counts as contact as well as a poll.
 * A webhook agency is judged by deliveries and failures alone; it has no
 * silence rule, since a quiet webhook is one nobody sent anything to.
 */
export function connectionState(
  kind: ConnectionKind,
  record: ConnectionRecord | undefined,
  now: Date,
): ConnectionState {
  if (!record) return 'unknown';
  const failures = record.consecutiveFailures;
  if (failures >= DISCONNECT_AFTER_FAILURES) return 'disconnected';
  if (kind === 'webhook') {
    if (failures > 0) return 'degraded';
    return record.lastDeliveryAt === undefined ? 'unknown' : 'connected';
  }
  const lastContact =
    kind === 'national' ? latest(record.lastPollAt, record.lastDeliveryAt) : record.lastPollAt;
  if (lastContact === undefined) return failures > 0 ? 'degraded' : 'unknown';
  const silentMs = now.getTime() - Date.parse(lastContact);
  if (silentMs > POLL_DISCONNECTED_AFTER_MS) return 'disconnected';
  if (silentMs > POLL_DEGRADED_AFTER_MS || failures > 0) return 'degraded';
  return 'connected';
}

/** The later of two ISO-8601 instants written by `toISOString()` (which sort as text). */
function latest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}
