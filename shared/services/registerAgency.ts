import { createPublicKey } from 'node:crypto';
import { AxisError } from '../domain/AxisError';
import type { AgencyDirectory, Clock } from '../domain/ports';
import {
  type Agency,
  type AgencyKey,
  type DeliveryChannel,
  SIGNATURE_POLICIES,
  type SignaturePolicy,
} from '../domain/records';

export interface RegisterAgencyInput {
  readonly agencyId: string;
  readonly name: string;
  /** Omit for a pull-only agency that reads its inbox. */
  readonly webhookUrl?: string;
  /** The agency's request-signing public keys (P-256, DER SPKI base64). */
  readonly keys: ReadonlyArray<{ keyId: string; publicKeySpki: string }>;
  /** Chosen by the operator for each agency; see SignaturePolicy. */
  readonly signaturePolicy: SignaturePolicy;
  readonly sendsFor?: readonly string[];
}

export interface RegisterAgencyOptions {
  /**
   * Plain HTTP webhooks on the loopback interface, for the local runtime and
   * its demo only. Deployed axes deliver over HTTPS.
   */
  readonly allowLoopbackHttp?: boolean;
}

const AGENCY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Registers (or re-registers) an agency: its name, how it receives, the
 * public keys that sign its requests, its envelope-signature policy and the
 * units it may send for. The axis keeps no secret of the agency's.
 */
export async function registerAgency(
  deps: { directory: AgencyDirectory; clock: Clock },
  input: RegisterAgencyInput,
  options: RegisterAgencyOptions = {},
): Promise<{ agency: Agency }> {
  if (!AGENCY_ID.test(input.agencyId)) {
    throw new AxisError('INVALID_PARAMETER', `"${input.agencyId}" is not a usable OrganId`);
  }
  if (input.name.trim() === '') {
    throw new AxisError('INVALID_PARAMETER', 'an agency needs a name');
  }
  if (!SIGNATURE_POLICIES.includes(input.signaturePolicy)) {
    throw new AxisError(
      'INVALID_PARAMETER',
      `the signature policy must be one of ${SIGNATURE_POLICIES.join(', ')}`,
    );
  }
  const sendsFor = [...new Set(input.sendsFor ?? [])];
  const badUnit = sendsFor.find((unit) => !AGENCY_ID.test(unit));
  if (badUnit !== undefined) {
    throw new AxisError('INVALID_PARAMETER', `"${badUnit}" is not a usable OrganId`);
  }
  const now = deps.clock.now().toISOString();
  const agency: Agency = {
    agencyId: input.agencyId,
    name: input.name.trim(),
    channel: deliveryChannel(input.webhookUrl, options),
    keys: checkKeys(input.keys, now),
    signaturePolicy: input.signaturePolicy,
    sendsFor,
    registeredAt: now,
  };
  await deps.directory.put(agency);
  return { agency };
}

function checkKeys(keys: RegisterAgencyInput['keys'], addedAt: string): AgencyKey[] {
  if (keys.length === 0) {
    throw new AxisError('INVALID_PARAMETER', 'an agency needs at least one request-signing key');
  }
  const ids = new Set<string>();
  return keys.map(({ keyId, publicKeySpki }) => {
    if (!KEY_ID.test(keyId) || ids.has(keyId)) {
      throw new AxisError('INVALID_PARAMETER', `key id "${keyId}" is unusable or repeated`);
    }
    ids.add(keyId);
    let curve: string | undefined;
    try {
      const key = createPublicKey({
        key: Buffer.from(publicKeySpki, 'base64'),
        format: 'der',
        type: 'spki',
      });
      curve = key.asymmetricKeyDetails?.namedCurve;
    } catch {
      curve = undefined;
    }
    if (curve !== 'prime256v1') {
      throw new AxisError('INVALID_PARAMETER', `key ${keyId} is not a P-256 public key (DER SPKI)`);
    }
    return { keyId, publicKeySpki, addedAt };
  });
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
