import { describe, expect, it } from 'vitest';
import { createOperator, listOperators, revokeOperator } from '#shared/services/operators';
import { fakeDependencies } from '../../support/fakes';

describe('managing operators', () => {
  it('creates an operator with a token shown once, and audits it', async () => {
    const deps = fakeDependencies();

    const { operator, token } = await createOperator(deps, {
      name: '  Nguyễn Văn A ',
      actor: 'Trần Thị B',
    });

    expect(operator).toEqual({
      operatorId: expect.stringMatching(/^op-[0-9a-f]{16}$/),
      name: 'Nguyễn Văn A',
      createdAt: '2026-12-04T09:00:00.000Z',
      createdBy: 'Trần Thị B',
    });
    expect(token.startsWith(`lto_${operator.operatorId}_`)).toBe(true);
    expect(deps.audit.entries).toEqual([
      {
        at: '2026-12-04T09:00:00.000Z',
        actor: 'Trần Thị B',
        action: 'operator.create',
        subject: `operator:${operator.operatorId}`,
        detail: { operatorId: operator.operatorId, name: 'Nguyễn Văn A' },
      },
    ]);
    expect(JSON.stringify(deps.audit.entries)).not.toContain(token);
  });

  it('refuses an empty or overlong name and stores nothing', async () => {
    const deps = fakeDependencies();
    for (const name of ['', '   ', 'x'.repeat(101)]) {
      await expect(createOperator(deps, { name, actor: 'root' })).rejects.toMatchObject({
        code: 'INVALID_PARAMETER',
      });
    }
    expect(deps.operators.records.size).toBe(0);
    expect(deps.audit.entries).toEqual([]);
  });

  it('lists operators oldest first, without their token hashes', async () => {
    const deps = fakeDependencies();
    const first = await createOperator(deps, { name: 'A', actor: 'root' });
    deps.clock.advance(60_000);
    const second = await createOperator(deps, { name: 'B', actor: 'root' });

    const listed = await listOperators(deps);

    expect(listed.map((operator) => operator.operatorId)).toEqual([
      first.operator.operatorId,
      second.operator.operatorId,
    ]);
    expect(JSON.stringify(listed)).not.toContain('tokenSha256');
  });

  it('revokes once, keeps the record and audits; a second revoke changes nothing', async () => {
    const deps = fakeDependencies();
    const { operator } = await createOperator(deps, { name: 'A', actor: 'root' });
    deps.clock.advance(60_000);

    const revoked = await revokeOperator(deps, { operatorId: operator.operatorId, actor: 'B' });
    deps.clock.advance(60_000);
    const again = await revokeOperator(deps, { operatorId: operator.operatorId, actor: 'C' });

    expect(revoked.revokedAt).toBe('2026-12-04T09:01:00.000Z');
    expect(again).toEqual(revoked);
    expect(deps.audit.entries.map((entry) => [entry.action, entry.actor])).toEqual([
      ['operator.create', 'root'],
      ['operator.revoke', 'B'],
    ]);
    expect((await listOperators(deps)).map((listed) => listed.revokedAt)).toEqual([
      '2026-12-04T09:01:00.000Z',
    ]);
  });

  it('answers NOT_FOUND for an operator that does not exist', async () => {
    const deps = fakeDependencies();
    await expect(
      revokeOperator(deps, { operatorId: 'op-0000000000000000', actor: 'root' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(deps.audit.entries).toEqual([]);
  });
});
