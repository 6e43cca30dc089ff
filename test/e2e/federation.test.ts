import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoNationalDirectory } from '#shared/adapters/dynamodb/DynamoNationalDirectory';
import { AxisClient } from '#shared/client/AxisClient';
import { buildStatusMessage, formatEdxmlTimestamp } from '#shared/edxml/buildStatusMessage';
import { parseDocument } from '#shared/edxml/parseEdxml';
import {
  type NationalAxisSimulator,
  startNationalAxisSimulator,
} from '../../local/national/simulator';
import { credentialsOf, registerAll } from '../integration/helpers/registration';
import {
  CAO_BANG,
  GOVERNMENT_OFFICE,
  HAI_PHONG,
  HOA_SON,
  HOA_TIEN,
  NGHE_AN,
  sample,
  THREE_PROVINCES_FILE,
} from '../support/agencies';
import { type RunningAxis, startTestRuntime } from './helpers/localAxis';
import { eventually, wholeInbox } from './helpers/polling';

/**
 * The link with the national axis, end to end on the local runtime and the
 * national axis simulator, both on loopback. This axis serves the Government
 * Office, Nghệ An, Cao Bằng and Hòa Sơn; Hải Phòng and Hòa Tiến live on the
 * simulator, which answers a new document with 01, 03, 04, 05, 06 and a
 * revoke with 01. Every exchange goes over the signed wire protocol, and the
 * axis's poll of the national axis runs as the scheduled function does.
 */
const SYSTEM_ID = 'lienthong-e2e-city';
const LOCAL = [GOVERNMENT_OFFICE, NGHE_AN, CAO_BANG, HOA_SON];

let simulator: NationalAxisSimulator;
let running: RunningAxis;
const clients = new Map<string, AxisClient>();

const client = (agencyId: string) => {
  const found = clients.get(agencyId);
  if (!found) throw new Error(`no client for ${agencyId}`);
  return found;
};

/** Polls the national axis (as the schedule would) until `check` holds. */
function afterPolls<T>(what: string, check: () => Promise<T | undefined | false>) {
  return eventually(what, async () => {
    await running.axis.runScheduled('federation');
    return check();
  });
}

beforeAll(async () => {
  const secret = randomBytes(32).toString('base64url');
  simulator = await startNationalAxisSimulator({
    systems: [{ systemId: SYSTEM_ID, secret, agencies: LOCAL }],
    nationalAgencies: [
      { agencyId: GOVERNMENT_OFFICE, name: 'Văn phòng Chính phủ' },
      { agencyId: NGHE_AN, name: 'UBND tỉnh Nghệ An' },
      { agencyId: CAO_BANG, name: 'UBND tỉnh Cao Bằng' },
      { agencyId: HOA_SON, name: 'UBND xã Hòa Sơn' },
      { agencyId: HAI_PHONG, name: 'UBND thành phố Hải Phòng' },
      { agencyId: HOA_TIEN, name: 'UBND xã Hòa Tiến' },
    ],
    simulatedAgencies: [HAI_PHONG, HOA_TIEN],
  });
  running = await startTestRuntime('e2e-federation', 2, {
    national: { url: simulator.url, systemId: SYSTEM_ID, secret, signaturePolicy: 'report' },
    // Runs come from the test (runScheduled), not from timers.
    scheduleEveryMs: { federation: 3_600_000, directorySync: 3_600_000 },
  });
  const registered = await registerAll(
    running.axis.provisioned.tables.agencies,
    LOCAL.map((agencyId) => ({ agencyId })),
  );
  for (const agencyId of LOCAL) {
    clients.set(agencyId, new AxisClient(running.axis.url, credentialsOf(registered, agencyId)));
  }
});

afterAll(async () => {
  await running?.stop();
  await simulator?.stop();
});

