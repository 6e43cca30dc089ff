import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoConnectionLog } from '#shared/adapters/dynamodb/DynamoConnectionLog';
import { NATIONAL_AXIS_CONNECTION } from '#shared/domain/records';
import type { ProvisionedAxis } from '../../../local/provision';
import { provisionTestAxis } from '../../support/testAxis';

let axis: ProvisionedAxis;
let log: DynamoConnectionLog;

beforeAll(async () => {
  axis = await provisionTestAxis('connection-log');
  log = new DynamoConnectionLog(axis.tables.connections);
});

afterAll(async () => {
  await axis?.teardown();
});

/** A fresh agency id per test: the table is shared by the file. */
const agency = () => `000.00.00.T${randomBytes(3).toString('hex')}`;
const at = (minute: number) => `2026-12-04T09:${String(minute).padStart(2, '0')}:00.000Z`;

describe('DynamoConnectionLog', () => {
  it('has no record for an agency nothing was recorded for', async () => {
    expect(await log.get(agency())).toBeUndefined();
  });

  it('counts failures in a row and sets them back to 0 on a delivery', async () => {
    const id = agency();
    await log.recordFailure(id, at(1), 'HTTP 503');
    await log.recordFailure(id, at(2), 'timeout');

    expect(await log.get(id)).toEqual({
      agencyId: id,
      consecutiveFailures: 2,
      lastFailureAt: at(2),
      lastFailure: 'timeout',
      updatedAt: at(2),
    });

    await log.recordDelivery(id, at(3));
    expect(await log.get(id)).toEqual({
      agencyId: id,
      consecutiveFailures: 0,
      lastDeliveryAt: at(3),
      lastFailureAt: at(2),
      lastFailure: 'timeout',
      updatedAt: at(3),
    });
  });

  it('counts every one of many failures written at once (ADD is atomic)', async () => {
    const id = agency();
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => log.recordFailure(id, at(10 + i), `failure ${i}`)),
    );
    expect((await log.get(id))?.consecutiveFailures).toBe(12);
  });

  it('does not let a late success wipe out failures recorded after it', async () => {
    const id = agency();
    await log.recordDelivery(id, at(1));
    await log.recordFailure(id, at(5), 'HTTP 500');
    await log.recordFailure(id, at(6), 'HTTP 500');

    // A delivery attempted at :04 reports only now.
    await log.recordDelivery(id, at(4));

    expect(await log.get(id)).toMatchObject({
      consecutiveFailures: 2,
      lastDeliveryAt: at(4),
      lastFailureAt: at(6),
      updatedAt: at(6),
    });
  });

  it('does not count a late failure against a newer success', async () => {
    const id = agency();
    await log.recordDelivery(id, at(8));

    // A failure from :07 reports only now.
    await log.recordFailure(id, at(7), 'timeout');

    expect(await log.get(id)).toEqual({
      agencyId: id,
      consecutiveFailures: 0,
      lastDeliveryAt: at(8),
      updatedAt: at(8),
    });
  });

  it('never moves lastDeliveryAt or lastPollAt back in time', async () => {
    const id = agency();
    await log.recordDelivery(id, at(9));
    await log.recordDelivery(id, at(3));
    await log.recordPoll(id, at(9));
    await log.recordPoll(id, at(2));

    expect(await log.get(id)).toMatchObject({ lastDeliveryAt: at(9), lastPollAt: at(9) });
  });

  it('records polls without touching the failure count, creating the record with 0', async () => {
    const id = agency();
    await log.recordPoll(id, at(1));
    expect(await log.get(id)).toEqual({
      agencyId: id,
      consecutiveFailures: 0,
      lastPollAt: at(1),
      updatedAt: at(1),
    });

    await log.recordFailure(id, at(2), 'inbox write failed');
    await log.recordPoll(id, at(3));
    expect(await log.get(id)).toMatchObject({ consecutiveFailures: 1, lastPollAt: at(3) });
  });

  it('clears failures on a poll proving the link, unless a newer failure is recorded', async () => {
    const id = agency();
    await log.recordFailure(id, at(2), 'national axis answered 503');
    await log.recordFailure(id, at(3), 'national axis answered 503');
    await log.recordPoll(id, at(1), { clearsFailures: true });
    expect(await log.get(id)).toMatchObject({ consecutiveFailures: 2, lastPollAt: at(1) });

    await log.recordPoll(id, at(4), { clearsFailures: true });
    expect(await log.get(id)).toMatchObject({ consecutiveFailures: 0, lastPollAt: at(4) });
  });

  it('keeps a reason short', async () => {
    const id = agency();
    await log.recordFailure(id, at(1), 'x'.repeat(5000));
    expect((await log.get(id))?.lastFailure).toHaveLength(200);
  });

  it('lists every record, the national axis link included', async () => {
    const id = agency();
    await log.recordDelivery(id, at(1));
    await log.recordPoll(NATIONAL_AXIS_CONNECTION, at(2));

    const listed = await log.list();

    expect(listed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ agencyId: id, lastDeliveryAt: at(1) }),
        expect.objectContaining({ agencyId: NATIONAL_AXIS_CONNECTION, lastPollAt: at(2) }),
      ]),
    );
  });
});
