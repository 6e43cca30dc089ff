import type { WebhookClient, WebhookResponse } from '../../domain/ports';

/**
 * Posts deliveries to agencies' webhooks. Redirects are refused rather than
 * followed, so a webhook cannot bounce the axis to an address nobody
 * registered; a slow receiver is cut off after the configured timeout.
 */
export class FetchWebhookClient implements WebhookClient {
  constructor(private readonly timeoutMs: number) {}

  async post(
    url: string,
    body: Uint8Array,
    headers: Record<string, string>,
  ): Promise<WebhookResponse> {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    // Drain the body so the connection can be reused; its content is not needed.
    await response.arrayBuffer().catch(() => undefined);
    return { status: response.status };
  }
}
