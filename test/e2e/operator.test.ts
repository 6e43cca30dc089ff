import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAuditLog } from '#shared/adapters/dynamodb/DynamoAuditLog';
import { DynamoOperatorStore } from '#shared/adapters/dynamodb/DynamoOperatorStore';
import { AxisClient } from '#shared/client/AxisClient';
import { signRequest } from '#shared/client/signRequest';
import { createOperator, revokeOperator } from '#shared/services/operators';
import type {
  OperatorAgenciesResponse,
  OperatorDocumentResponse,
  OperatorDocumentsResponse,
  OperatorQueuesResponse,
} from '#shared/services/operatorView';
import { runCli } from '../../cli/main';
import { credentialsOf, registerAll } from '../integration/helpers/registration';
import {
  CAO_BANG,
  GOVERNMENT_OFFICE,
  HAI_PHONG,
  NGHE_AN,
  sample,
  THREE_PROVINCES_FILE,
} from '../support/agencies';
import { captureIo } from '../unit/cli/capture';
import { type RunningAxis, startTestRuntime } from './helpers/localAxis';
import { eventually, wholeInbox } from './helpers/polling';

/**
 * The operator API over HTTP on the local runtime: the Government Office
 * sends the three-province sample to three pull agencies, Nghệ An lists its
 * inbox, and an operator with a bearer token reads the agencies, the recent
 * documents, the document's timeline and the queues. Agencies' signatures
 * open no operator route, and operators' tokens no agency route.
 */
let running: RunningAxis;
let registered: Awaited<ReturnType<typeof registerAll>>;
let token: string;
let operatorId: string;
let documentId: string;

