import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import { startWebhookReceiver, type WebhookReceiver } from '../integration/helpers/webhookReceiver';
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
import { eventually } from './helpers/polling';

/**
 * The `lienthong` command line run in-process against a local axis, as an
 * operator and agencies would use it: keygen, registration of the public
 * key, send, inbox, download, ack, timeline and trace, a dead-letter redrive;
 * with `--json` output parsed and exit codes checked.
 */
let running: RunningAxis;
let dir: string;
let hooks: WebhookReceiver;
const keys = new Map<string, string>();

/** Runs one command line; returns its exit code and what it wrote. */
async function cli(argv: string[], agencyId?: string) {
  const agencyEnv = agencyId
    ? {
        LIENTHONG_URL: running.axis.url,
        LIENTHONG_AGENCY: agencyId,
        LIENTHONG_KEY_ID: 'cli-1',
        LIENTHONG_KEY_FILE: keys.get(agencyId),
      }
    : {};
  const run = captureIo({ ...process.env, ...agencyEnv });
  const code = await runCli(argv, run.io);
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** Runs a `--json` command that must succeed and parses its output. */
async function json<T>(argv: string[], agencyId?: string): Promise<T> {
  const result = await cli([...argv, '--json'], agencyId);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
}

const document = sample(THREE_PROVINCES_FILE);
let documentId: string;

beforeAll(async () => {
  running = await startTestRuntime('e2e-cli', 2);
  hooks = await startWebhookReceiver();
  dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-e2e-'));
});

afterAll(async () => {
  await running?.stop();
  await hooks?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('lienthong, agency and operator', () => {
  it('makes keys and registers their public halves', async () => {
    for (const agencyId of [GOVERNMENT_OFFICE, NGHE_AN, CAO_BANG, HAI_PHONG]) {
      const keyFile = join(dir, `${agencyId}.key`);
      const made = await json<{ publicKeyPem: string }>(['keygen', '--out', keyFile]);
      keys.set(agencyId, keyFile);
      const publicFile = join(dir, `${agencyId}.pub`);
      writeFileSync(publicFile, made.publicKeyPem);
      const registered = await json<{ agency: { agencyId: string } }>([
        'agency',
        'register',
        '--id',
        agencyId,
        '--name',
        `Agency ${agencyId}`,
        '--public-key',
        publicFile,
        '--key-id',
        'cli-1',
        '--policy',
        'report',
        // Nghệ An takes deliveries by webhook, on loopback HTTP as locally only.
        ...(agencyId === NGHE_AN ? ['--webhook', hooks.urlFor(NGHE_AN), '--loopback'] : []),
      ]);
      expect(registered.agency.agencyId).toBe(agencyId);
    }
  });

  it('sends a folder with progress lines', async () => {
    const folder = join(dir, 'outbox');
    mkdirSync(folder);
    writeFileSync(join(folder, THREE_PROVINCES_FILE), document);
    const result = await cli(['send', folder], GOVERNMENT_OFFICE);
    expect(result.code).toBe(0);
    const line = result.stdout.split('\n')[0] ?? '';
    expect(line).toMatch(/^\[1\/1\] .+\.edxml → doc_/);
    documentId = line.slice(line.indexOf('→ ') + 2).trim();
  });

  it('reads the inbox, downloads and acknowledges', async () => {
    type Page = { items: Array<{ messageId: string; documentId: string }> };
    const item = await eventually('the document in Cao Bằng inbox', async () => {
      const page = await json<Page>(['inbox'], CAO_BANG);
      return page.items.find((entry) => entry.documentId === documentId);
    });
    const out = join(dir, 'received.edxml');
    const downloaded = await json<{ documentId: string; kind: string }>(
      ['download', item.messageId, '--out', out],
      CAO_BANG,
    );
    expect(downloaded.documentId).toBe(documentId);
    expect(readFileSync(out)).toEqual(document);

    const acked = await json<{ result?: string }>(['ack', item.messageId, '--done'], CAO_BANG);
    expect(acked.result).toBe('done');
    const after = await json<Page>(['inbox'], CAO_BANG);
    expect(after.items.map((entry) => entry.messageId)).not.toContain(item.messageId);
  });

  it('shows the timeline to the sender, and traces it as the operator', async () => {
    const view = await json<{ documentId: string; recipients: unknown[] }>(
      ['timeline', documentId],
      GOVERNMENT_OFFICE,
    );
    expect(view.documentId).toBe(documentId);
    expect(view.recipients).toHaveLength(3);
    const traced = await json<{ documentId: string; sender: string }>(['trace', documentId]);
    expect(traced).toMatchObject({ documentId, sender: GOVERNMENT_OFFICE });
    const human = await cli(['trace', documentId]);
    expect(human.stdout).toContain(`${CAO_BANG}: delivery`);
  });

  it('verifies a webhook delivery with the axis keys, and refuses a tampered one', async () => {
    const post = await eventually('a delivery to Nghệ An', () =>
      hooks.postsFor(NGHE_AN).find((received) => received.body.equals(document)),
    );
    const headersFile = join(dir, 'headers.json');
    const bodyFile = join(dir, 'body.edxml');
    writeFileSync(headersFile, JSON.stringify(post.headers));
    writeFileSync(bodyFile, post.body);
    const args = ['verify-delivery', '--headers', headersFile, '--body', bodyFile];
    const verified = await json<{ documentId: string; from: string }>(args, NGHE_AN);
    expect(verified).toMatchObject({ documentId, from: GOVERNMENT_OFFICE });

    writeFileSync(bodyFile, Buffer.concat([post.body, Buffer.from(' ')]));
    const tampered = await cli(args, NGHE_AN);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain('DELIVERY_NOT_VERIFIED: body digest mismatch');
    const elsewhere = await cli([...args, '--agency', CAO_BANG], NGHE_AN);
    expect(elsewhere.code).toBe(1);
  });

  it('reports a status edXML for the recipient', async () => {
    const file = join(dir, 'status_inbox_01.edxml');
    writeFileSync(file, sample('status_inbox_01.edxml'));
    const answer = await json<{ statusCode: string }>(['status', file], NGHE_AN);
    expect(answer.statusCode).toBe('01');
    const human = await cli(['status', file], NGHE_AN);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('status 01');
  });

  it('exits 1 with the axis error code, and 2 on a usage error', async () => {
    const missing = await cli(['download', 'msg_nothing', '--json'], CAO_BANG);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(missing.stderr).toContain('NOT_FOUND');
    const traced = await cli(['trace', 'doc_nothing']);
    expect(traced.code).toBe(1);
    expect(traced.stderr).toContain('NOT_FOUND');
    expect((await cli(['ack', 'msg_1'], CAO_BANG)).code).toBe(2);
  });

  it('lists dead letters of the route queue and moves them back', async () => {
    type Page = { items: Array<{ messageId: string; documentId: string }> };
    const item = await eventually('the document in Hải Phòng inbox', async () => {
      const page = await json<Page>(['inbox'], HAI_PHONG);
      return page.items.find((entry) => entry.documentId === documentId);
    });
    // A route request that failed for good: here, one already delivered,
    // which the route consumer takes again without harm.
    const body = JSON.stringify({ documentId, messageId: item.messageId, recipientId: HAI_PHONG });
    const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
    const { dlqUrl } = running.axis.provisioned.queues.route;
    await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: body }));

    const listed = await json<{ messages: Array<{ body: string }> }>(['dlq', 'list', 'route']);
    expect(listed.messages.map((letter) => letter.body)).toEqual([body]);
    const moved = await json<{ moved: number }>(['dlq', 'redrive', 'route']);
    expect(moved.moved).toBe(1);
    // The dead-letter queue may also be named outright, as for a deployed stack.
    process.env.LIENTHONG_ROUTE_DLQ_URL = dlqUrl;
    try {
      const left = await json<{ dlqUrl: string; messages: unknown[] }>(['dlq', 'list', 'route']);
      expect(left).toEqual({ queue: 'route', dlqUrl, messages: [] });
    } finally {
      delete process.env.LIENTHONG_ROUTE_DLQ_URL;
    }
    sqs.destroy();
    // The route consumer takes the moved request again without failing.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(running.errors).toEqual([]);
  });
});
