import { X509Certificate } from 'node:crypto';
import { AxisError } from '../domain/AxisError';
import { sha256Hex } from '../domain/ids';
import type { AgencyDirectory, AuditLog, Clock, SignerRegistry } from '../domain/ports';
import type { SignerRecord } from '../domain/records';

export interface ManageSignersDeps {
  readonly directory: AgencyDirectory;
  readonly signers: SignerRegistry;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

/**
 * Registers a certificate (a leader's signing certificate) as allowed to sign
 * documents for an agency. Under the `required` policy, a valid signature by
 * any other certificate is refused. Every change is audited with its actor.
 *
 * @param certificate PEM or DER
 */
export async function registerSigner(
  deps: ManageSignersDeps,
  input: { agencyId: string; certificate: Uint8Array | string; actor: string },
): Promise<SignerRecord> {
  if (!(await deps.directory.get(input.agencyId))) {
    throw new AxisError('NOT_FOUND', `no agency ${input.agencyId} is registered`);
  }
  const certificate = readCertificate(input.certificate);
  const now = deps.clock.now().toISOString();
  const record: SignerRecord = {
    agencyId: input.agencyId,
    fingerprint: sha256Hex(certificate.raw),
    subject: certificate.subject.replaceAll('\n', ', '),
    serialNumber: certificate.serialNumber.toLowerCase(),
    notAfter: new Date(certificate.validTo).toISOString(),
    certificateDer: certificate.raw.toString('base64'),
    state: 'active',
    registeredAt: now,
    registeredBy: input.actor,
  };
  await deps.signers.put(record);
  await audit(deps, 'signer.register', record, input.actor, now);
  return record;
}

/** Withdraws a certificate's right to sign for an agency; the record stays for the audit trail. */
export async function revokeSigner(
  deps: ManageSignersDeps,
  input: { agencyId: string; fingerprint: string; actor: string },
): Promise<SignerRecord> {
  const current = await deps.signers.get(input.agencyId, input.fingerprint.toLowerCase());
  if (!current) {
    throw new AxisError(
      'NOT_FOUND',
      `no signer ${input.fingerprint} is registered for ${input.agencyId}`,
    );
  }
  const now = deps.clock.now().toISOString();
  const revoked: SignerRecord = {
    ...current,
    state: 'revoked',
    revokedAt: now,
    revokedBy: input.actor,
  };
  await deps.signers.put(revoked);
  await audit(deps, 'signer.revoke', revoked, input.actor, now);
  return revoked;
}

async function audit(
  deps: ManageSignersDeps,
  action: string,
  signer: SignerRecord,
  actor: string,
  at: string,
): Promise<void> {
  await deps.audit.record({
    at,
    actor,
    action,
    subject: signer.agencyId,
    detail: { fingerprint: signer.fingerprint, subject: signer.subject },
  });
}

function readCertificate(input: Uint8Array | string): X509Certificate {
  try {
    return new X509Certificate(typeof input === 'string' ? input : Buffer.from(input));
  } catch {
    throw new AxisError('INVALID_PARAMETER', 'the certificate is neither PEM nor DER X.509');
  }
}
