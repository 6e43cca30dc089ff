/**
 * `npm run agency:register -- --id 000.00.00.G22 --name "Văn phòng Chính phủ" [--webhook URL]`
 *
 * Registers an agency on a deployed axis (or any axis whose tables the AWS
 * settings point at) and prints its new API secret once. The agencies table
 * is named by LIENTHONG_AGENCIES_TABLE, as in the stack's outputs.
 */
import { parseArgs } from 'node:util';
import { dependencies } from '../shared/runtime/dependencies';
import { registerAgency } from '../shared/services/registerAgency';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      id: { type: 'string' },
      name: { type: 'string' },
      webhook: { type: 'string' },
    },
  });
  if (!values.id || !values.name) {
    console.error('usage: npm run agency:register -- --id ORGAN_ID --name NAME [--webhook URL]');
    return 2;
  }
  const { agency, secret } = await registerAgency(
    { directory: dependencies().directory, clock: { now: () => new Date() } },
    { agencyId: values.id, name: values.name, webhookUrl: values.webhook },
  );
  console.log(`registered ${agency.agencyId} (${agency.channel.mode})`);
  console.log('API secret, shown once; hand it to the agency over a trusted channel:');
  console.log(secret);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`registration failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
