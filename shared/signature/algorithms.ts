/**
 * The XML-DSig algorithms the axis accepts, and the xml-crypto plug-ins that
 * carry them out. xml-crypto's own tables are replaced, not extended, by
 * these: whatever is not listed here cannot be used, even by accident.
 */
import type { BinaryLike, KeyLike } from 'node:crypto';
import { createHash, KeyObject, sign, verify } from 'node:crypto';
import type { HashAlgorithm, SignatureAlgorithm } from 'xml-crypto';
import { createOptionalCallbackFunction } from 'xml-crypto';
import { decodeBase64Strict } from './base64';

export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

/** Canonicalisations: C14N 1.0 and exclusive C14N, with or without comments. */
export const CANONICALIZATIONS = {
  c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  c14nWithComments: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  excC14nWithComments: 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
} as const;

const CANONICALIZATION_URIS: readonly string[] = Object.values(CANONICALIZATIONS);

export const EXCLUSIVE_C14N_NAMESPACE = CANONICALIZATIONS.excC14n;

export type HashName = 'sha256' | 'sha384' | 'sha512';

export const DIGEST_METHODS = {
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha384: 'http://www.w3.org/2001/04/xmldsig-more#sha384',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
} as const satisfies Record<HashName, string>;

export const SIGNATURE_METHODS = {
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  rsaSha384: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384',
  rsaSha512: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  ecdsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  ecdsaSha384: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384',
} as const;

export type SignatureMethodUri = (typeof SIGNATURE_METHODS)[keyof typeof SIGNATURE_METHODS];

/** What a signature method needs from the key and which hash it uses. */
export interface SignatureMethodSpec {
  readonly uri: SignatureMethodUri;
  readonly hash: HashName;
  readonly keyType: 'rsa' | 'ec';
}

const SIGNATURE_METHOD_SPECS: readonly SignatureMethodSpec[] = [
  { uri: SIGNATURE_METHODS.rsaSha256, hash: 'sha256', keyType: 'rsa' },
  { uri: SIGNATURE_METHODS.rsaSha384, hash: 'sha384', keyType: 'rsa' },
  { uri: SIGNATURE_METHODS.rsaSha512, hash: 'sha512', keyType: 'rsa' },
  { uri: SIGNATURE_METHODS.ecdsaSha256, hash: 'sha256', keyType: 'ec' },
  { uri: SIGNATURE_METHODS.ecdsaSha384, hash: 'sha384', keyType: 'ec' },
];

/**
 * SHA-1 and MD5 based methods: known by name so that a sender hears "too weak"
 * rather than "unknown". SHA-1 collisions are practical, and the signed
 * content here is chosen by the sender.
 */
const WEAK_METHODS: readonly string[] = [
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  'http://www.w3.org/2000/09/xmldsig#dsa-sha1',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-md5',
  'http://www.w3.org/2000/09/xmldsig#sha1',
  'http://www.w3.org/2001/04/xmldsig-more#md5',
];

export type AlgorithmVerdict = 'allowed' | 'weak' | 'unknown';

/** Whether a SignatureMethod URI is allowed, known to be weak, or unknown. */
export function judgeSignatureMethod(uri: string): AlgorithmVerdict {
  if (signatureMethodSpec(uri) !== undefined) return 'allowed';
  return WEAK_METHODS.includes(uri) ? 'weak' : 'unknown';
}

/** Whether a DigestMethod URI is allowed, known to be weak, or unknown. */
export function judgeDigestMethod(uri: string): AlgorithmVerdict {
  if (Object.values<string>(DIGEST_METHODS).includes(uri)) return 'allowed';
  return WEAK_METHODS.includes(uri) ? 'weak' : 'unknown';
}

/** Whether `uri` is one of the four accepted canonicalisations. */
export function isCanonicalization(uri: string): boolean {
  return CANONICALIZATION_URIS.includes(uri);
}

/** The spec of an allowed SignatureMethod URI; undefined for any other. */
export function signatureMethodSpec(uri: string): SignatureMethodSpec | undefined {
  return SIGNATURE_METHOD_SPECS.find((spec) => spec.uri === uri);
}

/** RSA below 2048 bits is no longer accepted for signatures by any current policy. */
export const MIN_RSA_MODULUS_BITS = 2048;

/** NIST curves only: what the national PKI and WebCrypto both support. */
const ALLOWED_CURVES: readonly string[] = ['prime256v1', 'secp384r1', 'secp521r1'];

