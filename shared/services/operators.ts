import { randomBytes } from 'node:crypto';
import { newOperatorToken, operatorTokenSha256 } from '../auth/authenticateOperator';
import { AxisError } from '../domain/AxisError';
import type { AuditLog, Clock, OperatorStore } from '../domain/ports';
import type { OperatorRecord } from '../domain/records';

/**
 * Who may use the operator console and its API. An operator is created with
 * a bearer token that is shown once and never stored (only its SHA-256 is);
 * a lost token is replaced by revoking the operator and creating another.
 * Every change is audited with its actor, under the subject
 * `operator:<operatorId>`.
 */

export interface ManageOperatorsDeps {
  readonly operators: OperatorStore;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

/** An operator as listed: everything but the token's hash. */
export type OperatorSummary = Omit<OperatorRecord, 'tokenSha256'>;

/** Longest operator name: a person's or a team's name, not a description. */
export const OPERATOR_NAME_MAX = 100;

export async function createOperator(
  deps: ManageOperatorsDeps,
  input: { readonly name: string; readonly actor: string },
): Promise<{ operator: OperatorSummary; token: string }> {
  const name = input.name.trim();
  if (name === '' || name.length > OPERATOR_NAME_MAX) {
    throw new AxisError(
      'INVALID_PARAMETER',
      `an operator's name is 1 to ${OPERATOR_NAME_MAX} characters`,
    );
  }
  // 64 random bits: ids never collide in practice and reveal nothing of the secret.
  const operatorId = `op-${randomBytes(8).toString('hex')}`;
  const token = newOperatorToken(operatorId);
  const now = deps.clock.now().toISOString();
  const record: OperatorRecord = {
    operatorId,
    name,
    tokenSha256: operatorTokenSha256(token),
    createdAt: now,
    createdBy: input.actor,
  };
  await deps.operators.put(record);
  await audit(deps, 'operator.create', record, input.actor, now);
  return { operator: summary(record), token };
}

/** Every operator, revoked ones included, oldest first. */
export async function listOperators(
  deps: Pick<ManageOperatorsDeps, 'operators'>,
): Promise<OperatorSummary[]> {
  const records = await deps.operators.list();
  return records
    .sort(
      (a, b) => a.createdAt.localeCompare(b.createdAt) || a.operatorId.localeCompare(b.operatorId),
    )
    .map(summary);
}

/**
 * Withdraws an operator's token from the next request on. The record stays,
 * for the audit trail; revoking a revoked operator changes nothing.
 */
export async function revokeOperator(
  deps: ManageOperatorsDeps,
  input: { readonly operatorId: string; readonly actor: string },
): Promise<OperatorSummary> {
  const current = await deps.operators.get(input.operatorId);
  if (!current) throw new AxisError('NOT_FOUND', `no operator ${input.operatorId}`);
  if (current.revokedAt !== undefined) return summary(current);
  const now = deps.clock.now().toISOString();
  const revoked: OperatorRecord = { ...current, revokedAt: now };
  await deps.operators.put(revoked);
  await audit(deps, 'operator.revoke', revoked, input.actor, now);
  return summary(revoked);
}

function summary({ tokenSha256: _hash, ...rest }: OperatorRecord): OperatorSummary {
  return rest;
}

async function audit(
  deps: ManageOperatorsDeps,
  action: string,
  operator: OperatorRecord,
  actor: string,
  at: string,
): Promise<void> {
  await deps.audit.record({
    at,
    actor,
    action,
    subject: `operator:${operator.operatorId}`,
    detail: { operatorId: operator.operatorId, name: operator.name },
  });
}
