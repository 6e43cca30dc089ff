import type { InboxItem } from '../domain/records';
import type { AgencyListing } from '../services/agencyLookup';
import type { DocumentTimeline } from '../services/documentTimeline';
import type { ReportStatusResult } from '../services/reportStatus';
import { type AgencyCredential, signRequest } from './signRequest';

/** The axis answered with its error shape. */
export class AxisRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** The axis's own message, without the status and code. */
    readonly detail: string,
  ) {
    super(`${status} ${code}: ${detail}`);
    this.name = 'AxisRequestError';
  }
}

export interface SubmitAnswer {
  readonly documentId: string;
  readonly recipients: readonly string[];
  readonly duplicate: boolean;
}

export interface DownloadAnswer {
  readonly bytes: Uint8Array;
  readonly kind: string;
  readonly documentId: string;
  readonly sha256: string;
}

/**
 * A typed client of the axis's HTTP API, as an agency's software would use
 * it: one instance per agency credential; every request is signed (LT1-ES256).
 *
 * @example
 * const axis = new AxisClient('https://axis.example.gov.vn', {
 *   agencyId: '000.00.00.G22', keyId: '2026-01', privateKey,
 * });
 * const { documentId } = await axis.submitDocument(edxmlBytes);
 */
export class AxisClient {
  constructor(
    private readonly baseUrl: string,
    private readonly credential: AgencyCredential,
  ) {}

  get agencyId(): string {
    return this.credential.agencyId;
  }

  submitDocument(edxml: Uint8Array): Promise<SubmitAnswer> {
    return this.json('POST', '/v1/documents', edxml);
  }

  reportStatus(edxml: Uint8Array): Promise<ReportStatusResult> {
    return this.json('POST', '/v1/statuses', edxml);
  }

  inbox(page: { limit?: number; cursor?: string } = {}) {
    const query = new URLSearchParams();
    if (page.limit !== undefined) query.set('limit', String(page.limit));
    if (page.cursor !== undefined) query.set('cursor', page.cursor);
    const suffix = query.size > 0 ? `?${query}` : '';
    return this.json<{ items: InboxItem[]; cursor?: string }>('GET', `/v1/inbox${suffix}`);
  }

  /**
   * Tells the axis what became of an inbox item: `done` takes it out of the
   * listing, `failed` (with an optional reason) leaves it to be offered again.
   */
  acknowledge(
    messageId: string,
    result: { result: 'done' } | { result: 'failed'; reason?: string },
  ): Promise<InboxItem> {
    const body = Buffer.from(JSON.stringify(result), 'utf8');
    const path = `/v1/inbox/${encodeURIComponent(messageId)}/ack`;
    return this.json('POST', path, body, 'application/json');
  }

  /** Looks agencies up in the national directory, by identifier prefix. */
  agencies(page: { prefix?: string; limit?: number; cursor?: string } = {}) {
    const query = new URLSearchParams();
    if (page.prefix !== undefined) query.set('prefix', page.prefix);
    if (page.limit !== undefined) query.set('limit', String(page.limit));
    if (page.cursor !== undefined) query.set('cursor', page.cursor);
    const suffix = query.size > 0 ? `?${query}` : '';
    return this.json<{ items: AgencyListing[]; cursor?: string }>('GET', `/v1/agencies${suffix}`);
  }

  /** One agency of the national directory, or one connected to this axis. */
  agency(agencyId: string): Promise<AgencyListing> {
    return this.json('GET', `/v1/agencies/${encodeURIComponent(agencyId)}`);
  }

  timeline(documentId: string): Promise<DocumentTimeline> {
    return this.json('GET', `/v1/documents/${encodeURIComponent(documentId)}`);
  }

  async download(messageId: string): Promise<DownloadAnswer> {
    const response = await this.request('GET', `/v1/messages/${encodeURIComponent(messageId)}`);
    return {
      bytes: new Uint8Array(await response.arrayBuffer()),
      kind: response.headers.get('x-lienthong-kind') ?? '',
      documentId: response.headers.get('x-lienthong-document-id') ?? '',
      sha256: response.headers.get('x-lienthong-sha256') ?? '',
    };
  }

  private async json<T>(
    method: string,
    path: string,
    body?: Uint8Array,
    contentType?: string,
  ): Promise<T> {
    const response = await this.request(method, path, body, contentType);
    return (await response.json()) as T;
  }

  private async request(
    method: string,
    path: string,
    body?: Uint8Array,
    contentType = 'application/xml',
  ): Promise<Response> {
    const url = new URL(path, this.baseUrl);
    const signed = signRequest(this.credential, {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
    });
    const response = await fetch(url, {
      method,
      body,
      headers: { ...signed, ...(body ? { 'content-type': contentType } : {}) },
    });
    if (!response.ok) {
      const answer = (await response.json().catch(() => ({}))) as {
        error?: { code?: string; message?: string };
      };
      throw new AxisRequestError(
        response.status,
        answer.error?.code ?? 'UNKNOWN',
        answer.error?.message ?? response.statusText,
      );
    }
    return response;
  }
}
