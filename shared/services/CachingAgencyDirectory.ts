import type { AgencyDirectory, Clock } from '../domain/ports';
import type { Agency } from '../domain/records';

/**
 * Keeps agencies that were found for a short while, so that a warm function
 * does not read the directory for every request and every recipient.
 *
 * Only agencies that exist are kept: an agency registered a moment ago is
 * seen at once. A change to a registered agency (a new key, a new
 * webhook) reaches a warm function within `ttlMs`.
 */
export class CachingAgencyDirectory implements AgencyDirectory {
  private readonly entries = new Map<string, { agency: Agency; expires: number }>();

  constructor(
    private readonly inner: AgencyDirectory,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  async get(agencyId: string): Promise<Agency | undefined> {
    const now = this.clock.now().getTime();
    const entry = this.entries.get(agencyId);
    if (entry && entry.expires > now) return entry.agency;
    const agency = await this.inner.get(agencyId);
    if (agency) this.entries.set(agencyId, { agency, expires: now + this.ttlMs });
    else this.entries.delete(agencyId);
    return agency;
  }

  async put(agency: Agency): Promise<void> {
    await this.inner.put(agency);
    this.entries.delete(agency.agencyId);
  }

  /** Always read through: operators listing agencies want what is registered now. */
  list(): Promise<Agency[]> {
    return this.inner.list();
  }
}