export type KeyVerdict = 'ok' | 'weak' | 'mismatch';

/**
 * Whether `key` may be used with `spec`. A method is never run with a key of
 * another family: an "rsa-sha256" signature checked with an EC key would
 * silently become an ECDSA check, which is not what the signer declared.
 */
export function judgeKey(spec: SignatureMethodSpec, key: KeyObject): KeyVerdict {
  const type = key.asymmetricKeyType;
  if (spec.keyType === 'rsa') {
    if (type !== 'rsa') return 'mismatch';
    return (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_MODULUS_BITS ? 'weak' : 'ok';
  }
  if (type !== 'ec') return 'mismatch';
  return ALLOWED_CURVES.includes(key.asymmetricKeyDetails?.namedCurve ?? '') ? 'ok' : 'weak';
}

/**
 * Records what the signature step did, so that a failure can be told apart
 * from a malformed signature without reading xml-crypto's error messages.
 */
export interface VerificationProbe {
  verified?: boolean;
}

function keyOptions(spec: SignatureMethodSpec, key: KeyObject) {
  // XML-DSig writes ECDSA signatures as r || s, not as DER (XML Signature 1.1, 6.4.3).
  return spec.keyType === 'ec' ? { key, dsaEncoding: 'ieee-p1363' as const } : { key };
}

function asKeyObject(key: KeyLike | BinaryLike): KeyObject {
  if (key instanceof KeyObject) return key;
  // Only the axis's own code passes keys here, always as KeyObjects.
  throw new TypeError('signature plug-ins take KeyObject keys only');
}

function verifies(spec: SignatureMethodSpec, material: string, key: KeyObject, value: string) {
  const signature = decodeBase64Strict(value);
  if (signature === undefined) return false;
  try {
    return verify(spec.hash, Buffer.from(material, 'utf8'), keyOptions(spec, key), signature);
  } catch {
    // OpenSSL throws, rather than answering no, on an ECDSA value of the wrong length.
    return false;
  }
}

function signatureAlgorithmFor(
  spec: SignatureMethodSpec,
  probe: VerificationProbe,
): new () => SignatureAlgorithm {
  return class implements SignatureAlgorithm {
    getAlgorithmName = () => spec.uri;
    getSignature = createOptionalCallbackFunction((signedInfo: BinaryLike, key: KeyLike) => {
      const data = typeof signedInfo === 'string' ? Buffer.from(signedInfo, 'utf8') : signedInfo;
      return sign(spec.hash, data, keyOptions(spec, asKeyObject(key))).toString('base64');
    });
    verifySignature = createOptionalCallbackFunction(
      (material: string, key: KeyLike, signatureValue: string) => {
        const verified = verifies(spec, material, asKeyObject(key), signatureValue);
        probe.verified = verified;
        return verified;
      },
    );
  };
}

/** Signature plug-ins for every allowed method, reporting to `probe`. */
export function signatureAlgorithms(
  probe: VerificationProbe = {},
): Record<string, new () => SignatureAlgorithm> {
  return Object.fromEntries(
    SIGNATURE_METHOD_SPECS.map((spec) => [spec.uri, signatureAlgorithmFor(spec, probe)]),
  );
}

function hashAlgorithmFor(hash: HashName): new () => HashAlgorithm {
  return class implements HashAlgorithm {
    getAlgorithmName = () => DIGEST_METHODS[hash];
    getHash = (xml: string) => createHash(hash).update(xml, 'utf8').digest('base64');
  };
}

/** Digest plug-ins for every allowed digest; xml-crypto has no SHA-384 of its own. */
export function hashAlgorithms(): Record<string, new () => HashAlgorithm> {
  return Object.fromEntries(
    (Object.keys(DIGEST_METHODS) as HashName[]).map((hash) => [
      DIGEST_METHODS[hash],
      hashAlgorithmFor(hash),
    ]),
  );
}

/**
 * Narrows xml-crypto's transform table to the enveloped-signature transform
 * and the four canonicalisations, reusing its implementations.
 */
export function restrictTransforms<T>(table: Record<string, T>): Record<string, T> {
  const allowed = [ENVELOPED_SIGNATURE, ...CANONICALIZATION_URIS];
  return Object.fromEntries(Object.entries(table).filter(([uri]) => allowed.includes(uri)));
}
