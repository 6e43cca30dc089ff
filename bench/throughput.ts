import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerLocalAgency } from '../local/registerLocalAgency';
import { inParallel, percentile, variantOf } from './stats';

export interface ThroughputResult {
  readonly documents: number;
  readonly deliveries: number;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly undelivered: number;
  /** Time until the last submission was answered. */
  readonly submitSeconds: number;
  /** How long one POST /v1/documents took to answer, under this load. */
  readonly submitP50Ms: number;
}

const SENDER = '000.00.00.G22';
const RECIPIENTS = ['000.00.00.H41', '000.00.00.H14', '000.00.00.G17'];

/**
 * Pushes `count` documents through a running local axis and measures, for
 * each document, the time from the start of its submission to its arrival at
 * the last of its recipients' webhooks.
 */
export async function measureThroughput(
  axisUrl: string,
  sample: string,
  count: number,
  concurrency: number,
  deadlineMs: number,
): Promise<ThroughputResult> {
  const submittedAt = new Map<string, number>();
  const submitTimes: number[] = [];
  const arrivals = new Map<string, number[]>();
  const server = createServer((request, response) => {
    const documentId = String(request.headers['x-lienthong-document-id'] ?? '');
    request.resume();
    request.on('end', () => {
      const times = arrivals.get(documentId) ?? [];
      times.push(performance.now());
      arrivals.set(documentId, times);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const client = await registerLocalAgency(axisUrl, { agencyId: SENDER, name: 'Sender' });
  for (const agencyId of RECIPIENTS) {
    const webhookUrl = `http://127.0.0.1:${port}/${agencyId}`;
    await registerLocalAgency(axisUrl, { agencyId, name: agencyId, webhookUrl });
  }

  const started = performance.now();
  await inParallel(count, concurrency, async (index) => {
    const bytes = variantOf(sample, index);
    const before = performance.now();
    const { documentId } = await client.submitDocument(bytes);
    submitTimes.push(performance.now() - before);
    submittedAt.set(documentId, before);
  });
  const submitSeconds = (performance.now() - started) / 1000;
  const complete = () =>
    [...submittedAt.keys()].every((id) => (arrivals.get(id)?.length ?? 0) >= RECIPIENTS.length);
  const deadline = performance.now() + deadlineMs;
  while (!complete() && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  await new Promise((resolve) => server.close(resolve));

  const latencies: number[] = [];
  let undelivered = 0;
  for (const [documentId, before] of submittedAt) {
    const times = arrivals.get(documentId) ?? [];
    if (times.length < RECIPIENTS.length) undelivered++;
    else latencies.push(Math.max(...times) - before);
  }
  return {
    documents: count,
    deliveries: [...arrivals.values()].reduce((sum, times) => sum + times.length, 0),
    seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    undelivered,
    submitSeconds,
    submitP50Ms: percentile(submitTimes, 50),
  };
}
