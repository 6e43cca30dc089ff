import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import { documentIdFor, sha256Hex } from '#shared/domain/ids';
import type { Agency } from '#shared/domain/records';
import type { Dependencies } from '#shared/runtime/dependencies';
import { registerSigner } from '#shared/services/manageSigners';
import { submitDocument } from '#shared/services/submitDocument';
import { verifyDocument } from '#shared/services/verifyDocument';
import { signEnvelope } from '#shared/signature/signEnvelope';
import { fakeDependencies } from '../test/support/fakes';
import { createTestPki } from '../test/support/testPki';
import { mean, variantOf } from './stats';

/**
 * The verify step's cost per document beside the floor it cannot go under:
 * the cryptography the step must do anyway on the same bytes.
 */
const SENDER = '000.00.00.G22';
const RECIPIENTS = ['000.00.00.H41', '000.00.00.H14', '000.00.00.G17'];

const agency = (agencyId: string): Agency => ({
  agencyId,
  name: agencyId,
  channel: { mode: 'inbox' },
  keys: [],
  signaturePolicy: 'required',
  sendsFor: [],
  registeredAt: new Date(0).toISOString(),
});

/**
 * Bare crypto for one signed document: SHA-256 of the bytes, the RSA-2048
 * verifications of the envelope signature and of the two certificates of its
 * path, and the ECDSA P-256 signature of the receipt.
 */
export function measureFloor(documents: readonly Uint8Array[]): number {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signedInfo = Buffer.alloc(600, 1);
  const rsaSignature = sign('sha256', signedInfo, rsa.privateKey);
  const started = performance.now();
  for (const bytes of documents) {
    const digest = createHash('sha256').update(bytes).digest('hex');
    for (let i = 0; i < 3; i++) verify('sha256', signedInfo, rsa.publicKey, rsaSignature);
    sign('sha256', Buffer.from(JSON.stringify({ digest })), ec.privateKey);
  }
  return (performance.now() - started) / documents.length;
}

/** Signed variants of a sample, their signer registered, the test PKI loaded as trust. */
export async function signedDocuments(deps: Dependencies, sample: string, count: number) {
  const pki = await createTestPki({ label: 'Bench' });
  await deps.trust.add('anchors', 'bench-root.cer', pki.root.der);
  await deps.trust.add('intermediates', 'bench-intermediate.cer', pki.intermediate.der);
  for (const id of [SENDER, ...RECIPIENTS]) await deps.directory.put(agency(id));
  await registerSigner(
    { ...deps, clock: { now: () => new Date() } },
    { agencyId: SENDER, certificate: pki.leaf.der, actor: 'bench' },
  );
  return Array.from({ length: count }, (_, index) =>
    signEnvelope(variantOf(sample, index), {
      privateKey: pki.leaf.privateKeyPem,
      certificateDer: pki.leaf.der,
    }),
  );
}

/**
 * The verify service with in-memory stores and a local key: what the axis's
 * own code adds (envelope and path checks, the receipt, the fan-out) without
 * any network round trip. Returns the mean time per document.
 */
export async function measureInProcess(sample: string, count: number) {
  const deps = fakeDependencies();
  const documents = await signedDocuments(deps, sample, count);
  const ids = await submitAll(deps, documents);
  const started = performance.now();
  const outcomes = new Map<string, number>();
  for (const documentId of ids) {
    const outcome = await verifyDocument(deps, { documentId });
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  }
  return { ms: (performance.now() - started) / count, documents, outcomes };
}

/** The same service with the real adapters against whatever AWS endpoints are configured. */
export async function measureWithAdapters(deps: Dependencies, sample: string, count: number) {
  const documents = await signedDocuments(deps, sample, count);
  const ids = await submitAll(deps, documents);
  const timings: number[] = [];
  for (const documentId of ids) {
    const started = performance.now();
    await verifyDocument(deps, { documentId });
    timings.push(performance.now() - started);
  }
  return mean(timings);
}

async function submitAll(deps: Dependencies, documents: readonly Uint8Array[]) {
  const sender = agency(SENDER);
  const ids: string[] = [];
  for (const bytes of documents) {
    await submitDocument({ ...deps, verifyQueue: { send: async () => {} } }, sender, bytes);
    ids.push(documentIdFor(sender.agencyId, sha256Hex(bytes)));
  }
  return ids;
}
