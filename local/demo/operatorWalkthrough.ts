import type {
  OperatorAgenciesResponse,
  OperatorQueuesResponse,
} from '#shared/services/operatorView';
import type { Io } from '../../cli/io';
import { runCli } from '../../cli/main';
import type { LocalAxis } from '../runtime';
import type { DemoAgency } from './DemoAgency';
import type { DemoLog } from './DemoLog';
import type { SentDocument } from './expectations';

/** How long a dead-lettering may take: five receives, two seconds of visibility apart. */
const DEAD_LETTER_DEADLINE_MS = 40_000;

export interface FailureWalkthrough {
  readonly axis: LocalAxis;
  readonly log: DemoLog;
  /** The sender of the document whose delivery fails, to read its timeline. */
  readonly sender: DemoAgency;
  readonly document: SentDocument;
  readonly failingAgency: string;
  /** What the agency's own people do to bring their webhook server back. */
  readonly repair: () => void;
}

/**
 * What the on-call operator sees and does when an agency's webhook fails:
 * the delivery ends in the dead-letter queue after its retries, the console's
 * API shows the agency degraded, the health report fails on the dead letter;
 * once the agency's server is back, `lienthong dlq redrive route` sends the
 * message again and it is delivered. Every step uses the same commands and
 * routes the README gives operators.
 */
export async function walkThroughFailure(walk: FailureWalkthrough): Promise<void> {
  const { axis, log, failingAgency } = walk;
  log.add('demo', `waiting for the axis to give up on ${failingAgency}'s webhook`);
  await until(DEAD_LETTER_DEADLINE_MS, async () => {
    const timeline = await walk.sender.client.timeline(walk.document.documentId);
    const delivery = timeline.recipients.find((r) => r.agencyId === failingAgency)?.delivery;
    return delivery?.state === 'dead';
  });
  log.add('axis', `delivery to ${failingAgency} recorded dead after its retries`);

  const created = await cli(silentIo(), ['operator', 'create', 'Demo on-call operator', '--json']);
  const { token } = JSON.parse(created) as { token: string };
  log.add('operator', 'created an operator token for the console (lienthong operator create)');
  // SQS moves the message at its next receive, once its last visibility timeout ends.
  await until(DEAD_LETTER_DEADLINE_MS, async () => {
    const { queues } = await operatorGet<OperatorQueuesResponse>(
      axis.url,
      '/v1/operator/queues',
      token,
    );
    return (queues.find((queue) => queue.queue === 'route')?.deadLetter.visible ?? 0) > 0;
  });
  log.add('console', 'the route queue has a dead letter (GET /v1/operator/queues)');
  const operatorIo = cliIo(log);
  await cli(operatorIo, ['dlq', 'list', 'route']);
  const agencies = await operatorGet<OperatorAgenciesResponse>(
    axis.url,
    '/v1/operator/agencies',
    token,
  );
  const failing = agencies.items.find((item) => item.agencyId === failingAgency);
  log.add(
    'console',
    `${failingAgency} is ${failing?.connection.state ?? 'unknown'}: ` +
      `${failing?.connection.consecutiveFailures ?? 0} consecutive failures, last ` +
      `"${failing?.connection.lastFailure ?? '-'}"; open ${axis.url}/console to see it`,
  );
  const health = await fetch(`${axis.url}/v1/health`);
  const report = (await health.json()) as { components: { name: string; status: string }[] };
  const failingComponents = report.components.filter((c) => c.status !== 'ok').map((c) => c.name);
  log.add('monitor', `GET /v1/health → ${health.status}, failing: ${failingComponents.join(', ')}`);

  walk.repair();
  await cli(operatorIo, ['dlq', 'redrive', 'route']);
  await until(DEAD_LETTER_DEADLINE_MS, async () => {
    const after = await operatorGet<OperatorAgenciesResponse>(
      axis.url,
      '/v1/operator/agencies',
      token,
    );
    const state = after.items.find((item) => item.agencyId === failingAgency)?.connection.state;
    return state === 'connected';
  });
  log.add('console', `${failingAgency} is connected again: the redriven delivery arrived`);
}

/** Runs a `lienthong` command in this process, as an operator would in a shell. */
async function cli(io: Io & { readonly captured: string[] }, argv: string[]): Promise<string> {
  const code = await runCli(argv, io);
  if (code !== 0) throw new Error(`lienthong ${argv.join(' ')} exited ${code}`);
  return io.captured.join('\n');
}

function cliIo(log: DemoLog): Io & { readonly captured: string[] } {
  const captured: string[] = [];
  return {
    env: process.env,
    captured,
    out: (line) => {
      captured.push(line);
      log.add('lienthong', line);
    },
    err: (line) => log.add('lienthong', line),
  };
}

function silentIo(): Io & { readonly captured: string[] } {
  const captured: string[] = [];
  return { env: process.env, captured, out: (line) => captured.push(line), err: () => {} };
}

async function operatorGet<T>(baseUrl: string, path: string, token: string): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
  return (await response.json()) as T;
}

/** Checks every 250 ms until `check` holds; fails after `ms`. */
async function until(ms: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the demo waited ${ms / 1000} s in vain`);
}
