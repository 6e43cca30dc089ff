/**
 * A throw-away PKI shaped like the Government's specialised one (a root, an
 * intermediate CA for state agencies, signer certificates), generated at test
 * time with @peculiar/x509 on Node's WebCrypto. Nothing here is a real
 * certificate or key.
 *
 * RSA key generation is the slow part (about half a second per key), so a PKI
 * makes three keys and everything issued later reuses the leaf's key unless
 * given another; {@link TestPki.generateKeys} makes more when a test needs a
 * distinct key.
 */
import 'reflect-metadata';
import { createPrivateKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(globalThis.crypto);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** RSASSA-PKCS1-v1_5 with SHA-256 and 2048-bit keys: what the national PKI issues. */
export const TEST_KEY_ALGORITHM = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;

export const { KeyUsageFlags } = x509;

export interface TestCertificate {
  readonly certificate: x509.X509Certificate;
  readonly der: Uint8Array;
  readonly pem: string;
  readonly keys: CryptoKeyPair;
  /** PKCS#8 PEM of the private key, as signing tools take it. */
  readonly privateKeyPem: string;
  /** Lower-case hex, as the certificate carries it. */
  readonly serialNumber: string;
  readonly subject: string;
}

export interface IssueOptions {
  readonly subject?: string;
  /** Default: the intermediate for leaves, the root for CAs. */
  readonly issuer?: TestCertificate;
  /** Default: the PKI's leaf key pair, to save key generation. */
  readonly keys?: CryptoKeyPair;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** KeyUsageFlags bits; `null` leaves the extension out. */
  readonly keyUsages?: number | null;
  /** basicConstraints cA; `null` leaves the extension out. */
  readonly ca?: boolean | null;
  readonly pathLength?: number;
  readonly serialNumber?: string;
  /** Added after the usual extensions. */
  readonly extensions?: readonly x509.Extension[];
  /** Sign with this key instead of the issuer's: a forgery naming that issuer. */
  readonly signingKey?: CryptoKey;
  /** Default {@link TEST_KEY_ALGORITHM}; must suit `signingKey` when both are given. */
  readonly signingAlgorithm?: { readonly name: string; readonly hash: string };
}

export interface RevokedEntry {
  readonly serialNumber: string;
  readonly revocationDate: Date;
  readonly reason?: x509.X509CrlReason;
}

export interface CrlOptions {
  readonly issuer: TestCertificate;
  readonly revoked?: readonly RevokedEntry[];
  /** Default: the PKI's `now` minus a day. */
  readonly thisUpdate?: Date;
  /** Default: `thisUpdate` plus a week; `null` leaves the field out. */
  readonly nextUpdate?: Date | null;
  /** Sign with this key instead of the issuer's (a forged CRL). */
  readonly signingKey?: CryptoKey;
  readonly extensions?: readonly x509.Extension[];
}

export interface TestPki {
  /** The instant validity periods are laid around. */
  readonly now: Date;
  readonly root: TestCertificate;
  readonly intermediate: TestCertificate;
  readonly leaf: TestCertificate;
  /** A signer certificate, by default issued by the intermediate for the leaf's key. */
  issueLeaf(options?: IssueOptions): Promise<TestCertificate>;
  /** A CA certificate, by default issued by the root for the intermediate's key. */
  issueCa(options?: IssueOptions): Promise<TestCertificate>;
  /** Another self-signed root (a new key unless `keys` is given). */
  createRoot(options?: IssueOptions): Promise<TestCertificate>;
  /** A DER CRL of `issuer`. */
  createCrl(options: CrlOptions): Promise<Uint8Array>;
  generateKeys(): Promise<CryptoKeyPair>;
}

export interface TestPkiOptions {
  /** Default: the current time. Fix it for tests that depend on dates. */
  readonly now?: Date;
  /** Distinguishes the names of several PKIs in one test. */
  readonly label?: string;
  /**
   * Key pairs to use instead of generating them, to save time: a second PKI
   * can run on a single new key for all three roles, since certificates are
   * told apart by name and signature, not by key alone.
   */
  readonly keys?: {
    readonly root?: CryptoKeyPair;
    readonly intermediate?: CryptoKeyPair;
    readonly leaf?: CryptoKeyPair;
  };
}

/**
 * Creates a root, an intermediate and a leaf, valid around `now`: the root
 * for 20 years, the intermediate for 14, the leaf from 30 days before to a
 * year after.
 *
 * @example
 * const pki = await createTestPki({ now: new Date('2025-06-01T00:00:00Z') });
 * const expired = await pki.issueLeaf({ notAfter: new Date('2025-01-01T00:00:00Z') });
 * const crl = await pki.createCrl({
 *   issuer: pki.intermediate,
 *   revoked: [{ serialNumber: pki.leaf.serialNumber, revocationDate: pki.now }],
 * });
 */
export async function createTestPki(options: TestPkiOptions = {}): Promise<TestPki> {
  const now = options.now ?? new Date();
  const label = options.label ?? 'Test';
  const at = (days: number) => new Date(now.getTime() + days * DAY_MS);
  const given = options.keys ?? {};
  const [rootKeys, intermediateKeys, leafKeys] = await Promise.all([
    given.root ?? generateKeys(),
    given.intermediate ?? generateKeys(),
    given.leaf ?? generateKeys(),
  ]);

  const createRoot = (keys: CryptoKeyPair, issue: IssueOptions = {}): Promise<TestCertificate> =>
    createSelfSigned({
      subject: `CN=${label} RootCA chuyên dùng Chính phủ G2, O=Ban Cơ yếu Chính phủ, C=VN`,
      notBefore: at(-5 * 365),
      notAfter: at(15 * 365),
      keyUsages: x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
      ca: true,
      ...issue,
      keys,
    });
  const root = await createRoot(rootKeys);

  const issueCa = (issue: IssueOptions = {}): Promise<TestCertificate> =>
    issueCertificate({
      subject: `CN=${label} CA phục vụ các cơ quan Nhà nước, O=Ban Cơ yếu Chính phủ, C=VN`,
      issuer: root,
      notBefore: at(-4 * 365),
      notAfter: at(10 * 365),
      keyUsages:
        x509.KeyUsageFlags.keyCertSign |
        x509.KeyUsageFlags.cRLSign |
        x509.KeyUsageFlags.digitalSignature,
      ca: true,
      pathLength: 0,
      ...issue,
      keys: issue.keys ?? intermediateKeys,
    });
  const intermediate = await issueCa();

  const issueLeaf = (issue: IssueOptions = {}): Promise<TestCertificate> =>
    issueCertificate({
      subject: `CN=${label} Văn phòng Chính phủ, O=Văn phòng Chính phủ, C=VN`,
      issuer: intermediate,
      notBefore: at(-30),
      notAfter: at(365),
      keyUsages: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
      ca: false,
      ...issue,
      keys: issue.keys ?? leafKeys,
    });
  const leaf = await issueLeaf();

  const createCrl = async (crl: CrlOptions): Promise<Uint8Array> => {
    const thisUpdate = crl.thisUpdate ?? at(-1);
    const nextUpdate =
      crl.nextUpdate === null
        ? undefined
        : (crl.nextUpdate ?? new Date(thisUpdate.getTime() + 7 * DAY_MS));
    const generated = await x509.X509CrlGenerator.create({
      issuer: crl.issuer.certificate.subjectName,
      thisUpdate,
      nextUpdate,
      signingAlgorithm: TEST_KEY_ALGORITHM,
      signingKey: crl.signingKey ?? crl.issuer.keys.privateKey,
      entries: (crl.revoked ?? []).map((entry) => ({ ...entry })),
      extensions: [
        await x509.AuthorityKeyIdentifierExtension.create(crl.issuer.keys.publicKey),
        ...(crl.extensions ?? []),
      ],
    });
    return new Uint8Array(generated.rawData);
  };

  return {
    now,
    root,
    intermediate,
    leaf,
    issueLeaf,
    issueCa,
    createRoot: async (issue = {}) => createRoot(issue.keys ?? (await generateKeys()), issue),
    createCrl,
    generateKeys,
  };
}

export async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(TEST_KEY_ALGORITHM, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
}

interface CertificateSpec extends IssueOptions {
  readonly subject: string;
  readonly keys: CryptoKeyPair;
}

async function createSelfSigned(spec: CertificateSpec): Promise<TestCertificate> {
  const certificate = await x509.X509CertificateGenerator.create({
    subject: spec.subject,
    issuer: spec.subject,
    publicKey: spec.keys.publicKey,
    signingKey: spec.keys.privateKey,
    signingAlgorithm: TEST_KEY_ALGORITHM,
    serialNumber: spec.serialNumber ?? randomSerial(),
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    extensions: await extensionsFor(spec, spec.keys.publicKey),
  });
  return wrap(certificate, spec.keys);
}

async function issueCertificate(spec: CertificateSpec): Promise<TestCertificate> {
  const issuer = spec.issuer;
  if (!issuer) throw new Error('issueCertificate needs an issuer');
  const certificate = await x509.X509CertificateGenerator.create({
    subject: spec.subject,
    issuer: issuer.certificate.subjectName,
    publicKey: spec.keys.publicKey,
    signingKey: spec.signingKey ?? issuer.keys.privateKey,
    signingAlgorithm: spec.signingAlgorithm ?? TEST_KEY_ALGORITHM,
    serialNumber: spec.serialNumber ?? randomSerial(),
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    extensions: await extensionsFor(spec, issuer.keys.publicKey),
  });
  return wrap(certificate, spec.keys);
}

async function extensionsFor(
  spec: CertificateSpec,
  issuerKey: CryptoKey,
): Promise<x509.Extension[]> {
  const extensions: x509.Extension[] = [];
  if (spec.ca !== null && spec.ca !== undefined) {
    extensions.push(new x509.BasicConstraintsExtension(spec.ca, spec.pathLength, true));
  }
  if (spec.keyUsages !== null && spec.keyUsages !== undefined) {
    extensions.push(new x509.KeyUsagesExtension(spec.keyUsages, true));
  }
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(spec.keys.publicKey));
  extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuerKey));
  return [...extensions, ...(spec.extensions ?? [])];
}

async function wrap(
  certificate: x509.X509Certificate,
  keys: CryptoKeyPair,
): Promise<TestCertificate> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    certificate,
    der: new Uint8Array(certificate.rawData),
    pem: certificate.toString('pem'),
    keys,
    privateKeyPem: createPrivateKey({
      key: Buffer.from(pkcs8),
      format: 'der',
      type: 'pkcs8',
    })
      .export({ format: 'pem', type: 'pkcs8' })
      .toString(),
    serialNumber: certificate.serialNumber,
    subject: certificate.subject,
  };
}

/** 16 random octets, high bit clear so the INTEGER stays positive without padding. */
function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = ((bytes[0] as number) & 0x7f) | 0x01;
  return Buffer.from(bytes).toString('hex');
}
