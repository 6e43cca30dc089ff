import { AxisClient } from '#shared/client/AxisClient';
import { generateAgencyKey } from '#shared/client/signRequest';
import type { SignaturePolicy } from '#shared/domain/records';
import { dependencies } from '#shared/runtime/dependencies';
import { registerAgency } from '#shared/services/registerAgency';

/**
 * For the demo, the bench and tests on a local axis: makes the agency's
 * request-signing key, registers its public half as an operator would, and
 * returns a client that signs with the private half.
 */
export async function registerLocalAgency(
  axisUrl: string,
  agency: {
    agencyId: string;
    name: string;
    webhookUrl?: string;
    signaturePolicy?: SignaturePolicy;
    sendsFor?: string[];
  },
): Promise<AxisClient> {
  const { privateKey, publicKeySpki } = generateAgencyKey();
  const keyId = 'local-1';
  await registerAgency(
    { directory: dependencies().directory, clock: { now: () => new Date() } },
    {
      ...agency,
      signaturePolicy: agency.signaturePolicy ?? 'report',
      keys: [{ keyId, publicKeySpki }],
    },
    { allowLoopbackHttp: true },
  );
  return new AxisClient(axisUrl, { agencyId: agency.agencyId, keyId, privateKey });
}
