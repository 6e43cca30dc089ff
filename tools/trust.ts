/**
 * Operators load what the axis checks signer certificates against:
 *
 *   npm run trust -- add anchors gov-root-g2.cer
 *   npm run trust -- add intermediates gov-subca.cer
 *   npm run trust -- add crls gov-subca-2026-12-04.crl
 *
 * Files are DER (PEM is converted). Production names the Government
 * specialised PKI roots "RootCA chuyên dùng Chính phủ" G1 and G2: obtain
 * their certificates from Ban Cơ yếu Chính phủ and load them as anchors.
 * The bucket comes from LIENTHONG_PAYLOAD_BUCKET.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { TrustMaterial } from '#shared/domain/ports';
import { dependencies } from '#shared/runtime/dependencies';

const KINDS: ReadonlyArray<keyof TrustMaterial> = ['anchors', 'intermediates', 'crls'];

function toDer(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1');
  const pem = /-----BEGIN [A-Z0-9 ]+-----([\s\S]*?)-----END [A-Z0-9 ]+-----/.exec(text);
  return pem ? Buffer.from(pem[1].replace(/\s+/g, ''), 'base64') : bytes;
}

async function main(): Promise<number> {
  const { positionals } = parseArgs({ allowPositionals: true });
  const [command, kind, file] = positionals;
  if (command !== 'add' || !KINDS.includes(kind as keyof TrustMaterial) || !file) {
    console.error(`usage: npm run trust -- add ${KINDS.join('|')} FILE`);
    return 2;
  }
  const der = toDer(readFileSync(file));
  await dependencies().trust.add(kind as keyof TrustMaterial, basename(file), der);
  console.log(`added ${basename(file)} to ${kind}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`trust: ${(error as Error).message}`);
    process.exit(1);
  },
);
