import type { KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyDelivery } from '#shared/client/verifyDelivery';
import type { DemoAgency } from './DemoAgency';
import type { DemoLog } from './DemoLog';

/**
 * The webhook endpoints of the demo's push agencies, on 127.0.0.1. Each
 * delivery is checked with nothing but the axis's published keys (its JWKS)
 * before the agency accepts it; one that does not verify is answered 401 and
 * the axis will retry it. An agency whose server is down (`down`) answers
 * 500 to everything, as a crashed application server behind a proxy would.
 */
export async function startWebhookServer(
  agencies: ReadonlyMap<string, DemoAgency>,
  axisKeys: (kid: string) => KeyObject | undefined,
  log: DemoLog,
  down: ReadonlySet<string> = new Set(),
): Promise<{ urlFor(agencyId: string): string; close(): Promise<void> }> {
  const server: Server = createServer(async (request, response) => {
    const agencyId = decodeURIComponent(request.url?.split('/')[2] ?? '');
    const agency = agencies.get(agencyId);
    if (request.method !== 'POST' || !agency) {
      response.writeHead(404).end();
      return;
    }
    const body = await readBody(request);
    if (down.has(agencyId)) {
      log.add(agencyId, 'webhook server is down: answered 500');
      response.writeHead(500).end();
      return;
    }
    try {
      const delivery = verifyDelivery(request.headers, body, agencyId, axisKeys);
      agency.accept(delivery.messageId, body, 'webhook, axis signature verified', delivery.kind);
      response.writeHead(204).end();
    } catch (error) {
      log.add(agencyId, `refused a delivery: ${(error as Error).message}`);
      response.writeHead(401).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    urlFor: (agencyId) => `http://127.0.0.1:${port}/agencies/${encodeURIComponent(agencyId)}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function readBody(request: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
