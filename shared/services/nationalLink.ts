import { AxisError, isAxisError } from '../domain/AxisError';
import { sha256Hex } from '../domain/ids';
import {
  type AgencyDirectory,
  type Clock,
  type ConnectionLog,
  type NationalAxis,
  NationalAxisError,
  type NationalDirectory,
  type NationalInboxItem,
} from '../domain/ports';
import { type Agency, NATIONAL_AXIS_CONNECTION } from '../domain/records';
import { parseStatus } from '../edxml/parseEdxml';
import { acceptStatus, type PendingStatusResult } from './acceptStatus';
import { checkDirectoryEntries, type DirectorySync, syncDirectory } from './importDirectory';
import type { ReportStatusDeps, ReportStatusResult } from './reportStatus';
import { receiveNationalDocument, type SubmitDocumentDeps } from './submitDocument';

/**
 * This axis's side of the link with the national axis: fetching what the
 * national axis holds for this axis's agencies, and taking its directory.
 * Sending goes the other way, through the route step (see routeMessage).
 */

export interface NationalLinkDeps extends SubmitDocumentDeps, ReportStatusDeps {
  readonly national: NationalAxis;
  readonly connections: ConnectionLog;
  readonly clock: Clock;
  /** The largest item taken in: the same limit as a submission here. */
  readonly maxBodyBytes: number;
}

/** What one poll of the national axis did. */
export interface NationalPollReport {
  /** Items the national axis listed. */
  readonly listed: number;
  /** Taken in and acknowledged as done (documents queued, statuses recorded). */
  readonly accepted: number;
  /**
   * Refused for what they are (not edXML, no local recipient, unknown
   * document...): acknowledged as failed with the code, so the national axis
   * tells their sender, and never offered again.
   */
  readonly refused: readonly { readonly nationalId: string; readonly code: string }[];
  /** Left unacknowledged after a transient failure: the next poll offers them again. */
  readonly deferred: number;
  /** Why each deferred item was left, for the log: ids and error names, never content. */
  readonly deferredReasons: readonly { readonly nationalId: string; readonly reason: string }[];
}

/**
 * Takes in the items the national axis holds for this axis, oldest first.
 *
 * An item is acknowledged as done only after it is stored and queued here,
 * so a crash at any point leaves it listed there and the next poll takes it
 * again; taking it again is harmless because documents and statuses get ids
 * from their bytes. The poll itself is recorded on the national axis link's
 * connection, which is what operators and the link alarm watch.
 *
 * @throws NationalAxisError when the national axis cannot be listed
 */
export async function pollNationalAxis(
  deps: NationalLinkDeps,
  limit: number,
): Promise<NationalPollReport> {
  let items: NationalInboxItem[];
  try {
    items = await deps.national.listReceived(limit);
  } catch (error) {
    await deps.connections.recordFailure(
      NATIONAL_AXIS_CONNECTION,
      deps.clock.now().toISOString(),
      describe(error),
    );
    throw error;
  }
  const isLocal = await localIdentities(deps.directory);

  let accepted = 0;
  const refused: { nationalId: string; code: string }[] = [];
  const deferredReasons: { nationalId: string; reason: string }[] = [];
  // One at a time: a poll is bounded by `limit`, and the national axis is a
  // shared service that should not see bursts from one city.
  for (const item of items) {
    try {
      const refusal = await takeIn(deps, item, isLocal).then(
        () => undefined,
        (error: unknown) => {
          const final = finalRefusal(error);
          if (final === undefined) throw error;
          return final;
        },
      );
      if (refusal === undefined) {
        await deps.national.acknowledge(item.nationalId, 'done');
        accepted += 1;
      } else {
        await deps.national.acknowledge(item.nationalId, 'fail', refusal.reason);
        refused.push({ nationalId: item.nationalId, code: refusal.code });
      }
    } catch (error) {
      // Taken again on the next poll: every step above is safe to repeat.
      deferredReasons.push({ nationalId: item.nationalId, reason: describe(error) });
    }
  }
  const polledAt = deps.clock.now().toISOString();
  if (deferredReasons.length > 0) {
    // A poll that leaves items behind is trouble on the link, whatever the cause.
    await deps.connections.recordPoll(NATIONAL_AXIS_CONNECTION, polledAt);
    await deps.connections.recordFailure(
      NATIONAL_AXIS_CONNECTION,
      polledAt,
      `${deferredReasons.length} item(s) left for the next poll: ${deferredReasons[0]?.reason}`,
    );
  } else {
    // Everything listed was taken: the link works, whatever failed before.
    await deps.connections.recordPoll(NATIONAL_AXIS_CONNECTION, polledAt, {
      clearsFailures: true,
    });
  }
  return {
    listed: items.length,
    accepted,
    refused,
    deferred: deferredReasons.length,
    deferredReasons,
  };
}

