/**
 * Operators manage who may use the operator console and its API:
 *
 *   npm run operators -- create "Nguyễn Văn A" [--actor "Trần Thị B"]
 *   npm run operators -- list
 *   npm run operators -- revoke op-0123456789abcdef [--actor "Trần Thị B"]
 *
 * `create` prints the new operator's bearer token once: the axis keeps only
 * its SHA-256, so it cannot be shown again. The actor defaults to the login
 * name of whoever runs the tool. Every change is written to the audit table.
 * Table names come from LIENTHONG_OPERATORS_TABLE and LIENTHONG_AUDIT_TABLE.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { dependencies } from '#shared/runtime/dependencies';
import { createOperator, listOperators, revokeOperator } from '#shared/services/operators';

const USAGE = 'usage: npm run operators -- create NAME | list | revoke OPERATOR_ID [--actor NAME]';

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { actor: { type: 'string' } },
  });
  const [command, argument, ...extra] = positionals;
  const known =
    (command === 'create' || command === 'revoke' || command === 'list') &&
    (command === 'list' ? argument === undefined : argument !== undefined) &&
    extra.length === 0;
  if (!known) {
    console.error(USAGE);
    return 2;
  }
  // Only the two tables the tool uses: spreading dependencies() would build every adapter.
  const { operators, audit } = dependencies();
  const deps = { operators, audit, clock: { now: () => new Date() } };
  const actor = values.actor ?? userInfo().username;
  if (command === 'create' && argument && extra.length === 0) {
    const { operator, token } = await createOperator(deps, { name: argument, actor });
    console.log(`created ${operator.operatorId} (${operator.name})`);
    console.log('token, shown this once; give it to the operator over a safe channel:');
    console.log(token);
    return 0;
  }
  if (command === 'list' && argument === undefined) {
    for (const operator of await listOperators(deps)) {
      const state = operator.revokedAt ? `revoked ${operator.revokedAt}` : 'active';
      console.log(
        `${operator.operatorId} ${operator.name} (created ${operator.createdAt}, ${state})`,
      );
    }
    return 0;
  }
  if (command === 'revoke' && argument && extra.length === 0) {
    const operator = await revokeOperator(deps, { operatorId: argument, actor });
    console.log(`revoked ${operator.operatorId} (${operator.name}) at ${operator.revokedAt}`);
    return 0;
  }
  console.error(USAGE);
  return 2;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`operators: ${(error as Error).message}`);
    process.exit(1);
  },
);
