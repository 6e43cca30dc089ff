import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { documentIdFor, sha256Hex } from '../shared/domain/ids';
import type { Agency } from '../shared/domain/records';
import type { Dependencies } from '../shared/runtime/dependencies';
import { submitDocument } from '../shared/services/submitDocument';
import { verifyDocument } from '../shared/services/verifyDocument';
import { fakeDependencies } from '../test/support/fakes';
import { mean, variantOf } from './stats';

/**
 * The verify step's cost per document beside the floor it cannot go under:
 * the bare SHA-256 of the bytes and one ECDSA P-256 signature.
 */
export interface VerifyCost {
  readonly floorMs: number;
  readonly inProcessMs: number;
  readonly emulatorMs?: number;
}

const agency = (agencyId: string): Agency => ({
  agencyId,
  name: agencyId,
  channel: { mode: 'inbox' },
  keys: [],
  signaturePolicy: 'report',
  sendsFor: [],
  registeredAt: new Date(0).toISOString(),
});

/** Bare crypto: SHA-256 over the document plus one P-256 signature over a small JSON. */
export function measureFloor(documents: readonly Uint8Array[]): number {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const started = performance.now();
  for (const bytes of documents) {
    const digest = createHash('sha256').update(bytes).digest('hex');
    sign('sha256', Buffer.from(JSON.stringify({ digest })), privateKey);
  }
  return (performance.now() - started) / documents.length;
}

/**
 * The verify service with in-memory stores and a local key: what the axis's
 * own code adds (parsing the envelope, building and signing the receipt,
 * fan-out) without any network round trip.
 */
export async function measureInProcess(sample: string, count: number): Promise<number> {
  const deps = fakeDependencies();
  const ids = await prepare(deps, sample, count);
  const started = performance.now();
  for (const documentId of ids) await verifyDocument(deps, { documentId });
  return (performance.now() - started) / count;
}

/** The same service with the real adapters against whatever AWS endpoints are configured. */
export async function measureWithAdapters(
  deps: Dependencies,
  sample: string,
  count: number,
): Promise<number> {
  const ids = await prepare(deps, sample, count, 1_000_000);
  const timings: number[] = [];
  for (const documentId of ids) {
    const started = performance.now();
    await verifyDocument(deps, { documentId });
    timings.push(performance.now() - started);
  }
  return mean(timings);
}

async function prepare(
  deps: Dependencies,
  sample: string,
  count: number,
  offset = 0,
): Promise<string[]> {
  const sender = agency('000.00.00.G22');
  for (const id of ['000.00.00.H41', '000.00.00.H14', '000.00.00.G17']) {
    await deps.directory.put(agency(id));
  }
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const bytes = variantOf(sample, offset + index);
    await submitDocument({ ...deps, verifyQueue: { send: async () => {} } }, sender, bytes);
    ids.push(documentIdFor(sender.agencyId, sha256Hex(bytes)));
  }
  return ids;
}
