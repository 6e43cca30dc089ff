import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoNationalDirectory } from '#shared/adapters/dynamodb/DynamoNationalDirectory';
import { AxisClient, AxisRequestError } from '#shared/client/AxisClient';
import { syncDirectory } from '#shared/services/importDirectory';
import { credentialsOf, registerAll } from '../integration/helpers/registration';
import {
  CAO_BANG,
  GOVERNMENT_OFFICE,
  HAI_PHONG,
  NGHE_AN,
  sample,
  THREE_PROVINCES_FILE,
} from '../support/agencies';
import { type RunningAxis, startTestRuntime } from './helpers/localAxis';
import { eventually, wholeInbox } from './helpers/polling';

/**
 * Pull mode over HTTP on the local runtime: the Government Office sends the
 * three-province sample to three inbox agencies. Nghệ An never acknowledges,
 * Cao Bằng acknowledges done, Hải Phòng acknowledges failed; each listing
 * after that shows what the protocol promises.
 */
let running: RunningAxis;
const clients = new Map<string, AxisClient>();
let documentId: string;

const client = (agencyId: string) => {
  const found = clients.get(agencyId);
  if (!found) throw new Error(`no client for ${agencyId}`);
  return found;
};

const pendingIds = async (agencyId: string) =>
  (await wholeInbox(client(agencyId))).map((item) => item.messageId);

beforeAll(async () => {
  running = await startTestRuntime('e2e-acknowledge', 2);
  const registered = await registerAll(running.axis.provisioned.tables.agencies, [
    { agencyId: GOVERNMENT_OFFICE },
    { agencyId: NGHE_AN },
    { agencyId: CAO_BANG },
    { agencyId: HAI_PHONG },
  ]);
  for (const agencyId of [GOVERNMENT_OFFICE, NGHE_AN, CAO_BANG, HAI_PHONG]) {
    clients.set(agencyId, new AxisClient(running.axis.url, credentialsOf(registered, agencyId)));
  }
  ({ documentId } = await client(GOVERNMENT_OFFICE).submitDocument(sample(THREE_PROVINCES_FILE)));
  for (const agencyId of [NGHE_AN, CAO_BANG, HAI_PHONG]) {
    await eventually(`the document in ${agencyId}'s inbox`, async () =>
      (await pendingIds(agencyId)).includes(documentId),
    );
  }
});

afterAll(async () => {
  await running?.stop();
});

describe('acknowledging inbox items', () => {
  it('offers an item nobody acknowledged again, on every listing', async () => {
    await client(NGHE_AN).download(documentId);
    expect(await pendingIds(NGHE_AN)).toEqual([documentId]);
    expect(await pendingIds(NGHE_AN)).toEqual([documentId]);
  });

  it('stops offering an item acknowledged as done; a repeat answers the same', async () => {
    const first = await client(CAO_BANG).acknowledge(documentId, { result: 'done' });
    const again = await client(CAO_BANG).acknowledge(documentId, { result: 'done' });

    expect(first).toMatchObject({ messageId: documentId, result: 'done' });
    expect(again).toEqual(first);
    expect(await pendingIds(CAO_BANG)).toEqual([]);
  });

  it('offers a failed item again, with the failure visible in the listing', async () => {
    await client(HAI_PHONG).acknowledge(documentId, {
      result: 'failed',
      reason: 'Không đọc được tệp đính kèm',
    });

    const [item] = await wholeInbox(client(HAI_PHONG));
    expect(item).toMatchObject({
      messageId: documentId,
      failureCount: 1,
      lastFailureReason: 'Không đọc được tệp đính kèm',
    });
    expect(item?.acknowledgedAt).toBeUndefined();
  });

  it("shows each pull recipient's acknowledgement on the sender's timeline", async () => {
    const timeline = await client(GOVERNMENT_OFFICE).timeline(documentId);
    const lines = Object.fromEntries(
      timeline.recipients.map((line) => [line.agencyId, line.delivery as Record<string, unknown>]),
    );
    expect(lines[NGHE_AN]?.acknowledgement).toBeUndefined();
    expect(lines[CAO_BANG]?.acknowledgement).toMatchObject({ result: 'done' });
    expect(lines[HAI_PHONG]?.acknowledgement).toMatchObject({ result: 'failed', failureCount: 1 });
    expect(JSON.stringify(timeline)).not.toContain('Không đọc được');
  });

  it('answers 404 for an item in another inbox and 400 for a bad body', async () => {
    const sender = client(GOVERNMENT_OFFICE);
    await expect(sender.acknowledge(documentId, { result: 'done' })).rejects.toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    });
    const bad = client(NGHE_AN).acknowledge(documentId, {
      result: 'failed',
      reason: 'x'.repeat(201),
    });
    await expect(bad).rejects.toBeInstanceOf(AxisRequestError);
    await expect(bad).rejects.toMatchObject({ status: 400, code: 'INVALID_PARAMETER' });
    expect(await pendingIds(NGHE_AN)).toEqual([documentId]);
  });
});

describe('the agency directory', () => {
  it('looks up imported agencies, marking those connected to the axis', async () => {
    const directory = new DynamoNationalDirectory(
      running.axis.provisioned.tables.nationalDirectory,
    );
    await syncDirectory(
      { nationalDirectory: directory, clock: { now: () => new Date() } },
      [
        { id: NGHE_AN, name: 'UBND tỉnh Nghệ An', parentId: null },
        { id: '000.00.00.G06', name: 'Bộ Ngoại giao', parentId: null },
      ],
      { prune: false },
    );

    const { items } = await client(CAO_BANG).agencies({ prefix: '000.00.00.' });
    expect(items).toEqual([
      { id: '000.00.00.G06', name: 'Bộ Ngoại giao', parentId: null, connected: false },
      { id: NGHE_AN, name: 'UBND tỉnh Nghệ An', parentId: null, connected: true },
    ]);
    expect(await client(CAO_BANG).agency(NGHE_AN)).toMatchObject({ connected: true });
  });
});
