import { dependencies } from '#shared/runtime/dependencies';
import { registerSigner } from '#shared/services/manageSigners';
import { signEnvelope } from '#shared/signature/signEnvelope';
import { createTestPki, type TestCertificate } from '../../test/support/testPki';
import type { DemoLog } from './DemoLog';

/**
 * The demo's stand-in for the Government specialised PKI: a test root that
 * the operator loads as a trust anchor, an intermediate loaded from
 * configuration (signatures embed only the leader's certificate), and two
 * leaders' certificates of which only one is registered to sign for the
 * sending agency.
 */
export async function setUpDemoPki(senderId: string, log: DemoLog) {
  const pki = await createTestPki({ label: 'Demo' });
  const other = await pki.issueLeaf({ subject: 'CN=Phó Chánh Văn phòng (demo), O=Demo, C=VN' });
  const deps = dependencies();
  await deps.trust.add('anchors', 'demo-root.cer', pki.root.der);
  await deps.trust.add('intermediates', 'demo-intermediate.cer', pki.intermediate.der);
  log.add('operator', `loaded the demo root and intermediate CA as trust material`);
  const signer = await registerSigner(
    { ...deps, clock: { now: () => new Date() } },
    { agencyId: senderId, certificate: pki.leaf.der, actor: 'demo operator' },
  );
  log.add('operator', `registered ${signer.subject} to sign for ${senderId}`);

  const sign = (bytes: Uint8Array, leader: TestCertificate) =>
    signEnvelope(bytes, { privateKey: leader.privateKeyPem, certificateDer: leader.der });
  return {
    sign(bytes: Uint8Array, who: 'registered leader' | 'unregistered leader'): Uint8Array {
      return sign(bytes, who === 'registered leader' ? pki.leaf : other);
    },
  };
}
