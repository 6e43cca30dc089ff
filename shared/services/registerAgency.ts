import { hashSecret } from '../auth/authenticateAgency';
import { AxisError } from '../domain/AxisError';
import { newSecret } from '../domain/ids';
import type { AgencyDirectory, Clock } from '../domain/ports';
import type { Agency, DeliveryChannel } from '../domain/records';

export interface RegisterAgencyInput {
  readonly agencyId: string;
  readonly name: string;
  /** Omit for a pull-only agency that reads its inbox. */
  readonly webhookUrl?: string;
}

export interface RegisterAgencyOptions {
  /**
   * Plain HTTP webhooks on the loopback interface, for the local runtime and
   * its demo only. Deployed axes deliver over HTTPS.
   */
  readonly allowLoopbackHttp?: boolean;
}

const AGENCY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Registers (or re-registers) an agency and issues it a new API secret. The
 * secret is returned once and only its hash is kept; registering again
 * replaces the secret.
 */
export async function registerAgency(
  deps: { directory: AgencyDirectory; clock: Clock },
  input: RegisterAgencyInput,
  options: RegisterAgencyOptions = {},
): Promise<{ agency: Agency; secret: string }> {
  if (!AGENCY_ID.test(input.agencyId)) {
    throw new AxisError('INVALID_PARAMETER', `"${input.agencyId}" is not a usable OrganId`);
  }
  if (input.name.trim() === '') {
    throw new AxisError('INVALID_PARAMETER', 'an agency needs a name');
  }
  const channel = deliveryChannel(input.webhookUrl, options);
  const secret = newSecret();
  const agency: Agency = {
    agencyId: input.agencyId,
    name: input.name.trim(),
    channel,
    credentialHash: hashSecret(secret),
    registeredAt: deps.clock.now().toISOString(),
  };
  await deps.directory.put(agency);
  return { agency, secret };
}

function deliveryChannel(url: string | undefined, options: RegisterAgencyOptions): DeliveryChannel {
  if (url === undefined) return { mode: 'inbox' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AxisError('INVALID_PARAMETER', 'the webhook URL is not a URL');
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  const allowed =
    parsed.protocol === 'https:' ||
    (parsed.protocol === 'http:' && loopback && options.allowLoopbackHttp === true);
  if (!allowed || parsed.username || parsed.password) {
    throw new AxisError(
      'INVALID_PARAMETER',
      'a webhook must be an https:// URL without credentials in it',
    );
  }
  return { mode: 'webhook', url: parsed.toString() };
}