describe('the national directory', () => {
  it('is taken from the national axis by the scheduled sync', async () => {
    await running.axis.runScheduled('directorySync');

    const directory = new DynamoNationalDirectory(
      running.axis.provisioned.tables.nationalDirectory,
    );
    expect(await directory.get(HAI_PHONG)).toMatchObject({ name: 'UBND thành phố Hải Phòng' });
    // Listed for agencies to look up, and shown as not connected to this axis.
    expect(await client(GOVERNMENT_OFFICE).agency(HOA_TIEN)).toMatchObject({
      id: HOA_TIEN,
      name: 'UBND xã Hòa Tiến',
      connected: false,
    });
  });
});

describe('a document with local and national recipients', () => {
  let documentId: string;

  beforeAll(async () => {
    await running.axis.runScheduled('directorySync');
    ({ documentId } = await client(GOVERNMENT_OFFICE).submitDocument(sample(THREE_PROVINCES_FILE)));
  });

  it('reaches the local recipients and, through the national axis, Hải Phòng', async () => {
    for (const agencyId of [NGHE_AN, CAO_BANG]) {
      await eventually(`the document in ${agencyId}'s inbox`, async () =>
        (await wholeInbox(client(agencyId))).some((item) => item.messageId === documentId),
      );
    }
    const [arrived] = await eventually('the document in Hải Phòng’s national mailbox', () => {
      const mail = simulator.mailbox(HAI_PHONG).filter((entry) => entry.kind === 'document');
      return mail.length > 0 ? mail : undefined;
    });
    expect(Buffer.from(arrived?.bytes ?? []).equals(sample(THREE_PROVINCES_FILE))).toBe(true);
    expect(arrived?.from).toBe(GOVERNMENT_OFFICE);

    const timeline = await client(GOVERNMENT_OFFICE).timeline(documentId);
    const haiPhong = timeline.recipients.find((recipient) => recipient.agencyId === HAI_PHONG);
    expect(haiPhong?.delivery).toMatchObject({ state: 'delivered', via: 'national' });
  });

  it('brings Hải Phòng’s five statuses back to the sender, in order', async () => {
    const timeline = await afterPolls('Hải Phòng at 06', async () => {
      const current = await client(GOVERNMENT_OFFICE).timeline(documentId);
      const haiPhong = current.recipients.find((recipient) => recipient.agencyId === HAI_PHONG);
      return haiPhong?.currentStatus?.code === '06' ? current : undefined;
    });
    const haiPhong = timeline.recipients.find((recipient) => recipient.agencyId === HAI_PHONG);
    expect(haiPhong?.statuses.map((status) => status.statusCode)).toEqual([
      '01',
      '03',
      '04',
      '05',
      '06',
    ]);
    const statusesAtSender = await eventually('five statuses in the sender’s inbox', async () => {
      const items = (await wholeInbox(client(GOVERNMENT_OFFICE))).filter(
        (item) => item.kind === 'status' && item.from === HAI_PHONG,
      );
      return items.length === 5 ? items : undefined;
    });
    expect(statusesAtSender.map((item) => item.statusCode).sort()).toEqual([
      '01',
      '03',
      '04',
      '05',
      '06',
    ]);
    expect(
      simulator
        .acknowledgements()
        .filter((ack) => ack.systemId === SYSTEM_ID && ack.status === 'done'),
    ).toHaveLength(5);
  });

  it('forwards a revoke of it to Hải Phòng, who acknowledges its arrival', async () => {
    const { documentId: revokeId } = await client(GOVERNMENT_OFFICE).submitDocument(
      sample('edoc_revocation.edxml'),
    );
    await eventually('the revoke in Hải Phòng’s national mailbox', () =>
      simulator.mailbox(HAI_PHONG).some((entry) => {
        if (entry.kind !== 'document') return false;
        return parseDocument(entry.bytes).businessDocType === 1;
      }),
    );
    const timeline = await afterPolls('Hải Phòng’s 01 for the revoke', async () => {
      const current = await client(GOVERNMENT_OFFICE).timeline(revokeId);
      const haiPhong = current.recipients.find((recipient) => recipient.agencyId === HAI_PHONG);
      return haiPhong?.currentStatus?.code === '01' ? current : undefined;
    });
    expect(timeline.links).toMatchObject({ revokes: documentId });
  });
});

