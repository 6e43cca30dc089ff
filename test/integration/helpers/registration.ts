import { DynamoAgencyDirectory } from '../../../shared/adapters/dynamodb/DynamoAgencyDirectory';
import { registerAgency } from '../../../shared/services/registerAgency';
import type { Credentials } from './lambdaEvents';

export interface AgencyToRegister {
  readonly agencyId: string;
  /** Absent: a pull agency that reads its inbox. */
  readonly webhookUrl?: string;
}

/**
 * Registers agencies in the given agencies table through the real service,
 * as the operator's tool does (loopback HTTP webhooks allowed, for tests),
 * and returns each agency's credentials by id.
 */
export async function registerAll(
  agenciesTable: string,
  agencies: readonly AgencyToRegister[],
): Promise<Map<string, Credentials>> {
  const deps = {
    directory: new DynamoAgencyDirectory(agenciesTable),
    clock: { now: () => new Date() },
  };
  const credentials = new Map<string, Credentials>();
  for (const agency of agencies) {
    const { secret } = await registerAgency(
      deps,
      {
        agencyId: agency.agencyId,
        name: `Agency ${agency.agencyId}`,
        webhookUrl: agency.webhookUrl,
      },
      { allowLoopbackHttp: true },
    );
    credentials.set(agency.agencyId, { agencyId: agency.agencyId, secret });
  }
  return credentials;
}

/** The credentials of `agencyId`, failing loudly when it was not registered. */
export function credentialsOf(all: ReadonlyMap<string, Credentials>, agencyId: string) {
  const found = all.get(agencyId);
  if (!found) throw new Error(`${agencyId} was not registered in this test`);
  return found;
}
