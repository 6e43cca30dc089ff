import { DynamoAgencyDirectory } from '#shared/adapters/dynamodb/DynamoAgencyDirectory';
import { type AgencySpec, registerAgencies } from '../../support/agencies';
import type { Credentials } from './lambdaEvents';

export type AgencyToRegister = AgencySpec;

/**
 * Registers agencies in the given agencies table through the real service,
 * as the operator's tool does (loopback HTTP webhooks allowed, for tests):
 * each gets a fresh P-256 key, and its signing credential comes back by id.
 */
export async function registerAll(
  agenciesTable: string,
  agencies: readonly AgencyToRegister[],
): Promise<Map<string, Credentials>> {
  const registered = await registerAgencies(
    { directory: new DynamoAgencyDirectory(agenciesTable), clock: { now: () => new Date() } },
    agencies,
    { allowLoopbackHttp: true },
  );
  return new Map([...registered].map(([agencyId, { credential }]) => [agencyId, credential]));
}

/** The credentials of `agencyId`, failing loudly when it was not registered. */
export function credentialsOf(all: ReadonlyMap<string, Credentials>, agencyId: string) {
  const found = all.get(agencyId);
  if (!found) throw new Error(`${agencyId} was not registered in this test`);
  return found;
}