/**
 * Why an item can never be taken in, or undefined for a failure worth
 * another try. The item's own fault (an AxisError: not edXML, for no agency
 * here, too large...) and the national axis refusing its download for good
 * are final; anything else (AWS, the network, a digest that did not match)
 * may pass next time.
 */
function finalRefusal(error: unknown): { code: string; reason: string } | undefined {
  if (isAxisError(error)) return { code: error.code, reason: `${error.code}: ${error.message}` };
  if (error instanceof NationalAxisError && !error.retryable) {
    return { code: 'NATIONAL_AXIS_REFUSED', reason: error.message };
  }
  return undefined;
}

/**
 * Every identifier this axis speaks for: its agencies and the units they are
 * registered to send for. Nothing from the national axis may claim one of
 * them as its sender, or it could revoke or take back their documents.
 */
async function localIdentities(directory: AgencyDirectory): Promise<(id: string) => boolean> {
  const agencies = await directory.list();
  const ids = new Set(agencies.flatMap((agency) => [agency.agencyId, ...agency.sendsFor]));
  return (id) => ids.has(id);
}

/**
 * Downloads one item and routes it locally. The bytes must have the digest
 * the national axis listed: anything else is a transfer problem, tried again
 * on the next poll rather than refused.
 */
async function takeIn(
  deps: NationalLinkDeps,
  item: NationalInboxItem,
  isLocal: (id: string) => boolean,
): Promise<void> {
  if (item.size > deps.maxBodyBytes) {
    throw new AxisError(
      'PAYLOAD_TOO_LARGE',
      `the item is ${item.size} bytes; this axis takes at most ${deps.maxBodyBytes}`,
      { limitBytes: deps.maxBodyBytes },
    );
  }
  const bytes = await deps.national.download(item.nationalId);
  if (sha256Hex(bytes) !== item.sha256.toLowerCase()) {
    throw new Error(`item ${item.nationalId} arrived with another digest than listed`);
  }
  if (item.kind === 'status') await receiveNationalStatus(deps, bytes, isLocal);
  else await receiveNationalDocument(deps, bytes, isLocal);
}

/**
 * Accepts a status that an agency of another system reports through the
 * national axis: about a document one of this axis's agencies sent it (01
 * to 06, 15, 16), or a take-back request (13) for one it sent here. It is
 * checked and recorded like a status reported here: the reporter must be a
 * recipient (or, for 13, the sender) of the document it names.
 *
 * @param isLocal whether an identifier is this axis's (an agency or a unit
 *   one sends for)
 * @throws AxisError SENDER_MISMATCH when `From` names an identifier of this
 *   axis (whose statuses do not come from outside), and what acceptStatus throws
 */
export async function receiveNationalStatus(
  deps: NationalLinkDeps,
  body: Uint8Array,
  isLocal: (id: string) => boolean,
): Promise<ReportStatusResult | PendingStatusResult> {
  const reporter = parseStatus(body).from.organId;
  if (isLocal(reporter) || (await deps.directory.get(reporter))) {
    throw new AxisError(
      'SENDER_MISMATCH',
      `${reporter} belongs to this axis; its statuses do not come through the national axis`,
    );
  }
  return acceptStatus(deps, nationalPeer(reporter), body);
}

/**
 * An agency of another system as the status checks see it: the national
 * axis vouches for who it is (the link is authenticated), and it speaks for
 * itself only. It has no keys and is never stored.
 */
function nationalPeer(agencyId: string): Agency {
  return {
    agencyId,
    name: agencyId,
    channel: { mode: 'inbox' },
    keys: [],
    signaturePolicy: 'required',
    sendsFor: [],
    registeredAt: '1970-01-01T00:00:00.000Z',
  };
}

/**
 * Replaces the national directory with the national axis's own list
 * (identifier, name, parent). Entries it no longer lists are removed, but an
 * empty answer is refused: a directory that suddenly lists no agency is a
 * fault on the other side, not a country without agencies.
 *
 * @throws AxisError INVALID_PARAMETER for an empty or malformed list
 */
export async function syncNationalDirectory(deps: {
  readonly national: NationalAxis;
  readonly nationalDirectory: NationalDirectory;
  readonly clock: Clock;
}): Promise<DirectorySync> {
  const agencies = await deps.national.listAgencies();
  if (agencies.length === 0) {
    throw new AxisError(
      'INVALID_PARAMETER',
      'the national axis listed no agency; the directory was left as it was',
    );
  }
  const entries = checkDirectoryEntries(
    agencies.map((agency) => ({
      id: agency.agencyId,
      name: agency.name,
      parentId: agency.parentId ?? null,
    })),
  );
  return syncDirectory(deps, entries, { prune: true });
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 200);
  return 'unknown failure';
}