const operatorDeps = () => ({
  operators: new DynamoOperatorStore(running.axis.provisioned.tables.operators),
  audit: new DynamoAuditLog(running.axis.provisioned.tables.audit),
  clock: { now: () => new Date() },
});

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${running.axis.url}${path}`, { headers });
  const json = (await response.json()) as Record<string, unknown> & {
    error?: { code: string; message: string };
  };
  return { status: response.status, headers: response.headers, json };
}

const asOperator = (path: string, bearer = token) =>
  get(path, { authorization: `Bearer ${bearer}` });

beforeAll(async () => {
  running = await startTestRuntime('e2e-operator', 2);
  registered = await registerAll(running.axis.provisioned.tables.agencies, [
    { agencyId: GOVERNMENT_OFFICE },
    { agencyId: NGHE_AN },
    { agencyId: CAO_BANG },
    { agencyId: HAI_PHONG },
  ]);
  ({
    token,
    operator: { operatorId },
  } = await createOperator(operatorDeps(), { name: 'Trực ban', actor: 'e2e' }));
  const sender = new AxisClient(running.axis.url, credentialsOf(registered, GOVERNMENT_OFFICE));
  ({ documentId } = await sender.submitDocument(sample(THREE_PROVINCES_FILE)));
  const ngheAn = new AxisClient(running.axis.url, credentialsOf(registered, NGHE_AN));
  await eventually("the document in Nghệ An's inbox", async () =>
    (await wholeInbox(ngheAn)).some((item) => item.messageId === documentId),
  );
});

afterAll(async () => {
  await running?.stop();
});

describe('the operator API', () => {
  it('shows every agency with its channel and state: Nghệ An connected once listed', async () => {
    const { status, json } = await asOperator('/v1/operator/agencies');
    const answer = json as unknown as OperatorAgenciesResponse;

    expect(status).toBe(200);
    expect(answer.items.map((item) => item.agencyId)).toEqual(
      [GOVERNMENT_OFFICE, NGHE_AN, CAO_BANG, HAI_PHONG].sort(),
    );
    const ngheAn = answer.items.find((item) => item.agencyId === NGHE_AN);
    expect(ngheAn).toMatchObject({
      channel: { mode: 'inbox' },
      keyIds: ['test-1'],
      connection: { state: 'connected', consecutiveFailures: 0 },
    });
    expect(ngheAn?.connection.lastPollAt).toBeDefined();
    expect(answer.items.find((item) => item.agencyId === HAI_PHONG)?.connection.state).toBe(
      'unknown',
    );
    expect(JSON.stringify(answer)).not.toContain('publicKeySpki');
  });

  it('shows the recent document with its recipients, and its whole timeline', async () => {
    const documents = await eventually('the document delivered to all three', async () => {
      const { json } = await asOperator('/v1/operator/documents?limit=5');
      const answer = json as unknown as OperatorDocumentsResponse;
      const listed = answer.items.find((item) => item.documentId === documentId);
      return listed?.recipients.every((line) => line.delivery.state === 'delivered') && listed;
    });
    expect(documents).toMatchObject({ sender: GOVERNMENT_OFFICE, state: 'verified' });
    expect(documents.recipients.map((line) => line.agencyId)).toEqual([
      NGHE_AN,
      CAO_BANG,
      HAI_PHONG,
    ]);

    const { status, json } = await asOperator(`/v1/operator/documents/${documentId}`);
    const timeline = json as unknown as OperatorDocumentResponse;
    expect(status).toBe(200);
    expect(timeline).toMatchObject({ documentId, sender: GOVERNMENT_OFFICE, state: 'verified' });
    expect(timeline.recipients.map((line) => line.agencyId)).toEqual([
      NGHE_AN,
      CAO_BANG,
      HAI_PHONG,
    ]);
  });

  it('refuses a bad page size and answers NOT_FOUND for an unknown document', async () => {
    const badLimit = await asOperator('/v1/operator/documents?limit=1000');
    const unknown = await asOperator('/v1/operator/documents/doc_00000000000000000000000000');
    expect(badLimit.status).toBe(400);
    expect(badLimit.json.error?.code).toBe('INVALID_PARAMETER');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error?.code).toBe('NOT_FOUND');
  });

  it('shows the depths of both queues and their dead-letter queues', async () => {
    const { status, json } = await asOperator('/v1/operator/queues');
    const answer = json as unknown as OperatorQueuesResponse;
    expect(status).toBe(200);
    expect(answer.queues.map((queue) => queue.queue)).toEqual(['verify', 'route']);
    for (const queue of answer.queues) {
      expect(queue).toEqual({
        queue: queue.queue,
        visible: expect.any(Number),
        inFlight: expect.any(Number),
        delayed: expect.any(Number),
        deadLetter: { visible: 0 },
      });
    }
  });
});

describe('who may call the operator API', () => {
  const ROUTES = [
    '/v1/operator/agencies',
    '/v1/operator/documents',
    '/v1/operator/queues',
    '/v1/operator/documents/doc_00000000000000000000000000',
  ];

  it('refuses no token and a wrong token with 401 OPERATOR_UNAUTHENTICATED', async () => {
    for (const path of ROUTES) {
      const none = await get(path);
      const wrong = await asOperator(path, `lto_${operatorId}_${'A'.repeat(43)}`);
      for (const answer of [none, wrong]) {
        expect(answer.status, path).toBe(401);
        expect(answer.json.error?.code).toBe('OPERATOR_UNAUTHENTICATED');
        expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="lienthong-operator"');
      }
    }
  });

  it('refuses an agency-signed request on every operator route', async () => {
    const credential = credentialsOf(registered, GOVERNMENT_OFFICE);
    for (const path of ROUTES) {
      const headers = signRequest(credential, { method: 'GET', path });
      const answer = await get(path, headers);
      expect(answer.status, path).toBe(401);
      expect(answer.json.error?.code).toBe('OPERATOR_UNAUTHENTICATED');
    }
  });

  it('does not let an operator token open agency routes', async () => {
    for (const path of ['/v1/inbox', `/v1/documents/${documentId}`, '/v1/agencies']) {
      const answer = await asOperator(path);
      expect(answer.status, path).toBe(401);
      expect(answer.json.error?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses a revoked operator from the next request on', async () => {
    expect((await asOperator('/v1/operator/queues')).status).toBe(200);
    await revokeOperator(operatorDeps(), { operatorId, actor: 'e2e' });

    const answer = await asOperator('/v1/operator/queues');

    expect(answer.status).toBe(401);
    expect(answer.json.error?.code).toBe('OPERATOR_UNAUTHENTICATED');
  });
});

describe('lienthong operator', () => {
  async function cli(argv: string[]) {
    const run = captureIo({ ...process.env });
    const code = await runCli(argv, run.io);
    return { code, json: JSON.parse(run.stdout() || 'null') as unknown, stderr: run.stderr() };
  }

  it('creates an operator whose token opens the API, lists it and revokes it', async () => {
    const created = await cli(['operator', 'create', 'Ca đêm', '--actor', 'e2e', '--json']);
    const { operator, token: cliToken } = created.json as {
      operator: { operatorId: string; name: string };
      token: string;
    };
    expect(created.code).toBe(0);
    expect(operator.name).toBe('Ca đêm');
    expect((await asOperator('/v1/operator/agencies', cliToken)).status).toBe(200);

    const listed = await cli(['operator', 'list', '--json']);
    expect(listed.code).toBe(0);
    expect(listed.json).toEqual(
      expect.arrayContaining([expect.objectContaining({ operatorId: operator.operatorId })]),
    );
    expect(JSON.stringify(listed.json)).not.toContain('tokenSha256');

    const revoked = await cli(['operator', 'revoke', operator.operatorId, '--json']);
    expect(revoked.code).toBe(0);
    expect((await asOperator('/v1/operator/agencies', cliToken)).status).toBe(401);
  });

  it('exits 2 on a usage error and 1 for an operator that does not exist', async () => {
    expect((await cli(['operator', 'rename', 'x'])).code).toBe(2);
    expect((await cli(['operator', 'create'])).code).toBe(2);
    const missing = await cli(['operator', 'revoke', 'op-0000000000000000']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('NOT_FOUND');
  });
});
