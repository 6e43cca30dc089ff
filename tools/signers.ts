/**
 * Operators manage who may sign documents for an agency:
 *
 *   npm run signers -- register --agency 000.00.00.G22 --cert leader.pem --actor "Nguyễn Văn A"
 *   npm run signers -- list --agency 000.00.00.G22
 *   npm run signers -- revoke --agency 000.00.00.G22 --fingerprint <sha256> --actor "…"
 *   npm run signers -- audit --agency 000.00.00.G22
 *
 * Every change is written to the audit table with its actor. Table names come
 * from LIENTHONG_AGENCIES_TABLE, LIENTHONG_SIGNERS_TABLE, LIENTHONG_AUDIT_TABLE.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { dependencies } from '#shared/runtime/dependencies';
import { registerSigner, revokeSigner } from '#shared/services/manageSigners';

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      agency: { type: 'string' },
      cert: { type: 'string' },
      fingerprint: { type: 'string' },
      actor: { type: 'string' },
    },
  });
  const [command] = positionals;
  const agencyId = values.agency;
  if (!agencyId) {
    console.error('usage: npm run signers -- register|list|revoke|audit --agency ORGAN_ID …');
    return 2;
  }
  const deps = { ...dependencies(), clock: { now: () => new Date() } };
  if (command === 'register' && values.cert && values.actor) {
    const record = await registerSigner(deps, {
      agencyId,
      certificate: readFileSync(values.cert),
      actor: values.actor,
    });
    console.log(`registered ${record.fingerprint} ${record.subject} until ${record.notAfter}`);
    return 0;
  }
  if (command === 'revoke' && values.fingerprint && values.actor) {
    const record = await revokeSigner(deps, {
      agencyId,
      fingerprint: values.fingerprint,
      actor: values.actor,
    });
    console.log(`revoked ${record.fingerprint} ${record.subject}`);
    return 0;
  }
  if (command === 'list') {
    for (const signer of await deps.signers.list(agencyId)) {
      console.log(`${signer.state.padEnd(8)} ${signer.fingerprint} ${signer.subject}`);
    }
    return 0;
  }
  if (command === 'audit') {
    for (const entry of await deps.audit.list(agencyId)) {
      console.log(`${entry.at} ${entry.actor}: ${entry.action} ${JSON.stringify(entry.detail)}`);
    }
    return 0;
  }
  console.error('register needs --cert and --actor; revoke needs --fingerprint and --actor');
  return 2;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`signers: ${(error as Error).message}`);
    process.exit(1);
  },
);
