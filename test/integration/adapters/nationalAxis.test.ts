import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpNationalAxis } from '#shared/adapters/http/HttpNationalAxis';
import { signNationalRequest } from '#shared/auth/nationalSignature';
import { NationalAxisError } from '#shared/domain/ports';
import type { NationalAgency } from '#shared/domain/records';
import { parseStatus } from '#shared/edxml/parseEdxml';
import {
  type NationalAxisSimulator,
  startNationalAxisSimulator,
} from '../../../local/national/simulator';
import {
  CAO_BANG,
  GOVERNMENT_OFFICE,
  HAI_PHONG,
  HOA_SON,
  HOA_TIEN,
  NGHE_AN,
  SAMPLE_EDXML_ID,
  sample,
  THREE_PROVINCES_FILE,
} from '../../support/agencies';
import { waitFor } from '../../support/waitFor';

/** This axis, as the national axis knows it. */
const LIENTHONG = { systemId: 'lienthong-test', secret: 'lienthong shared secret 0123456789' };
/** Another province's system connected to the national axis. */
const PROVINCE = { systemId: 'province-system', secret: 'province shared secret 9876543210' };

const DIRECTORY: NationalAgency[] = [
  { agencyId: GOVERNMENT_OFFICE, name: 'Văn phòng Chính phủ' },
  { agencyId: NGHE_AN, name: 'UBND Tỉnh Nghệ An' },
  { agencyId: CAO_BANG, name: 'UBND Tỉnh Cao Bằng' },
  { agencyId: HAI_PHONG, name: 'Sở Thông tin truyền thông Hải Phòng' },
  { agencyId: HOA_TIEN, name: 'UBND xã Hòa Tiến' },
  { agencyId: HOA_SON, name: 'UBND xã Hòa Sơn', parentId: HOA_TIEN },
];

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let simulator: NationalAxisSimulator;
let lienthong: HttpNationalAxis;
let province: HttpNationalAxis;
const stoppers: Array<() => Promise<void>> = [];

async function start(options: { replyStatuses?: string[]; replyDelayMs?: number } = {}) {
  const started = await startNationalAxisSimulator({
    systems: [
      { ...LIENTHONG, agencies: [GOVERNMENT_OFFICE, HOA_TIEN] },
      { ...PROVINCE, agencies: [NGHE_AN, CAO_BANG] },
    ],
    nationalAgencies: DIRECTORY,
    simulatedAgencies: [HAI_PHONG, HOA_SON],
    ...options,
  });
  stoppers.push(() => started.stop());
  return started;
}

function clientOf(
  url: string,
  credentials: { systemId: string; secret: string },
  timeoutMs?: number,
) {
  return new HttpNationalAxis(url, async () => credentials, { timeoutMs });
}

/** Runs `call` and returns the NationalAxisError it must throw. */
async function failureOf(call: () => Promise<unknown>): Promise<NationalAxisError> {
  const error = await call().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(NationalAxisError);
  return error as NationalAxisError;
}

