import { createPrivateKey } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { DOMParser } from '@xmldom/xmldom';
import { beforeAll, describe, expect, it } from 'vitest';
import { isAxisError } from '#shared/domain/AxisError';
import { parseEdxml } from '#shared/edxml/parseEdxml';
import { SIGNATURE_METHODS } from '#shared/signature/algorithms';
import { signEnvelope } from '#shared/signature/signEnvelope';
import { verifyEnvelopeSignature } from '#shared/signature/verifyEnvelopeSignature';
import type { TestPki } from '../../support/testPki';
import { createTestPki } from '../../support/testPki';

const SAMPLES = new URL('../../../samples/edxml/', import.meta.url);
const ALL_SAMPLES = readdirSync(SAMPLES).filter((name) => name.endsWith('.edxml'));
const SMALL_SAMPLE = 'dc0bdef0-c7a3-4aaf-b717-777303442973.edxml';
const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

let pki: TestPki;

beforeAll(async () => {
  pki = await createTestPki();
});

function sample(name: string): Buffer {
  return readFileSync(new URL(name, SAMPLES));
}

function signer() {
  return {
    privateKey: pki.leaf.privateKeyPem,
    certificateDer: pki.leaf.der,
    chainDer: [pki.intermediate.der],
  };
}

function header(bytes: Uint8Array) {
  const doc = new DOMParser().parseFromString(new TextDecoder().decode(bytes), 'application/xml');
  return doc.getElementsByTagNameNS(EDXML_NS, 'edXMLHeader')[0];
}

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('signEnvelope', () => {
  it.each(ALL_SAMPLES)('signs %s so that it verifies and parses as before', (name) => {
    const signed = signEnvelope(sample(name), signer());

    expect(verifyEnvelopeSignature(signed)).toMatchObject({
      outcome: 'valid',
      signatureAlgorithm: SIGNATURE_METHODS.rsaSha256,
      digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    });
    const before = parseEdxml(sample(name));
    const after = parseEdxml(signed);
    if (before.kind === 'document' && after.kind === 'document') {
      expect(after.signature).toEqual({ present: true, xmlDsigNamespace: true });
      expect({ ...after, signature: undefined }).toEqual({ ...before, signature: undefined });
    } else {
      expect(after).toEqual(before);
    }
  });

  it('replaces the placeholder with one XML-DSig signature, last in the header', () => {
    const signed = signEnvelope(sample(SMALL_SAMPLE), signer());
    const elements = Array.from(header(signed)?.childNodes ?? []).filter(
      (node) => node.nodeType === 1,
    );
    const last = elements.at(-1);

    expect(elements.filter((node) => node.localName === 'Signature')).toHaveLength(1);
    expect(last?.localName).toBe('Signature');
    expect(last?.namespaceURI).toBe(DSIG_NS);
  });

  it('embeds the certificate, then the chain, in KeyInfo', () => {
    const result = verifyEnvelopeSignature(signEnvelope(sample(SMALL_SAMPLE), signer()));

    expect(result.embeddedCertificates).toEqual([pki.leaf.der, pki.intermediate.der]);
  });

  it('signs with the reference and transforms the verifier requires', () => {
    const text = new TextDecoder().decode(signEnvelope(sample(SMALL_SAMPLE), signer()));

    expect(text).toContain('<Reference URI="">');
    expect(text).toContain(
      '<Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>' +
        '<Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></Transforms>',
    );
  });

  it.each([
    ['a PEM string', () => pki.leaf.privateKeyPem],
    ['a KeyObject', () => createPrivateKey(pki.leaf.privateKeyPem)],
    ['a CryptoKey', () => pki.leaf.keys.privateKey],
  ])('takes the private key as %s', (_what, key) => {
    const signed = signEnvelope(sample(SMALL_SAMPLE), {
      privateKey: key(),
      certificateDer: pki.leaf.der,
    });

    expect(verifyEnvelopeSignature(signed).outcome).toBe('valid');
  });

  it('takes the private key as privateKeyPem', () => {
    const signed = signEnvelope(sample(SMALL_SAMPLE), {
      privateKeyPem: pki.leaf.privateKeyPem,
      certificateDer: pki.leaf.der,
    });

    expect(verifyEnvelopeSignature(signed).outcome).toBe('valid');
  });

  it('takes text as well as bytes', () => {
    const signed = signEnvelope(sample(SMALL_SAMPLE).toString('utf8'), signer());

    expect(verifyEnvelopeSignature(signed).outcome).toBe('valid');
  });

  it('refuses to sign twice', () => {
    const signed = signEnvelope(sample(SMALL_SAMPLE), signer());

    expect(() => signEnvelope(signed, signer())).toThrow(/already carries/);
  });

  it('refuses a key that is not the certificate’s', () => {
    const mismatched = { ...signer(), certificateDer: pki.intermediate.der };

    expect(() => signEnvelope(sample(SMALL_SAMPLE), mismatched)).toThrow(/does not belong/);
  });

  it('refuses a method that does not fit the key', () => {
    const options = { signatureAlgorithm: SIGNATURE_METHODS.ecdsaSha256 };

    expect(() => signEnvelope(sample(SMALL_SAMPLE), signer(), options)).toThrow(/does not fit/);
  });

  it.each([
    ['not edXML', '<Other xmlns="urn:x"/>', 'NOT_EDXML'],
    ['with a DOCTYPE', '<!DOCTYPE edXML><edXML/>', 'XML_DTD_FORBIDDEN'],
  ])('refuses a document %s with the axis’s own error', (_what, source, code) => {
    const error = thrown(() => signEnvelope(source, signer()));

    expect(isAxisError(error) && error.code).toBe(code);
  });
});
