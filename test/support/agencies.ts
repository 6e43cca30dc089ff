import { readFileSync } from 'node:fs';
import { type AgencyCredential, generateAgencyKey, signRequest } from '#shared/client/signRequest';
import type { AgencyDirectory, Clock } from '#shared/domain/ports';
import type { Agency, SignaturePolicy } from '#shared/domain/records';
import { type RegisterAgencyOptions, registerAgency } from '#shared/services/registerAgency';
import type { FakeExchange, FakeInbox, FakePayloads, FakeQueue } from './fakes';

/** Agencies named in the sample messages under samples/edxml. */
export const GOVERNMENT_OFFICE = '000.00.00.G22';
export const NGHE_AN = '000.00.00.H41';
export const CAO_BANG = '000.00.00.H14';
export const HAI_PHONG = '000.00.00.G17';
export const HOA_TIEN = '000.00.00.A80';
export const HOA_SON = '28.22.H17';
/** A registered agency that no sample sends to. */
export const OUTSIDER = '000.00.00.Z99';

/** dc0bdef0-….edxml: from the Government Office to three provinces. */
export const THREE_PROVINCES_FILE = 'dc0bdef0-c7a3-4aaf-b717-777303442973.edxml';
export const THREE_PROVINCES = [NGHE_AN, CAO_BANG, HAI_PHONG] as const;
/** The edXML DocumentId of that sample, which the status samples answer. */
export const SAMPLE_EDXML_ID = '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT';

const SAMPLES = new URL('../../samples/edxml/', import.meta.url);

/** A sample's exact bytes, read fresh each time so tests cannot share a buffer. */
export function sample(name: string): Buffer {
  return readFileSync(new URL(name, SAMPLES));
}

/** A sample as text, for tests that derive a variant of it. */
export function sampleText(name: string): string {
  return sample(name).toString('utf8');
}

export interface AgencySpec {
  readonly agencyId: string;
  readonly webhookUrl?: string;
  /** Units whose documents the agency may send (their OrganId in `From`). */
  readonly sendsFor?: readonly string[];
  /** `report` unless a test needs another: it records, never refuses. */
  readonly signaturePolicy?: SignaturePolicy;
}

/** One request as an agency's software would sign it. */
export interface RequestToSign {
  readonly method: string;
  readonly path: string;
  readonly query?: Record<string, string>;
  readonly body?: Uint8Array;
  /** Default: the clock the agency was registered with. */
  readonly now?: Date;
  readonly nonce?: string;
}

export interface Registered {
  readonly agency: Agency;
  /** The private half stays here, with the test that plays the agency. */
  readonly credential: AgencyCredential;
  /** The public half as the operator registered it (DER SPKI, base64). */
  readonly publicKeySpki: string;
  /** LT1-ES256 headers for one request, timed by the registration clock. */
  signedHeaders(request: RequestToSign): Record<string, string>;
}

/** The key id every test agency registers its one key under. */
export const TEST_KEY_ID = 'test-1';

/** LT1-ES256 headers for `request`, signed by `credential` at `clock`'s time. */
export function signedWith(
  credential: AgencyCredential,
  clock: Clock,
): (request: RequestToSign) => Record<string, string> {
  return (request) => signRequest(credential, { ...request, now: request.now ?? clock.now() });
}

/**
 * Registers agencies through the real service, as an operator would: each
 * gets a fresh P-256 key whose public half is registered, and the record,
 * credential and a signer come back by id. A bare id is an inbox agency.
 */
export async function registerAgencies(
  deps: { directory: AgencyDirectory; clock: Clock },
  specs: readonly (string | AgencySpec)[],
  options: RegisterAgencyOptions = {},
): Promise<Map<string, Registered>> {
  const registered = new Map<string, Registered>();
  for (const spec of specs) {
    const input: AgencySpec = typeof spec === 'string' ? { agencyId: spec } : spec;
    const { privateKey, publicKeySpki } = generateAgencyKey();
    const { agency } = await registerAgency(
      deps,
      {
        agencyId: input.agencyId,
        name: `Agency ${input.agencyId}`,
        ...(input.webhookUrl ? { webhookUrl: input.webhookUrl } : {}),
        keys: [{ keyId: TEST_KEY_ID, publicKeySpki }],
        signaturePolicy: input.signaturePolicy ?? 'report',
        ...(input.sendsFor ? { sendsFor: input.sendsFor } : {}),
      },
      options,
    );
    const credential: AgencyCredential = {
      agencyId: input.agencyId,
      keyId: TEST_KEY_ID,
      privateKey,
    };
    registered.set(input.agencyId, {
      agency,
      credential,
      publicKeySpki,
      signedHeaders: signedWith(credential, deps.clock),
    });
  }
  return registered;
}

/** The registration of `agencyId`, failing loudly when the test did not register it. */
export function registeredAs(all: ReadonlyMap<string, Registered>, agencyId: string): Registered {
  const found = all.get(agencyId);
  if (!found) throw new Error(`${agencyId} was not registered in this test`);
  return found;
}

/**
 * A credential that claims to be `agencyId` under its registered key id but
 * holds a key the axis never saw: what an impostor could produce.
 */
export function impostorOf(agencyId: string, keyId = TEST_KEY_ID): AgencyCredential {
  return { agencyId, keyId, privateKey: generateAgencyKey().privateKey };
}

/** How much each fake holds: all zero means a call left nothing behind. */
export function storedCounts(deps: {
  exchange: FakeExchange;
  payloads: FakePayloads;
  inbox: FakeInbox;
  verifyQueue: FakeQueue<unknown>;
  routeQueue: FakeQueue<unknown>;
}) {
  return {
    payloads: deps.payloads.objects.size,
    messages: deps.exchange.messages.size,
    documents: deps.exchange.documents.size,
    deliveries: deps.exchange.deliveries.size,
    statuses: deps.exchange.statuses.size,
    progress: deps.exchange.progress.size,
    inbox: deps.inbox.items.size,
    verifyQueue: deps.verifyQueue.sent.length,
    routeQueue: deps.routeQueue.sent.length,
  };
}

export const NOTHING_STORED = {
  payloads: 0,
  messages: 0,
  documents: 0,
  deliveries: 0,
  statuses: 0,
  progress: 0,
  inbox: 0,
  verifyQueue: 0,
  routeQueue: 0,
} as const;