/** A loopback server that answers every request with `handler`, for misbehaving peers. */
async function startPeer(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stoppers.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeEach(async () => {
  simulator = await start();
  lienthong = clientOf(simulator.url, LIENTHONG);
  province = clientOf(simulator.url, PROVINCE);
});

afterEach(async () => {
  await Promise.all(stoppers.splice(0).map((stop) => stop()));
});

describe('HttpNationalAxis against the simulator', () => {
  it('sends a document the other system lists, downloads exactly and acknowledges', async () => {
    const bytes = sample(THREE_PROVINCES_FILE);

    const { nationalId } = await lienthong.send({
      messageId: 'doc-1',
      to: [NGHE_AN, CAO_BANG],
      bytes,
    });

    const listed = await province.listReceived(10);
    expect(listed).toEqual([
      {
        nationalId,
        kind: 'document',
        from: GOVERNMENT_OFFICE,
        sha256: sha256(bytes),
        size: bytes.length,
        receivedAt: expect.any(String),
      },
    ]);
    expect(Buffer.from(await province.download(nationalId)).equals(bytes)).toBe(true);
    // Two recipients on one system: one item, not two.
    await province.acknowledge(nationalId, 'done');
    expect(await province.listReceived(10)).toEqual([]);
    expect(simulator.acknowledgements()).toEqual([
      { systemId: PROVINCE.systemId, nationalId, status: 'done', at: expect.any(String) },
    ]);
    // Nothing came back to the sender: the province's system sends no statuses itself.
    expect(await lienthong.listReceived(10)).toEqual([]);
  });

  it('brings a simulated agency statuses 01, 03, 04, 05, 06 to the sending system', async () => {
    const bytes = sample(THREE_PROVINCES_FILE);

    await lienthong.send({ messageId: 'doc-2', to: [HAI_PHONG], bytes });

    const [received] = simulator.mailbox(HAI_PHONG);
    expect(received).toMatchObject({ kind: 'document', from: GOVERNMENT_OFFICE });
    expect(Buffer.from(received?.bytes ?? []).equals(bytes)).toBe(true);

    const items = await lienthong.listReceived(10);
    expect(items.map((item) => [item.kind, item.from])).toEqual(
      Array.from({ length: 5 }, () => ['status', HAI_PHONG]),
    );
    const statuses = await Promise.all(
      items.map(async (item) => {
        const file = await lienthong.download(item.nationalId);
        expect(sha256(file)).toBe(item.sha256);
        return parseStatus(file);
      }),
    );
    expect(statuses.map((status) => status.statusCode)).toEqual(['01', '03', '04', '05', '06']);
    for (const status of statuses) {
      expect(status.from).toMatchObject({ organId: HAI_PHONG, organName: DIRECTORY[3]?.name });
      expect(status.responseFor).toEqual({
        organId: GOVERNMENT_OFFICE,
        documentId: SAMPLE_EDXML_ID,
        code: '7816/VPCP-TTĐT',
        promulgationDate: '2019/04/11',
      });
      expect(status.timestamp).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/);
    }
    // The other system sees none of it.
    expect(await province.listReceived(10)).toEqual([]);
  });

  it('has a revision (business type 1-3) answered with 01 only', async () => {
    await lienthong.send({
      messageId: 'upd-1',
      to: [HAI_PHONG],
      bytes: sample('edoc_update.edxml'),
    });

    const items = await lienthong.listReceived(10);
    expect(items).toHaveLength(1);
    const file = await lienthong.download(items[0]?.nationalId ?? '');
    expect(parseStatus(file).statusCode).toBe('01');
  });

  it('keeps a status sent to a simulated agency in its mailbox and answers nothing', async () => {
    await lienthong.send({
      messageId: 'st-1',
      to: [HAI_PHONG],
      bytes: sample('status_acceptance_03.edxml'),
    });

    expect(simulator.mailbox(HAI_PHONG)).toEqual([
      expect.objectContaining({ kind: 'status', statusCode: '03' }),
    ]);
    expect(await lienthong.listReceived(10)).toEqual([]);
  });

  it('delivers statuses with the configured delay, one after another', async () => {
    const slow = await start({ replyStatuses: ['01', '02'], replyDelayMs: 250 });
    const client = clientOf(slow.url, LIENTHONG);

    await client.send({ messageId: 'doc-s', to: [HOA_SON], bytes: sample('edoc_new.edxml') });
    expect(await client.listReceived(10)).toEqual([]);

    const items = await waitFor('two statuses', async () => {
      const listed = await client.listReceived(10);
      return listed.length === 2 && listed;
    });
    const codes = await Promise.all(
      items.map(async (item) => parseStatus(await client.download(item.nationalId)).statusCode),
    );
    expect(codes).toEqual(['01', '02']);
  });

  it('refuses, for good, a file larger than the client reads, leaving it listed', async () => {
    const bytes = sample(THREE_PROVINCES_FILE);
    const { nationalId } = await lienthong.send({ messageId: 'big-1', to: [NGHE_AN], bytes });
    const small = new HttpNationalAxis(simulator.url, async () => PROVINCE, {
      maxResponseBytes: bytes.length - 1,
    });

    const error = await failureOf(() => small.download(nationalId));

    expect(error.retryable).toBe(false);
    expect(error.message).toContain(`larger than ${bytes.length - 1} bytes`);
    expect((await province.listReceived(10)).map((item) => item.nationalId)).toContain(nationalId);
    expect(Buffer.from(await province.download(nationalId)).equals(bytes)).toBe(true);
    await province.acknowledge(nationalId, 'done');
  });

  it('answers the same nationalId to a repeated send and stores nothing new', async () => {
    const bytes = sample(THREE_PROVINCES_FILE);

    const first = await lienthong.send({ messageId: 'doc-3', to: [NGHE_AN, HAI_PHONG], bytes });
    const again = await lienthong.send({ messageId: 'doc-3', to: [HAI_PHONG, NGHE_AN], bytes });
    const other = await lienthong.send({ messageId: 'doc-3', to: [NGHE_AN], bytes });

    expect(again).toEqual(first);
    expect(other.nationalId).not.toBe(first.nationalId);
    expect((await province.listReceived(10)).map((item) => item.nationalId)).toEqual([
      first.nationalId,
      other.nationalId,
    ]);
    expect(simulator.mailbox(HAI_PHONG)).toHaveLength(1);
    expect(await lienthong.listReceived(10)).toHaveLength(5);
    expect((await lienthong.listSent(10)).map((item) => item.nationalId)).toEqual([
      other.nationalId,
      first.nationalId,
    ]);
  });

  it('refuses an unknown recipient without storing anything, not retryable', async () => {
    const error = await failureOf(() =>
      lienthong.send({
        messageId: 'doc-4',
        to: [NGHE_AN, '000.00.00.X99'],
        bytes: sample(THREE_PROVINCES_FILE),
      }),
    );

    expect(error).toMatchObject({ status: 400, retryable: false });
    expect(error.message).toContain('UNKNOWN_RECIPIENT');
    expect(error.message).toContain('000.00.00.X99');
    expect(await province.listReceived(10)).toEqual([]);
    expect(await lienthong.listSent(10)).toEqual([]);
  });

  it('refuses a file that is not edXML, with the reader code, not retryable', async () => {
    const error = await failureOf(() =>
      lienthong.send({ messageId: 'bad', to: [NGHE_AN], bytes: Buffer.from('<html/>') }),
    );
    expect(error).toMatchObject({ status: 400, retryable: false });
    expect(error.message).toContain('NOT_EDXML');
  });

  it('gives a wrong secret or an unknown system a 401 that is not retryable', async () => {
    const wrongSecret = clientOf(simulator.url, { ...LIENTHONG, secret: 'not the secret' });
    const stranger = clientOf(simulator.url, { systemId: 'nobody', secret: LIENTHONG.secret });

    const bad = await failureOf(() => wrongSecret.listReceived(10));
    const unknown = await failureOf(() => stranger.listAgencies());

    expect(bad).toMatchObject({ status: 401, retryable: false });
    expect(bad.message).toContain('BAD_SIGNATURE');
    expect(bad.message).not.toContain('not the secret');
    expect(unknown).toMatchObject({ status: 401, retryable: false });
    expect(unknown.message).toContain('UNKNOWN_SYSTEM');
  });

  it('reports the axis unavailable, stopped or silent as retryable', async () => {
    simulator.setAvailable(false);
    const unavailable = await failureOf(() => lienthong.listReceived(10));
    expect(unavailable).toMatchObject({ status: 503, retryable: true });
    simulator.setAvailable(true);
    expect(await lienthong.listReceived(10)).toEqual([]);
    expect(simulator.requests().getReceivedEdocList).toBe(2);

    const gone = await start();
    await gone.stop();
    const refused = await failureOf(() => clientOf(gone.url, LIENTHONG).listAgencies());
    expect(refused).toMatchObject({ status: undefined, retryable: true });
    expect(refused.message).toContain('could not be reached');

    const silent = await startPeer(() => {
      // Never answers.
    });
    const timedOut = await failureOf(() => clientOf(silent, LIENTHONG, 200).listAgencies());
    expect(timedOut).toMatchObject({ status: undefined, retryable: true });
    expect(timedOut.message).toContain('no answer within 200 ms');
  });

  it('treats 429 as retryable and other refusals as final', async () => {
    let status = 429;
    const peer = await startPeer((_, response) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ code: 'SLOW_DOWN', message: 'too many calls' }));
    });
    const client = clientOf(peer, LIENTHONG);

    expect(await failureOf(() => client.listSent(5))).toMatchObject({
      status: 429,
      retryable: true,
      message: 'national axis getSentEdocList: answered 429 SLOW_DOWN: too many calls',
    });
    status = 403;
    expect(await failureOf(() => client.listSent(5))).toMatchObject({ retryable: false });
  });

  it('refuses a request whose body or signed header was altered after signing', async () => {
    const bytes = sample(THREE_PROVINCES_FILE);
    const headers = signNationalRequest({
      method: 'POST',
      pathWithQuery: '/sendEdoc',
      body: bytes,
      headers: { 'x-to': NGHE_AN, 'x-message-id': 'tampered' },
      ...LIENTHONG,
      now: new Date(),
    });
    const post = (body: Uint8Array, extra: Record<string, string> = {}) =>
      fetch(`${simulator.url}/sendEdoc`, {
        method: 'POST',
        headers: { ...headers, ...extra },
        body,
      });

    const altered = Buffer.from(bytes);
    altered[altered.length - 2] = 0x20;
    const tamperedBody = await post(altered);
    expect(tamperedBody.status).toBe(401);
    expect(await tamperedBody.json()).toMatchObject({ code: 'BODY_DIGEST_MISMATCH' });

    const redirected = await post(bytes, { 'x-to': CAO_BANG });
    expect(redirected.status).toBe(401);
    expect(await redirected.json()).toMatchObject({ code: 'BAD_SIGNATURE' });

    const unsigned = await post(bytes, {
      'x-signed-headers': 'x-system-id;x-timestamp;x-content-sha256',
    });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({ code: 'HEADER_NOT_SIGNED' });

    expect(await province.listReceived(10)).toEqual([]);
    // The untouched request still goes through: the refusals were about the changes.
    expect((await post(bytes)).status).toBe(200);
  });

  it('serves a file only to the system it is addressed to', async () => {
    const { nationalId } = await lienthong.send({
      messageId: 'doc-5',
      to: [NGHE_AN],
      bytes: sample(THREE_PROVINCES_FILE),
    });

    const error = await failureOf(() => lienthong.download(nationalId));
    expect(error).toMatchObject({ status: 404, retryable: false });
    expect(await failureOf(() => lienthong.acknowledge(nationalId, 'done'))).toMatchObject({
      status: 404,
    });
    expect(await province.listReceived(10)).toHaveLength(1);
  });

  it('takes an injected file off the list when it is refused, and records why', async () => {
    const garbage = Buffer.from('not edXML at all');
    const { nationalId } = simulator.inject({ from: HOA_SON, to: [HOA_TIEN], bytes: garbage });

    const [item] = await lienthong.listReceived(10);
    expect(item).toMatchObject({
      nationalId,
      kind: 'document',
      from: HOA_SON,
      size: garbage.length,
    });
    await lienthong.acknowledge(nationalId, 'fail', 'NOT_XML: the file is not XML');

    expect(await lienthong.listReceived(10)).toEqual([]);
    expect(simulator.acknowledgements()).toEqual([
      {
        systemId: LIENTHONG.systemId,
        nationalId,
        status: 'fail',
        reason: 'NOT_XML: the file is not XML',
        at: expect.any(String),
      },
    ]);
  });

  it('lists received items oldest first, up to the limit', async () => {
    const ids = [
      'status_inbox_01.edxml',
      'status_acceptance_03.edxml',
      'status_finish_06.edxml',
    ].map((name) =>
      simulator.inject({ from: HAI_PHONG, to: [GOVERNMENT_OFFICE], bytes: sample(name) }),
    );

    const listed = await lienthong.listReceived(2);
    expect(listed.map((item) => item.nationalId)).toEqual(
      ids.slice(0, 2).map((id) => id.nationalId),
    );
    expect(listed.every((item) => item.kind === 'status')).toBe(true);
  });

  it('lists sent files newest first, up to the limit', async () => {
    const bytes = sample(THREE_PROVINCES_FILE);
    const sent = [];
    for (const messageId of ['m-1', 'm-2', 'm-3']) {
      sent.push(await lienthong.send({ messageId, to: [CAO_BANG], bytes }));
    }

    const listed = await lienthong.listSent(2);
    expect(listed).toEqual([
      {
        nationalId: sent[2]?.nationalId,
        messageId: 'm-3',
        to: [CAO_BANG],
        sentAt: expect.any(String),
      },
      {
        nationalId: sent[1]?.nationalId,
        messageId: 'm-2',
        to: [CAO_BANG],
        sentAt: expect.any(String),
      },
    ]);
    expect(await province.listSent(10)).toEqual([]);
  });

  it('reads the national directory', async () => {
    expect(await lienthong.listAgencies()).toEqual(DIRECTORY);
  });

  it('turns a 200 that is not the protocol into a retryable error', async () => {
    const peer = await startPeer((_, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>gateway</html>');
    });
    const error = await failureOf(() => clientOf(peer, LIENTHONG).listReceived(5));
    expect(error).toMatchObject({ retryable: true });
    expect(error.message).toBe('national axis getReceivedEdocList: unexpected answer (not JSON)');

    const wrongShape = await startPeer((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ items: [{ nationalId: 'x', kind: 'memo' }] }));
    });
    expect(
      (await failureOf(() => clientOf(wrongShape, LIENTHONG).listReceived(5))).message,
    ).toContain('item number 1 is malformed');
  });

  it('never lets the secret or the file into an error, even echoed by the server', async () => {
    const bytes = sample(THREE_PROVINCES_FILE);
    const peer = await startPeer((_, response) => {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ code: 'ECHO', message: `you sent ${LIENTHONG.secret}` }));
    });

    const error = await failureOf(() =>
      clientOf(peer, LIENTHONG).send({ messageId: 'e-1', to: [NGHE_AN], bytes }),
    );
    expect(error.message).toBe('national axis sendEdoc: answered 400 ECHO: [message withheld]');
  });
});
