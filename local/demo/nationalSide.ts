import { randomBytes } from 'node:crypto';
import { type NationalAxisSimulator, startNationalAxisSimulator } from '../national/simulator';
import { DEMO_AGENCIES, NATIONAL_AGENCY } from './scenario';

/** The demo's city axis as the national axis knows it. */
export const DEMO_SYSTEM_ID = 'lienthong-demo-city';

/**
 * The national axis simulator on 127.0.0.1: this axis is one connected
 * system serving the demo's agencies; Hải Phòng lives on the simulator.
 * The secret is made here and handed to the local axis, which keeps it in
 * the emulated Secrets Manager as a deployed axis would.
 */
export async function startNationalSide(): Promise<{
  simulator: NationalAxisSimulator;
  link: { url: string; systemId: string; secret: string };
}> {
  const secret = randomBytes(32).toString('base64url');
  const simulator = await startNationalAxisSimulator({
    systems: [
      {
        systemId: DEMO_SYSTEM_ID,
        secret,
        agencies: DEMO_AGENCIES.map((agency) => agency.agencyId),
      },
    ],
    nationalAgencies: [
      ...DEMO_AGENCIES.map(({ agencyId, name }) => ({ agencyId, name })),
      NATIONAL_AGENCY,
    ],
    simulatedAgencies: [NATIONAL_AGENCY.agencyId],
  });
  return { simulator, link: { url: simulator.url, systemId: DEMO_SYSTEM_ID, secret } };
}
