/**
 * npm run agency:register -- --id 000.00.00.G22 --name "Văn phòng Chính phủ" \
 *   --public-key agency-key.pem --key-id 2026-01 --policy required \
 *   [--webhook https://…] [--sends-for 000.00.01.G22,000.00.02.G22]
 *
 * Registers an agency on a deployed axis (or any axis whose tables the AWS
 * settings point at). The agency makes its own P-256 key pair and hands over
 * only the public key (PEM); the axis never holds a secret of the agency's.
 * The agencies table is named by LIENTHONG_AGENCIES_TABLE, as in the stack's
 * outputs.
 */
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SignaturePolicy } from '#shared/domain/records';
import { dependencies } from '#shared/runtime/dependencies';
import { registerAgency } from '#shared/services/registerAgency';

const USAGE =
  'usage: npm run agency:register -- --id ORGAN_ID --name NAME --public-key FILE.pem ' +
  '--key-id KEY_ID --policy required|optional|report [--webhook URL] [--sends-for IDS]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      id: { type: 'string' },
      name: { type: 'string' },
      'public-key': { type: 'string' },
      'key-id': { type: 'string' },
      policy: { type: 'string' },
      webhook: { type: 'string' },
      'sends-for': { type: 'string' },
    },
  });
  const { id, name, policy } = values;
  const keyFile = values['public-key'];
  const keyId = values['key-id'];
  if (!id || !name || !keyFile || !keyId || !policy) {
    console.error(USAGE);
    return 2;
  }
  const publicKeySpki = createPublicKey(readFileSync(keyFile))
    .export({ format: 'der', type: 'spki' })
    .toString('base64');
  const { agency } = await registerAgency(
    { directory: dependencies().directory, clock: { now: () => new Date() } },
    {
      agencyId: id,
      name,
      webhookUrl: values.webhook,
      keys: [{ keyId, publicKeySpki }],
      signaturePolicy: policy as SignaturePolicy,
      sendsFor: values['sends-for']?.split(',').map((unit) => unit.trim()),
    },
  );
  console.log(
    `registered ${agency.agencyId} (${agency.channel.mode}, signature policy ` +
      `${agency.signaturePolicy}, key ${keyId})`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`registration failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
