import { readFileSync } from 'node:fs';
import type { AgencyDirectory, Clock } from '../../shared/domain/ports';
import type { Agency } from '../../shared/domain/records';
import { registerAgency } from '../../shared/services/registerAgency';
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
}

export interface Registered {
  readonly agency: Agency;
  readonly secret: string;
}

/**
 * Registers agencies through the real service, as an operator would, and
 * returns each one's record and secret by id. A bare id is an inbox agency.
 */
export async function registerAgencies(
  deps: { directory: AgencyDirectory; clock: Clock },
  specs: readonly (string | AgencySpec)[],
): Promise<Map<string, Registered>> {
  const registered = new Map<string, Registered>();
  for (const spec of specs) {
    const input = typeof spec === 'string' ? { agencyId: spec } : spec;
    const result = await registerAgency(deps, { ...input, name: `Agency ${input.agencyId}` });
    registered.set(input.agencyId, result);
  }
  return registered;
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
