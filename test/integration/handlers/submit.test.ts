import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '#shared/config/wiring';
import { documentIdFor, sha256Hex } from '#shared/domain/ids';
import type { VerifyRequest } from '#shared/domain/ports';
import { resetDependencies } from '#shared/runtime/dependencies';
import { handler as submit } from '../../../functions/submit/index';
import { handler as verify } from '../../../functions/verify/index';
import type { ProvisionedAxis } from '../../../local/provision';
import {
  CAO_BANG,
  GOVERNMENT_OFFICE,
  HAI_PHONG,
  impostorOf,
  NGHE_AN,
  OUTSIDER,
  SAMPLE_EDXML_ID,
  sample,
  sampleText,
  THREE_PROVINCES,
  THREE_PROVINCES_FILE,
} from '../../support/agencies';
import { provisionTestAxis } from '../../support/testAxis';
import { AwsState } from '../helpers/awsState';
import {
  inOtherNamespace,
  replacedOnce,
  withExternalEntity,
  withoutElement,
} from '../helpers/edxmlVariants';
import {
  type ApiCall,
  type Credentials,
  invokeApi,
  signedHeadersFor,
} from '../helpers/lambdaEvents';
import { bodies, collect, consume } from '../helpers/queueDriver';
import { credentialsOf, registerAll } from '../helpers/registration';

/**
 * POST /v1/documents through the real handler and adapters on a freshly
 * provisioned axis: every refusal leaves the resources exactly as empty as
 * they were, and an accepted document is stored byte for byte and queued once.
 */
let axis: ProvisionedAxis;
let state: AwsState;
let agencies: Map<string, Credentials>;

beforeAll(async () => {
  axis = await provisionTestAxis('submit-handler');
  resetDependencies();
  state = new AwsState();
  agencies = await registerAll(
    axis.tables.agencies,
    [GOVERNMENT_OFFICE, ...THREE_PROVINCES, OUTSIDER].map((agencyId) => ({ agencyId })),
  );
});

afterAll(async () => {
  state?.destroy();
  await axis?.teardown();
  resetDependencies();
});

const as = (agencyId: string) => credentialsOf(agencies, agencyId);
const post = (body: Uint8Array, caller: Credentials | undefined) =>
  invokeApi(submit, { routeKey: 'POST /v1/documents', path: '/v1/documents', caller, body });

/** Nonces the axis has spent, as `agency#nonce`. */
async function spentNonces() {
  return (await state.items(axis.tables.nonces)).map((item) => String(item.nonceKey)).sort();
}

async function storedState() {
  return {
    payloads: await state.objectKeys(axis.bucket),
    exchange: await state.itemKeys(axis.tables.exchange),
    inbox: await state.itemKeys(axis.tables.inbox, ['agencyId', 'messageId']),
    verifyQueue: await state.queueCounts(axis.queues.verify.url),
    routeQueue: await state.queueCounts(axis.queues.route.url),
  };
}

const EMPTY_QUEUE = { visible: 0, inFlight: 0, delayed: 0 };
const NOTHING = {
  payloads: [],
  exchange: [],
  inbox: [],
  verifyQueue: EMPTY_QUEUE,
  routeQueue: EMPTY_QUEUE,
};

/** Runs `body` with the body limit set to `bytes`, then puts the setting back. */
async function withBodyLimit<T>(bytes: number | undefined, body: () => Promise<T>): Promise<T> {
  if (bytes === undefined) return body();
  const previous = process.env[ENV.maxBodyBytes];
  process.env[ENV.maxBodyBytes] = String(bytes);
  try {
    return await body();
  } finally {
    if (previous === undefined) delete process.env[ENV.maxBodyBytes];
    else process.env[ENV.maxBodyBytes] = previous;
  }
}

const document = () => sampleText(THREE_PROVINCES_FILE);
/** Padding inside an XML comment keeps the message valid while it grows. */
const padded = (extraBytes: number) =>
  Buffer.from(document().replace('</edXML>', `<!--${'x'.repeat(extraBytes)}-->\n</edXML>`));

interface BadInput {
  readonly name: string;
  readonly body: () => Buffer;
  /** Who calls; a string is a registered agency with its own key. */
  readonly caller: string | Credentials | undefined;
  readonly status: number;
  readonly code: string;
  readonly bodyLimit?: number;
}

