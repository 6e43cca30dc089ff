import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST as an agency's webhook saw it, and what it answered. */
export interface ReceivedPost {
  readonly agencyId: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly answered: number;
}

export interface WebhookReceiver {
  /** The URL to register for `agencyId`, on 127.0.0.1. */
  urlFor(agencyId: string): string;
  /** Every POST so far, in arrival order. */
  readonly posts: readonly ReceivedPost[];
  postsFor(agencyId: string): ReceivedPost[];
  /** What the agency answers from now on (204 by default). */
  answerWith(agencyId: string, status: number): void;
  /** How long the agency takes to answer from now on (0 by default), as a busy system does. */
  answerAfter(agencyId: string, ms: number): void;
  close(): Promise<void>;
}

/** Largest body the receiver keeps; the samples are far smaller. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * Webhook endpoints of several agencies on one loopback server: each POST is
 * recorded with its exact bytes and headers, and answered with the status
 * set for that agency.
 */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const posts: ReceivedPost[] = [];
  const answers = new Map<string, number>();
  const delays = new Map<string, number>();
  const server = createServer((request, response) => {
    const match = /^\/hooks\/([^/?]+)$/.exec(request.url ?? '');
    if (request.method !== 'POST' || !match) {
      response.writeHead(404).end();
      return;
    }
    const agencyId = decodeURIComponent(match[1] as string);
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) request.destroy();
      else chunks.push(chunk);
    });
    request.on('end', () => {
      const answered = answers.get(agencyId) ?? 204;
      posts.push({ agencyId, headers: request.headers, body: Buffer.concat(chunks), answered });
      const reply = () => response.writeHead(answered).end();
      const delay = delays.get(agencyId) ?? 0;
      if (delay > 0) setTimeout(reply, delay);
      else reply();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    urlFor: (agencyId) => `http://127.0.0.1:${port}/hooks/${encodeURIComponent(agencyId)}`,
    posts,
    postsFor: (agencyId) => posts.filter((post) => post.agencyId === agencyId),
    answerWith: (agencyId, status) => {
      answers.set(agencyId, status);
    },
    answerAfter: (agencyId, ms) => {
      delays.set(agencyId, ms);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
