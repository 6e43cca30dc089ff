import { beforeEach, describe, expect, it } from 'vitest';
import { AxisError } from '#shared/domain/AxisError';
import { NationalAxisError } from '#shared/domain/ports';
import { NATIONAL_AXIS_CONNECTION } from '#shared/domain/records';
import { buildStatusMessage, formatEdxmlTimestamp } from '#shared/edxml/buildStatusMessage';
import {
  type NationalLinkDeps,
  pollNationalAxis,
  syncNationalDirectory,
} from '#shared/services/nationalLink';
import { reportStatus } from '#shared/services/reportStatus';
import { type RouteMessageDeps, routeMessage } from '#shared/services/routeMessage';
import { submitDocument } from '#shared/services/submitDocument';
import { verifyDocument } from '#shared/services/verifyDocument';
import {
  CAO_BANG,
  GOVERNMENT_OFFICE,
  HAI_PHONG,
  NGHE_AN,
  type Registered,
  registerAgencies,
  SAMPLE_EDXML_ID,
  sample,
  THREE_PROVINCES_FILE,
} from '../../support/agencies';
import { FakeConnections, FakeNationalAxis, fakeDependencies } from '../../support/fakes';

/*
 * The sample dc0bdef0 goes from the Government Office (G22) to Nghệ An, Cao
 * Bằng and Hải Phòng. Which of them are agencies of this axis and which are
 * reached through the national axis is chosen per test, so the same real
 * document serves both directions of the link.
 */

type Deps = ReturnType<typeof fakeDependencies>;

let deps: Deps;
let national: FakeNationalAxis;
let connections: FakeConnections;
/** An agency of another system, sending through the national axis. */
const HOA_TIEN_REMOTE = '000.00.00.A80';

function linkDeps(): NationalLinkDeps {
  return { ...deps, national, connections };
}

function routeDeps(): RouteMessageDeps {
  return { ...deps, maxReceiveCount: 5, leaseMs: 15_000, connections, national };
}

async function putInNationalDirectory(...ids: string[]) {
  await deps.nationalDirectory.putAll(
    ids.map((agencyId) => ({ agencyId, name: `National ${agencyId}`, importedAt: 'then' })),
  );
}

function status(from: string, statusCode: string): Buffer {
  return Buffer.from(
    buildStatusMessage({
      from: { organId: from, organName: `Agency ${from}` },
      responseFor: { organId: GOVERNMENT_OFFICE, documentId: SAMPLE_EDXML_ID },
      statusCode,
      description: `status ${statusCode}`,
      timestamp: formatEdxmlTimestamp(deps.clock.now()),
    }),
  );
}

beforeEach(() => {
  deps = fakeDependencies();
  national = new FakeNationalAxis();
  connections = new FakeConnections();
});