describe('a document from an agency on the national axis', () => {
  const edocNew = sample('edoc_new.edxml');
  const header = parseDocument(edocNew);

  it('is fetched, delivered to Hòa Sơn, and Hòa Sơn’s statuses go back to Hòa Tiến', async () => {
    const { nationalId } = simulator.inject({ from: HOA_TIEN, to: [HOA_SON], bytes: edocNew });

    const item = await afterPolls('the document in Hòa Sơn’s inbox', async () =>
      (await wholeInbox(client(HOA_SON))).find((entry) => entry.kind === 'document'),
    );
    expect(item?.from).toBe(HOA_TIEN);
    const downloaded = await client(HOA_SON).download(item?.messageId ?? '');
    expect(Buffer.from(downloaded.bytes).equals(edocNew)).toBe(true);
    expect(simulator.acknowledgements()).toContainEqual(
      expect.objectContaining({ nationalId, status: 'done' }),
    );

    for (const statusCode of ['01', '03']) {
      await client(HOA_SON).reportStatus(
        Buffer.from(
          buildStatusMessage({
            from: { organId: HOA_SON, organName: 'UBND xã Hòa Sơn' },
            responseFor: {
              organId: HOA_TIEN,
              documentId: header.documentId,
              ...(header.promulgationDate ? { promulgationDate: header.promulgationDate } : {}),
            },
            statusCode,
            description: `Hòa Sơn ${statusCode}`,
            timestamp: formatEdxmlTimestamp(new Date()),
          }),
        ),
      );
    }
    const statuses = await eventually('both statuses in Hòa Tiến’s national mailbox', () => {
      const mail = simulator.mailbox(HOA_TIEN).filter((entry) => entry.kind === 'status');
      return mail.length === 2 ? mail : undefined;
    });
    expect(statuses.map((entry) => entry.statusCode).sort()).toEqual(['01', '03']);
    expect(statuses.every((entry) => entry.from === HOA_SON)).toBe(true);
  });

  it('refuses a file for no agency here, acknowledging it as failed with the code', async () => {
    const { nationalId } = simulator.inject({
      from: HOA_TIEN,
      to: [HOA_SON],
      bytes: Buffer.from(edocNew.toString('utf8').replaceAll(HOA_SON, '28.22.H99')),
    });

    const ack = await afterPolls('the refusal acknowledged', async () =>
      simulator.acknowledgements().find((entry) => entry.nationalId === nationalId),
    );
    expect(ack).toMatchObject({ status: 'fail' });
    expect(ack?.reason).toMatch(/^NO_LOCAL_RECIPIENT: /);
  });
});

describe('a national axis that is down', () => {
  it('leaves items listed there and takes them once it is back', async () => {
    const { nationalId } = simulator.inject({
      from: HOA_TIEN,
      to: [HOA_SON],
      bytes: Buffer.from(
        sample('edoc_new.edxml')
          .toString('utf8')
          .replace('</edXML:Subject>', ' (2)</edXML:Subject>'),
      ),
    });
    simulator.setAvailable(false);
    const failuresBefore = running.errors.length;
    await running.axis.runScheduled('federation');
    expect(running.errors.length).toBeGreaterThan(failuresBefore);
    expect(simulator.acknowledgements().some((entry) => entry.nationalId === nationalId)).toBe(
      false,
    );

    simulator.setAvailable(true);
    const ack = await afterPolls('the item acknowledged after the outage', async () =>
      simulator.acknowledgements().find((entry) => entry.nationalId === nationalId),
    );
    expect(ack).toMatchObject({ status: 'done' });
  });
});
