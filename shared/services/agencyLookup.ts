import { AxisError } from '../domain/AxisError';
import type { AgencyDirectory, NationalDirectory } from '../domain/ports';
import type { DirectoryEntry } from '../domain/records';

/**
 * What any agency may learn about another: who it is, where it sits in the
 * tree and whether this axis can deliver to it. Keys, channels and webhook
 * URLs of connected agencies are never part of it.
 */
export interface AgencyListing {
  readonly id: string;
  readonly name: string;
  readonly parentId: string | null;
  readonly connected: boolean;
}

export const AGENCY_PAGE_MAX = 100;

/** The characters an identifier may hold, so a prefix is one too. */
const PREFIX = /^[A-Za-z0-9._-]{0,64}$/;

interface LookupDeps {
  readonly nationalDirectory: NationalDirectory;
  readonly directory: AgencyDirectory;
}

/**
 * GET /v1/agencies: a page of the national directory by identifier prefix,
 * each entry marked with whether it is connected to this axis.
 */
export async function listAgencies(
  deps: LookupDeps,
  query: { prefix?: string; limit?: string; cursor?: string },
): Promise<{ items: AgencyListing[]; cursor?: string }> {
  const prefix = query.prefix ?? '';
  if (!PREFIX.test(prefix)) {
    throw new AxisError('INVALID_PARAMETER', 'prefix may hold only letters, digits, ".", "_", "-"');
  }
  const limit = query.limit === undefined ? AGENCY_PAGE_MAX : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > AGENCY_PAGE_MAX) {
    throw new AxisError(
      'INVALID_PARAMETER',
      `limit must be a whole number from 1 to ${AGENCY_PAGE_MAX}`,
    );
  }
  const page = await deps.nationalDirectory.list({ prefix, limit, cursor: query.cursor });
  const items = await Promise.all(page.items.map((entry) => listingOf(deps, entry)));
  return page.cursor === undefined ? { items } : { items, cursor: page.cursor };
}

/**
 * GET /v1/agencies/{agencyId}: the directory's entry, or for an agency
 * connected here but missing from the directory, what its registration says.
 */
export async function getAgency(deps: LookupDeps, agencyId: string): Promise<AgencyListing> {
  const entry = PREFIX.test(agencyId) ? await deps.nationalDirectory.get(agencyId) : undefined;
  if (entry) return listingOf(deps, entry);
  const registered = agencyId === '' ? undefined : await deps.directory.get(agencyId);
  if (!registered) throw new AxisError('NOT_FOUND', `no agency ${agencyId} is known to the axis`);
  return { id: registered.agencyId, name: registered.name, parentId: null, connected: true };
}

async function listingOf(deps: LookupDeps, entry: DirectoryEntry): Promise<AgencyListing> {
  // The agencies function reads registrations through the directory cache.
  const connected = (await deps.directory.get(entry.agencyId)) !== undefined;
  return { id: entry.agencyId, name: entry.name, parentId: entry.parentId ?? null, connected };
}