const BAD_INPUT: readonly BadInput[] = [
  {
    name: 'a body that is not XML',
    body: () => Buffer.from('Kính gửi: UBND Tỉnh Nghệ An — this is plain text'),
    caller: GOVERNMENT_OFFICE,
    status: 400,
    code: 'NOT_XML',
  },
  {
    name: 'XML that is not well-formed',
    body: () => Buffer.from(document().replace('</edXML:Subject>', '</edXML:Subjec>')),
    caller: GOVERNMENT_OFFICE,
    status: 400,
    code: 'NOT_XML',
  },
  {
    name: 'an empty body',
    body: () => Buffer.alloc(0),
    caller: GOVERNMENT_OFFICE,
    status: 400,
    code: 'EMPTY_BODY',
  },
  {
    name: 'edXML markup in another namespace',
    body: () => inOtherNamespace(document()),
    caller: GOVERNMENT_OFFICE,
    status: 400,
    code: 'NOT_EDXML',
  },
  {
    name: 'a status message sent as a document',
    body: () => sample('status_inbox_01.edxml'),
    caller: NGHE_AN,
    status: 400,
    code: 'STATUS_SENT_AS_DOCUMENT',
  },
  {
    name: 'a document without From',
    body: () => withoutElement(document(), 'From'),
    caller: GOVERNMENT_OFFICE,
    status: 400,
    code: 'MISSING_FROM',
  },
  {
    name: 'a document without any To',
    body: () => withoutElement(document(), 'To'),
    caller: GOVERNMENT_OFFICE,
    status: 400,
    code: 'MISSING_TO',
  },
  {
    name: 'a recipient no agency on the axis has',
    body: () =>
      replacedOnce(document(), `<edXML:OrganId>${HAI_PHONG}<`, '<edXML:OrganId>000.00.00.Q01<'),
    caller: GOVERNMENT_OFFICE,
    status: 422,
    code: 'UNKNOWN_RECIPIENT',
  },
  {
    name: 'a body over the configured limit',
    body: () => sample(THREE_PROVINCES_FILE),
    caller: GOVERNMENT_OFFICE,
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    bodyLimit: 2048,
  },
  {
    name: 'a body over the default 4 MiB limit',
    body: () => padded(4 * 1024 * 1024),
    caller: GOVERNMENT_OFFICE,
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'a DTD with an external entity',
    body: () => withExternalEntity(document()),
    caller: GOVERNMENT_OFFICE,
    status: 400,
    code: 'XML_DTD_FORBIDDEN',
  },
  {
    name: 'an entity reference with no DTD to define it',
    body: () => Buffer.from(document().replace('<edXML:Subject>', '<edXML:Subject>&leak;')),
    caller: GOVERNMENT_OFFICE,
    status: 400,
    code: 'NOT_XML',
  },
  {
    name: 'From/OrganId naming another agency than the caller',
    body: () => sample(THREE_PROVINCES_FILE),
    caller: CAO_BANG,
    status: 403,
    code: 'SENDER_MISMATCH',
  },
  {
    name: 'no credentials',
    body: () => sample(THREE_PROVINCES_FILE),
    caller: undefined,
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'a signature by a key the axis does not hold',
    body: () => sample(THREE_PROVINCES_FILE),
    caller: impostorOf(GOVERNMENT_OFFICE),
    status: 401,
    code: 'BAD_REQUEST_SIGNATURE',
  },
  {
    name: 'an agency that is not registered',
    body: () => sample(THREE_PROVINCES_FILE),
    caller: impostorOf('000.00.00.Q02'),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
];

describe('POST /v1/documents refuses bad input and stores nothing', () => {
  it('starts from empty resources', async () => {
    expect(await storedState()).toEqual(NOTHING);
  });

  it.each(BAD_INPUT)('$name: $status $code', async (bad) => {
    const caller = typeof bad.caller === 'string' ? as(bad.caller) : bad.caller;
    const noncesBefore = await spentNonces();

    const { status, json } = await withBodyLimit(bad.bodyLimit, () => post(bad.body(), caller));

    expect(status).toBe(bad.status);
    expect(json?.error).toMatchObject({ code: bad.code, message: expect.any(String) });
    expect(await storedState()).toEqual(NOTHING);
    // A request spends its nonce once it is authenticated, and only then; an
    // oversized body is refused before anyone is authenticated.
    const spent = (await spentNonces()).filter((key) => !noncesBefore.includes(key));
    const authenticated = bad.status !== 401 && bad.status !== 413;
    const ownNonce = (key: string) => key.startsWith(`${caller?.agencyId}#`);
    expect(spent.map(ownNonce)).toEqual(authenticated ? [true] : []);
  });

  it('names the unknown recipient in the refusal', async () => {
    const body = replacedOnce(
      document(),
      `<edXML:OrganId>${HAI_PHONG}<`,
      '<edXML:OrganId>000.00.00.Q01<',
    );
    const { json } = await post(body, as(GOVERNMENT_OFFICE));
    expect(json?.error).toMatchObject({ details: { unknown: ['000.00.00.Q01'] } });
  });
});

describe('POST /v1/documents accepts a document', () => {
  const bytes = sample(THREE_PROVINCES_FILE);
  /** Another document of the sender's, for the replay below. */
  const freshBytes = replacedOnce(document(), SAMPLE_EDXML_ID, `${SAMPLE_EDXML_ID}-replayed`);
  const documentId = documentIdFor(GOVERNMENT_OFFICE, sha256Hex(bytes));

  it('answers 202, stores the exact bytes and queues one verify message', async () => {
    const { status, json } = await post(bytes, as(GOVERNMENT_OFFICE));

    expect(status).toBe(202);
    expect(json).toEqual({ documentId, recipients: [...THREE_PROVINCES], duplicate: false });
    const keys = await state.objectKeys(axis.bucket);
    expect(keys).toHaveLength(1);
    expect((await state.objectBytes(axis.bucket, keys[0] as string)).equals(bytes)).toBe(true);
    expect(await state.itemKeys(axis.tables.exchange)).toEqual([
      `DOC#${documentId}|META`,
      `MSG#${documentId}|META`,
    ]);
    const queued = await collect(state, axis.queues.verify);
    expect(bodies<VerifyRequest>(queued)).toEqual([{ documentId }]);
    expect(await state.queueCounts(axis.queues.route.url)).toEqual(EMPTY_QUEUE);

    // Put the message back in the verify step's hands for the next test.
    const [outcome] = await consume(state, axis.queues.verify, verify, queued);
    expect(outcome?.error).toBeUndefined();
    expect(outcome?.response?.batchItemFailures).toEqual([]);
  });

  it('answers a repeat after verification with the same id and queues nothing new', async () => {
    const before = await storedState();
    expect(before.verifyQueue).toEqual(EMPTY_QUEUE);
    // The verify step fanned out one route message per recipient.
    expect(before.routeQueue.visible + before.routeQueue.inFlight).toBe(THREE_PROVINCES.length);

    const { status, json } = await post(sample(THREE_PROVINCES_FILE), as(GOVERNMENT_OFFICE));

    expect(status).toBe(202);
    expect(json).toEqual({ documentId, recipients: [...THREE_PROVINCES], duplicate: true });
    expect(await storedState()).toEqual(before);
  });

  it('refuses the same bytes from an agency that is not their sender', async () => {
    const { status, json } = await post(bytes, as(NGHE_AN));
    expect(status).toBe(403);
    expect(json?.error).toMatchObject({ code: 'SENDER_MISMATCH' });
    expect(await state.objectKeys(axis.bucket)).toHaveLength(1);
  });

  it('refuses a replay of the accepted request with 401 and changes nothing', async () => {
    const call: ApiCall = {
      routeKey: 'POST /v1/documents',
      path: '/v1/documents',
      body: freshBytes,
    };
    const signedHeaders = signedHeadersFor(as(GOVERNMENT_OFFICE), call);
    const first = await invokeApi(submit, { ...call, signedHeaders });
    expect(first.status).toBe(202);
    expect(await spentNonces()).toContain(
      `${GOVERNMENT_OFFICE}#${signedHeaders['x-lienthong-nonce']}`,
    );
    const before = await storedState();

    const replay = await invokeApi(submit, { ...call, signedHeaders });

    expect(replay.status).toBe(401);
    expect(replay.json?.error).toMatchObject({ code: 'REPLAYED_REQUEST' });
    expect(await storedState()).toEqual(before);
    await state.remove(axis.queues.verify.url, await collect(state, axis.queues.verify));
  });
});
