import { describe, expect, it } from 'vitest';
import {
  authenticateOperator,
  newOperatorToken,
  operatorTokenSha256,
} from '#shared/auth/authenticateOperator';
import { createOperator, revokeOperator } from '#shared/services/operators';
import { fakeDependencies } from '../../support/fakes';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function withOperator() {
  const deps = fakeDependencies();
  const { operator, token } = await createOperator(deps, { name: 'Nguyễn Văn A', actor: 'root' });
  return { deps, operator, token };
}

describe('operator tokens', () => {
  it('are lto_<operatorId>_<43 base64url characters> and differ every time', () => {
    const a = newOperatorToken('op-0123456789abcdef');
    const b = newOperatorToken('op-0123456789abcdef');
    expect(a).toMatch(/^lto_op-0123456789abcdef_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });

  it('refuses an operator id that could be confused with the separator', () => {
    expect(() => newOperatorToken('op_1')).toThrow();
    expect(() => newOperatorToken('')).toThrow();
  });

  it('are stored as the hex SHA-256 of the whole token, never as themselves', async () => {
    const { deps, operator, token } = await withOperator();
    const stored = await deps.operators.get(operator.operatorId);
    expect(stored?.tokenSha256).toBe(operatorTokenSha256(token));
    expect(stored?.tokenSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(token.split('_').slice(2).join('_'));
  });
});

describe('authenticateOperator', () => {
  it('returns the operator of a valid bearer token, whatever the scheme case', async () => {
    const { deps, operator, token } = await withOperator();
    await expect(authenticateOperator(deps, bearer(token))).resolves.toMatchObject({
      operatorId: operator.operatorId,
      name: 'Nguyễn Văn A',
    });
    await expect(
      authenticateOperator(deps, { authorization: `bearer   ${token}` }),
    ).resolves.toMatchObject({ operatorId: operator.operatorId });
  });

  it('refuses every wrong request with the same code and message', async () => {
    const { deps, operator, token } = await withOperator();
    const secret = token.slice(`lto_${operator.operatorId}_`.length);
    const otherSecret = newOperatorToken(operator.operatorId);
    const cases: Record<string, string | undefined>[] = [
      {},
      { authorization: '' },
      { authorization: token },
      { authorization: `Basic ${token}` },
      { authorization: `Bearer ${token} extra` },
      { authorization: 'LT1-ES256 c2lnbmF0dXJl' },
      bearer(`${token}x`),
      bearer(token.toUpperCase()),
      bearer(otherSecret),
      bearer(`lto_op-ffffffffffffffff_${secret}`),
      bearer(`lto_${secret}`),
    ];
    const refusals = await Promise.all(
      cases.map((headers) => authenticateOperator(deps, headers).catch((error: unknown) => error)),
    );
    for (const refusal of refusals) {
      expect(refusal).toMatchObject({ code: 'OPERATOR_UNAUTHENTICATED', httpStatus: 401 });
    }
    const messages = new Set(refusals.map((refusal) => (refusal as Error).message));
    expect(messages.size).toBe(1);
    expect([...messages][0]).not.toContain(operator.operatorId);
  });

  it('refuses a revoked operator from the next request on, the same way', async () => {
    const { deps, operator, token } = await withOperator();
    await revokeOperator(deps, { operatorId: operator.operatorId, actor: 'root' });
    await expect(authenticateOperator(deps, bearer(token))).rejects.toMatchObject({
      code: 'OPERATOR_UNAUTHENTICATED',
    });
  });

  it('refuses a token whose stored hash is not a SHA-256 (a damaged record)', async () => {
    const { deps, operator, token } = await withOperator();
    const stored = await deps.operators.get(operator.operatorId);
    if (!stored) throw new Error('no operator stored');
    await deps.operators.put({ ...stored, tokenSha256: '' });
    await expect(authenticateOperator(deps, bearer(token))).rejects.toMatchObject({
      code: 'OPERATOR_UNAUTHENTICATED',
    });
  });
});
