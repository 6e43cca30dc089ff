import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAgencyDirectory } from '#shared/adapters/dynamodb/DynamoAgencyDirectory';
import { DynamoAuditLog } from '#shared/adapters/dynamodb/DynamoAuditLog';
import { DynamoOperatorStore } from '#shared/adapters/dynamodb/DynamoOperatorStore';
import { SqsQueueDepths } from '#shared/adapters/sqs/SqsQueueDepths';
import { SqsWorkQueue } from '#shared/adapters/sqs/SqsWorkQueue';
import { authenticateOperator } from '#shared/auth/authenticateOperator';
import type { Agency } from '#shared/domain/records';
import { createOperator, listOperators, revokeOperator } from '#shared/services/operators';
import type { ProvisionedAxis } from '../../../local/provision';
import { FixedClock } from '../../support/fakes';
import { provisionTestAxis } from '../../support/testAxis';

/** The operator console's adapters: operators, the agency listing and queue depths. */
let axis: ProvisionedAxis;

beforeAll(async () => {
  axis = await provisionTestAxis('operator-store');
});

afterAll(async () => {
  await axis?.teardown();
});

describe('DynamoOperatorStore with the operator services', () => {
  it('creates, authenticates, lists and revokes an operator, auditing each change', async () => {
    const deps = {
      operators: new DynamoOperatorStore(axis.tables.operators),
      audit: new DynamoAuditLog(axis.tables.audit),
      clock: new FixedClock(),
    };

    const { operator, token } = await createOperator(deps, { name: 'Nguyễn Văn A', actor: 'root' });
    await expect(
      authenticateOperator(deps, { authorization: `Bearer ${token}` }),
    ).resolves.toMatchObject({ operatorId: operator.operatorId, name: 'Nguyễn Văn A' });
    expect(await listOperators(deps)).toEqual([operator]);

    // Audit entries sort by time: the revocation comes a minute after the creation.
    deps.clock.advance(60_000);
    await revokeOperator(deps, { operatorId: operator.operatorId, actor: 'root' });

    await expect(
      authenticateOperator(deps, { authorization: `Bearer ${token}` }),
    ).rejects.toMatchObject({ code: 'OPERATOR_UNAUTHENTICATED' });
    const audit = await deps.audit.list(`operator:${operator.operatorId}`);
    expect(audit.map((entry) => entry.action)).toEqual(['operator.create', 'operator.revoke']);
  });
});

describe('DynamoAgencyDirectory.list', () => {
  it('lists every registered agency with its channel', async () => {
    const directory = new DynamoAgencyDirectory(axis.tables.agencies);
    const ids = Array.from({ length: 25 }, (_, i) => `000.00.00.L${String(i).padStart(2, '0')}`);
    for (const agencyId of ids) {
      const agency: Agency = {
        agencyId,
        name: `Agency ${agencyId}`,
        channel: agencyId.endsWith('0')
          ? { mode: 'webhook', url: 'https://dms.example.vn/hook' }
          : { mode: 'inbox' },
        keys: [],
        signaturePolicy: 'report',
        sendsFor: [],
        registeredAt: '2026-12-04T09:00:00.000Z',
      };
      await directory.put(agency);
    }

    const listed = await directory.list();

    expect(listed.map((agency) => agency.agencyId).sort()).toEqual(ids);
    expect(listed.find((agency) => agency.agencyId === '000.00.00.L10')?.channel).toEqual({
      mode: 'webhook',
      url: 'https://dms.example.vn/hook',
    });
  });
});

describe('SqsQueueDepths', () => {
  it('counts waiting messages in each queue and its dead-letter queue', async () => {
    const { verify, route } = axis.queues;
    const depths = new SqsQueueDepths([
      { name: 'verify', url: verify.url, deadLetterUrl: verify.dlqUrl },
      { name: 'route', url: route.url, deadLetterUrl: route.dlqUrl },
    ]);
    await new SqsWorkQueue(verify.url).send([{ n: 1 }, { n: 2 }, { n: 3 }]);
    await new SqsWorkQueue(route.dlqUrl).send([{ n: 4 }]);

    const listed = await depths.list();

    expect(listed).toEqual([
      { queue: 'verify', visible: 3, inFlight: 0, delayed: 0, deadLetter: { visible: 0 } },
      { queue: 'route', visible: 0, inFlight: 0, delayed: 0, deadLetter: { visible: 1 } },
    ]);
  });
});