describe('a document from this axis with a recipient on the national axis', () => {
  let agencies: Map<string, Registered>;
  let documentId: string;

  beforeEach(async () => {
    agencies = await registerAgencies(deps, [GOVERNMENT_OFFICE, NGHE_AN, CAO_BANG]);
    await putInNationalDirectory(HAI_PHONG);
  });

  const sender = () => {
    const found = agencies.get(GOVERNMENT_OFFICE);
    if (!found) throw new Error('test setup: no sender');
    return found.agency;
  };

  it('is refused when the axis is not linked, naming the recipient', async () => {
    const refusal = await submitDocument(deps, sender(), sample(THREE_PROVINCES_FILE)).catch(
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(AxisError);
    expect((refusal as AxisError).code).toBe('UNKNOWN_RECIPIENT');
    expect((refusal as AxisError).details).toEqual({ unknown: [HAI_PHONG] });
  });

  it('is accepted when linked, and its national recipient is forwarded once', async () => {
    ({ documentId } = await submitDocument(
      { ...deps, nationalLinked: true },
      sender(),
      sample(THREE_PROVINCES_FILE),
    ));
    await verifyDocument(deps, { documentId });
    const request = { documentId, messageId: documentId, recipientId: HAI_PHONG };

    expect(await routeMessage(routeDeps(), request, 1)).toBe('delivered');
    expect(await routeMessage(routeDeps(), request, 2)).toBe('already-delivered');

    expect(national.sent).toHaveLength(1);
    expect(national.sent[0]?.to).toEqual([HAI_PHONG]);
    expect(Buffer.from(national.sent[0]?.bytes ?? []).equals(sample(THREE_PROVINCES_FILE))).toBe(
      true,
    );
    const delivery = deps.exchange.deliveries.get(`${documentId}|${documentId}|${HAI_PHONG}`);
    expect(delivery).toMatchObject({ state: 'delivered', via: 'national', nationalId: 'nat-1' });
    expect(connections.records.get(NATIONAL_AXIS_CONNECTION)).toMatchObject({
      consecutiveFailures: 0,
    });
    expect(connections.records.has(HAI_PHONG)).toBe(false);
  });

  it('records a national axis outage on the link, and the queue retries it', async () => {
    ({ documentId } = await submitDocument(
      { ...deps, nationalLinked: true },
      sender(),
      sample(THREE_PROVINCES_FILE),
    ));
    await verifyDocument(deps, { documentId });
    national.failing = new NationalAxisError('sendEdoc: HTTP 503', 503, true);
    const request = { documentId, messageId: documentId, recipientId: HAI_PHONG };

    await expect(routeMessage(routeDeps(), request, 1)).rejects.toThrow(NationalAxisError);
    await expect(routeMessage(routeDeps(), request, 2)).rejects.toThrow(NationalAxisError);

    const delivery = deps.exchange.deliveries.get(`${documentId}|${documentId}|${HAI_PHONG}`);
    expect(delivery).toMatchObject({ state: 'retrying', attempts: 2 });
    expect(delivery?.lastError).toContain('HTTP 503');
    expect(connections.records.get(NATIONAL_AXIS_CONNECTION)).toMatchObject({
      consecutiveFailures: 2,
    });

    national.failing = undefined;
    expect(await routeMessage(routeDeps(), request, 3)).toBe('delivered');
    expect(connections.records.get(NATIONAL_AXIS_CONNECTION)?.consecutiveFailures).toBe(0);
  });

  it('takes the five statuses back from the national side, in order, to the sender', async () => {
    ({ documentId } = await submitDocument(
      { ...deps, nationalLinked: true },
      sender(),
      sample(THREE_PROVINCES_FILE),
    ));
    await verifyDocument(deps, { documentId });
    deps.routeQueue.sent.length = 0;
    const codes = ['01', '03', '04', '05', '06'];
    const held = codes.map((code) => national.hold('status', HAI_PHONG, status(HAI_PHONG, code)));

    const report = await pollNationalAxis(linkDeps(), 50);

    expect(report).toEqual({
      listed: 5,
      accepted: 5,
      refused: [],
      deferred: 0,
      deferredReasons: [],
    });
    expect(national.acknowledgements).toEqual(
      held.map((nationalId) => ({ nationalId, result: 'done' })),
    );
    const history = [...deps.exchange.statuses.values()]
      .filter((recorded) => recorded.agencyId === HAI_PHONG)
      .map((recorded) => recorded.statusCode);
    expect(history).toEqual(codes);
    expect(deps.exchange.progress.get(`${documentId}|${HAI_PHONG}`)?.statusCode).toBe('06');
    expect(deps.routeQueue.sent.map((request) => request.recipientId)).toEqual(
      codes.map(() => GOVERNMENT_OFFICE),
    );
    expect(connections.records.get(NATIONAL_AXIS_CONNECTION)?.lastPollAt).toBeDefined();
  });

  it('refuses a national status from an agency that is not a recipient', async () => {
    ({ documentId } = await submitDocument(
      { ...deps, nationalLinked: true },
      sender(),
      sample(THREE_PROVINCES_FILE),
    ));
    await verifyDocument(deps, { documentId });
    const stranger = '000.00.00.G09';
    const held = national.hold('status', stranger, status(stranger, '03'));

    const report = await pollNationalAxis(linkDeps(), 50);

    expect(report.refused).toEqual([{ nationalId: held, code: 'NOT_A_RECIPIENT' }]);
    expect(national.acknowledgements[0]).toMatchObject({ nationalId: held, result: 'fail' });
    expect(national.acknowledgements[0]?.reason).toMatch(/^NOT_A_RECIPIENT: /);
    expect(deps.exchange.statuses.size).toBe(0);
  });
});

describe('a document from the national axis for agencies of this axis', () => {
  beforeEach(async () => {
    // G22 is now elsewhere; Nghệ An and Cao Bằng are here, Hải Phòng is not.
    await registerAgencies(deps, [NGHE_AN, CAO_BANG]);
    // The sample's signature is a placeholder: record it, never refuse for it.
    deps.nationalSignaturePolicy = 'report';
  });

  it('is taken in for the local recipients only, acknowledged, verified and routed', async () => {
    const held = national.hold('document', GOVERNMENT_OFFICE, sample(THREE_PROVINCES_FILE));

    const report = await pollNationalAxis(linkDeps(), 50);

    expect(report).toEqual({
      listed: 1,
      accepted: 1,
      refused: [],
      deferred: 0,
      deferredReasons: [],
    });
    expect(national.acknowledgements).toEqual([{ nationalId: held, result: 'done' }]);
    const [document] = [...deps.exchange.documents.values()];
    expect(document).toMatchObject({
      senderId: GOVERNMENT_OFFICE,
      fromOrganId: GOVERNMENT_OFFICE,
      origin: 'national',
      recipients: [NGHE_AN, CAO_BANG],
      state: 'received',
    });
    const documentId = document?.documentId ?? '';
    expect(deps.verifyQueue.sent).toEqual([{ documentId }]);

    expect(await verifyDocument(deps, { documentId })).toBe('verified');
    expect(deps.routeQueue.sent.map((request) => request.recipientId)).toEqual([NGHE_AN, CAO_BANG]);
  });

  it('takes the same item twice as one document (a poll that crashed before its ack)', async () => {
    national.hold('document', GOVERNMENT_OFFICE, sample(THREE_PROVINCES_FILE));
    national.hold('document', GOVERNMENT_OFFICE, sample(THREE_PROVINCES_FILE));

    const report = await pollNationalAxis(linkDeps(), 50);

    expect(report.accepted).toBe(2);
    expect(deps.exchange.documents.size).toBe(1);
    const [document] = [...deps.exchange.documents.values()];
    // Queued again while unverified (harmless: verification is idempotent), never a second id.
    expect(new Set(deps.verifyQueue.sent.map((request) => request.documentId))).toEqual(
      new Set([document?.documentId]),
    );
  });

  it('sends a local recipient status back through the national axis to the sender', async () => {
    national.hold('document', GOVERNMENT_OFFICE, sample(THREE_PROVINCES_FILE));
    await pollNationalAxis(linkDeps(), 50);
    const [document] = [...deps.exchange.documents.values()];
    const documentId = document?.documentId ?? '';
    await verifyDocument(deps, { documentId });
    const nghe = (await deps.directory.get(NGHE_AN)) ?? (undefined as never);
    deps.routeQueue.sent.length = 0;

    const result = await reportStatus(deps, nghe, status(NGHE_AN, '01'));
    const [back] = deps.routeQueue.sent;
    expect(back).toEqual({
      documentId,
      messageId: result.messageId,
      recipientId: GOVERNMENT_OFFICE,
    });
    // G22 is not in the national directory: it is reached because it sent the document.
    expect(await routeMessage(routeDeps(), back ?? (undefined as never), 1)).toBe('delivered');
    expect(national.sent).toHaveLength(1);
    expect(national.sent[0]?.to).toEqual([GOVERNMENT_OFFICE]);
    expect(national.sent[0]?.messageId).toBe(result.messageId);
  });

  it('is refused on record only, no rejection sent back, when its signature fails', async () => {
    national.hold('document', GOVERNMENT_OFFICE, sample(THREE_PROVINCES_FILE));
    await pollNationalAxis(linkDeps(), 50);
    const [document] = [...deps.exchange.documents.values()];
    const documentId = document?.documentId ?? '';
    deps.routeQueue.sent.length = 0;

    // The sample carries no valid signature: 'required' refuses it.
    const outcome = await verifyDocument(
      { ...deps, nationalSignaturePolicy: 'required' },
      { documentId },
    );

    expect(outcome).toBe('rejected');
    expect(deps.exchange.documents.get(documentId)?.state).toBe('rejected');
    expect(deps.routeQueue.sent).toEqual([]);
    expect(deps.exchange.messages.size).toBe(1);
  });

  it('refuses with its code what cannot be taken in; defers what failed in transit', async () => {
    const notXml = national.hold('document', GOVERNMENT_OFFICE, Buffer.from('not xml at all'));
    const fromHere = national.hold('status', NGHE_AN, status(NGHE_AN, '01'));
    const noLocal = national.hold(
      'document',
      GOVERNMENT_OFFICE,
      Buffer.from(
        sample(THREE_PROVINCES_FILE)
          .toString('utf8')
          .replaceAll(NGHE_AN, '000.00.00.H99')
          .replaceAll(CAO_BANG, '000.00.00.H98'),
      ),
    );
    const corrupted = national.hold('document', GOVERNMENT_OFFICE, sample(THREE_PROVINCES_FILE));
    const waiting = national.waiting.get(corrupted);
    if (!waiting) throw new Error('test setup: no item');
    national.waiting.set(corrupted, { ...waiting, bytes: Buffer.from('truncated in transit') });

    const report = await pollNationalAxis(linkDeps(), 50);

    expect(report.refused).toEqual([
      { nationalId: notXml, code: 'NOT_XML' },
      { nationalId: fromHere, code: 'SENDER_MISMATCH' },
      { nationalId: noLocal, code: 'NO_LOCAL_RECIPIENT' },
    ]);
    expect(report.deferred).toBe(1);
    expect(report.deferredReasons).toEqual([
      { nationalId: corrupted, reason: expect.stringContaining('another digest than listed') },
    ]);
    expect(national.waiting.has(corrupted)).toBe(true);
    // Items left behind show on the link, for operators and the alarm.
    expect(connections.records.get(NATIONAL_AXIS_CONNECTION)).toMatchObject({
      consecutiveFailures: 1,
      lastFailure: expect.stringContaining('1 item(s) left for the next poll'),
    });
    expect(national.acknowledgements.map((ack) => ack.result)).toEqual(['fail', 'fail', 'fail']);
    expect(deps.exchange.documents.size).toBe(0);
    expect(deps.payloads.objects.size).toBe(0);
  });

  it('refuses a document claiming a unit that an agency here sends for', async () => {
    // The Government Office is here now, sending for a unit of its own.
    const unit = '000.01.00.G22';
    await registerAgencies(deps, [{ agencyId: GOVERNMENT_OFFICE, sendsFor: [unit] }]);
    const forged = Buffer.from(
      sample('edoc_revocation.edxml').toString('utf8').replaceAll(GOVERNMENT_OFFICE, unit),
    );
    const held = national.hold('document', HOA_TIEN_REMOTE, forged);
    const forgedTakeBack = national.hold(
      'status',
      unit,
      Buffer.from(
        buildStatusMessage({
          from: { organId: unit },
          responseFor: { organId: unit, documentId: SAMPLE_EDXML_ID },
          statusCode: '13',
          timestamp: formatEdxmlTimestamp(deps.clock.now()),
        }),
      ),
    );

    const report = await pollNationalAxis(linkDeps(), 50);

    expect(report.refused).toEqual([
      { nationalId: held, code: 'SENDER_MISMATCH' },
      { nationalId: forgedTakeBack, code: 'SENDER_MISMATCH' },
    ]);
    expect(deps.exchange.documents.size).toBe(0);
    expect(deps.exchange.statuses.size).toBe(0);
  });

  it('refuses an item larger than a submission may be without downloading it', async () => {
    const held = national.hold('document', GOVERNMENT_OFFICE, sample(THREE_PROVINCES_FILE));
    national.failing = undefined;
    const small = { ...linkDeps(), maxBodyBytes: 1000 };

    const report = await pollNationalAxis(small, 50);

    expect(report.refused).toEqual([{ nationalId: held, code: 'PAYLOAD_TOO_LARGE' }]);
    expect(deps.payloads.objects.size).toBe(0);
  });

  it('refuses an item whose download the national axis refuses for good', async () => {
    const held = national.hold('document', GOVERNMENT_OFFICE, sample(THREE_PROVINCES_FILE));
    const link = linkDeps();
    const refusing = {
      ...link,
      national: Object.assign(Object.create(national), {
        download: async () => {
          throw new NationalAxisError('national axis getEdoc: answered 404 NOT_FOUND', 404, false);
        },
      }),
    };

    const report = await pollNationalAxis(refusing, 50);

    expect(report.refused).toEqual([{ nationalId: held, code: 'NATIONAL_AXIS_REFUSED' }]);
    expect(national.acknowledgements).toEqual([
      { nationalId: held, result: 'fail', reason: 'national axis getEdoc: answered 404 NOT_FOUND' },
    ]);
  });

  it('records a national axis that cannot be listed as a failure of the link', async () => {
    national.failing = new NationalAxisError('getReceivedEdocList: unreachable', undefined, true);

    await expect(pollNationalAxis(linkDeps(), 50)).rejects.toThrow(NationalAxisError);

    expect(connections.records.get(NATIONAL_AXIS_CONNECTION)).toMatchObject({
      consecutiveFailures: 1,
      lastFailure: 'NationalAxisError: getReceivedEdocList: unreachable',
    });

    // Back: a poll that takes everything clears the run of failures.
    national.failing = undefined;
    deps.clock.advance(60_000);
    await pollNationalAxis(linkDeps(), 50);
    expect(connections.records.get(NATIONAL_AXIS_CONNECTION)).toMatchObject({
      consecutiveFailures: 0,
      lastPollAt: deps.clock.now().toISOString(),
    });
  });
});

describe('syncNationalDirectory', () => {
  it('replaces the national directory with the national axis list', async () => {
    await putInNationalDirectory('000.00.00.H01');
    national.agencies = [
      { agencyId: GOVERNMENT_OFFICE, name: 'Văn phòng Chính phủ' },
      { agencyId: HAI_PHONG, name: 'UBND thành phố Hải Phòng', parentId: GOVERNMENT_OFFICE },
    ];

    const sync = await syncNationalDirectory({ ...deps, national });

    expect(sync).toMatchObject({ added: 2, removed: 1 });
    expect(await deps.nationalDirectory.get(HAI_PHONG)).toMatchObject({
      name: 'UBND thành phố Hải Phòng',
      parentId: GOVERNMENT_OFFICE,
    });
    expect(await deps.nationalDirectory.get('000.00.00.H01')).toBeUndefined();
  });

  it('refuses an empty list and leaves the directory as it was', async () => {
    await putInNationalDirectory(HAI_PHONG);
    national.agencies = [];

    const refusal = await syncNationalDirectory({ ...deps, national }).catch((e: unknown) => e);

    expect((refusal as AxisError).code).toBe('INVALID_PARAMETER');
    expect(await deps.nationalDirectory.get(HAI_PHONG)).toBeDefined();
  });
});
