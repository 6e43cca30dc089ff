import { NATIONAL_HEADERS, signNationalRequest } from '../../auth/nationalSignature';
import type { NationalAxis, NationalInboxItem, NationalSentItem } from '../../domain/ports';
import { NationalAxisError } from '../../domain/ports';
import type { NationalAgency } from '../../domain/records';

/** The identity this axis has on the national axis, and the secret it signs with. */
export interface NationalCredentials {
  readonly systemId: string;
  readonly secret: string;
}

export interface HttpNationalAxisOptions {
  /** Each call is cut off after this long (default 10 s) and reported as retryable. */
  readonly timeoutMs?: number;
  /**
   * The largest answer read (default 16 MiB): a file or list beyond it is
   * refused as it streams in, so a misbehaving national axis cannot exhaust
   * the function's memory.
   */
  readonly maxResponseBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** What a header value may hold: visible ASCII, so nothing is re-encoded on the way. */
const HEADER_TOKEN = /^[\x21-\x7e]{1,200}$/;
/** How much of a server's refusal message is kept in an error. */
const MESSAGE_PREVIEW_CHARS = 200;

interface Call {
  /** The SDK's name of the call, for error messages. */
  readonly operation: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  readonly contentType?: string;
  /** Headers sent and signed on top of the authentication headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The national axis over its HTTPS wire protocol (see
 * local/national/simulator.ts for the protocol itself).
 *
 * Every call is signed afresh with credentials read through `credentials`,
 * so a rotated secret is picked up as soon as the provider returns it.
 * Failures become {@link NationalAxisError}: unreachable, timed out, 429 and
 * 5xx are retryable; any other refusal is not, and carries the server's code.
 * Errors from `credentials` itself are passed on unchanged: they are this
 * axis's configuration problems, not the national axis's.
 *
 * Error messages name the call, the status and the server's code, never the
 * secret, a signature or a file's content.
 */
export class HttpNationalAxis implements NationalAxis {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(
    baseUrl: string,
    private readonly credentials: () => Promise<NationalCredentials>,
    options: HttpNationalAxisOptions = {},
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  async send(file: {
    readonly messageId: string;
    readonly to: readonly string[];
    readonly bytes: Uint8Array;
  }): Promise<{ nationalId: string }> {
    const operation = 'sendEdoc';
    if (!HEADER_TOKEN.test(file.messageId)) {
      throw refusedLocally(operation, 'the message id must be 1 to 200 visible ASCII characters');
    }
    if (file.to.length === 0 || file.to.some((id) => !HEADER_TOKEN.test(id) || id.includes(','))) {
      throw refusedLocally(operation, 'recipients must be OrganIds without spaces or commas');
    }
    const response = await this.call({
      operation,
      method: 'POST',
      path: '/sendEdoc',
      body: file.bytes,
      contentType: 'application/xml',
      headers: {
        [NATIONAL_HEADERS.to]: file.to.join(','),
        [NATIONAL_HEADERS.messageId]: file.messageId,
      },
    });
    const body = await readJson(operation, response, this.maxResponseBytes);
    const nationalId = isRecord(body) ? body.nationalId : undefined;
    if (!isNonEmptyString(nationalId)) throw nonsense(operation, 'no nationalId');
    return { nationalId };
  }

  async listReceived(limit: number): Promise<NationalInboxItem[]> {
    const operation = 'getReceivedEdocList';
    const response = await this.call({
      operation,
      method: 'GET',
      path: '/getReceivedEdocList',
      query: { limit: checkLimit(limit) },
    });
    return itemsOf(
      operation,
      await readJson(operation, response, this.maxResponseBytes),
      toInboxItem,
    );
  }

  async download(nationalId: string): Promise<Uint8Array> {
    const operation = 'getEdoc';
    const response = await this.call({
      operation,
      method: 'GET',
      path: `/getEdoc/${encodeId(operation, nationalId)}`,
    });
    return new Uint8Array(await readBody(operation, response, this.maxResponseBytes));
  }

  async acknowledge(nationalId: string, result: 'done' | 'fail', reason?: string): Promise<void> {
    const operation = 'updateStatus';
    const payload = reason === undefined ? { status: result } : { status: result, reason };
    const response = await this.call({
      operation,
      method: 'POST',
      path: `/updateStatus/${encodeId(operation, nationalId)}`,
      body: Buffer.from(JSON.stringify(payload)),
      contentType: 'application/json',
    });
    await readBody(operation, response, this.maxResponseBytes);
  }

  async listSent(limit: number): Promise<NationalSentItem[]> {
    const operation = 'getSentEdocList';
    const response = await this.call({
      operation,
      method: 'GET',
      path: '/getSentEdocList',
      query: { limit: checkLimit(limit) },
    });
    return itemsOf(
      operation,
      await readJson(operation, response, this.maxResponseBytes),
      toSentItem,
    );
  }

  async listAgencies(): Promise<NationalAgency[]> {
    const operation = 'getAgenciesList';
    const response = await this.call({ operation, method: 'GET', path: '/getAgenciesList' });
    const body = await readJson(operation, response, this.maxResponseBytes);
    const agencies = isRecord(body) ? body.agencies : undefined;
    if (!Array.isArray(agencies)) throw nonsense(operation, 'no agencies list');
    return agencies.map((entry, index) => {
      const agency = toAgency(entry);
      if (!agency) throw nonsense(operation, `agency number ${index + 1} is malformed`);
      return agency;
    });
  }

  /**
   * Signs and sends one request; returns the response only when it is a 2xx,
   * and throws a classified NationalAxisError otherwise.
   */
  private async call(call: Call): Promise<Response> {
    const { systemId, secret } = await this.credentials();
    const url = new URL(`${this.baseUrl}${call.path}`);
    for (const [name, value] of Object.entries(call.query ?? {})) {
      url.searchParams.set(name, value);
    }
    const headers = signNationalRequest({
      method: call.method,
      pathWithQuery: `${url.pathname}${url.search}`,
      body: call.body,
      headers: call.headers,
      systemId,
      secret,
      now: new Date(),
    });
    if (call.contentType) headers['content-type'] = call.contentType;

    let response: Response;
    try {
      response = await fetch(url, {
        method: call.method,
        headers,
        body: call.body,
        // A redirect would carry the signed request somewhere nobody configured.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw unreachable(call.operation, error, this.timeoutMs);
    }
    if (response.ok) return response;
    throw await refusal(call.operation, response, secret);
  }
}

function refusedLocally(operation: string, message: string): NationalAxisError {
  return new NationalAxisError(`national axis ${operation}: ${message}`, undefined, false);
}

function unreachable(operation: string, error: unknown, timeoutMs: number): NationalAxisError {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new NationalAxisError(
      `national axis ${operation}: no answer within ${timeoutMs} ms`,
      undefined,
      true,
    );
  }
  // fetch reports network failures as TypeError("fetch failed") with the
  // system error (ECONNREFUSED, ENOTFOUND...) as its cause.
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
  return new NationalAxisError(
    `national axis ${operation}: could not be reached${code}`,
    undefined,
    true,
  );
}

/**
 * A non-2xx answer as an error. The server's `{code, message}` is quoted,
 * shortened, stripped of control characters and with the secret blanked out
 * should a misbehaving server ever echo it.
 */
async function refusal(
  operation: string,
  response: Response,
  secret: string,
): Promise<NationalAxisError> {
  const status = response.status;
  const retryable = status === 429 || status >= 500;
  let detail = '';
  const text = await response.text().catch(() => '');
  try {
    const body: unknown = JSON.parse(text);
    if (isRecord(body)) {
      const code = typeof body.code === 'string' && /^[A-Z0-9_]{1,64}$/.test(body.code);
      const message = typeof body.message === 'string' ? clean(body.message, secret) : '';
      detail = [code ? body.code : '', message].filter((part) => part !== '').join(': ');
    }
  } catch {
    // Not JSON (a proxy's error page, say): the status says enough.
  }
  const kind =
    status >= 300 && status < 400 ? 'redirected (configure the final URL)' : `answered ${status}`;
  const suffix = detail === '' ? '' : ` ${detail}`;
  return new NationalAxisError(`national axis ${operation}: ${kind}${suffix}`, status, retryable);
}

function clean(message: string, secret: string): string {
  // Checked before shortening, so a cut cannot leave part of the secret behind.
  if (secret !== '' && message.includes(secret)) return '[message withheld]';
  return message.replace(/\p{Cc}/gu, ' ').slice(0, MESSAGE_PREVIEW_CHARS);
}

/**
 * A 2xx whose content is not what the protocol promises. Retryable: such an
 * answer usually comes from something in between (a gateway during a
 * deployment, a proxy), every call is safe to repeat (sendEdoc by its
 * message id), and the caller's own retry limit bounds the attempts.
 */
function nonsense(operation: string, what: string): NationalAxisError {
  return new NationalAxisError(
    `national axis ${operation}: unexpected answer (${what})`,
    undefined,
    true,
  );
}

/**
 * Reads an answer up to `maxBytes`, refusing a larger one as soon as its
 * length says so or its bytes pass the limit. Not retryable: the same item
 * will be as large next time.
 */
async function readBody(
  operation: string,
  response: Response,
  maxBytes: number,
): Promise<ArrayBuffer> {
  const tooLarge = () =>
    new NationalAxisError(
      `national axis ${operation}: the answer is larger than ${maxBytes} bytes`,
      response.status,
      false,
    );
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    const reader = response.body?.getReader();
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof NationalAxisError) throw error;
    // The connection broke or the timeout fired while the body was streaming.
    throw new NationalAxisError(
      `national axis ${operation}: the answer was cut off (${(error as Error).name})`,
      response.status,
      true,
    );
  }
  const whole = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return whole.buffer;
}

async function readJson(operation: string, response: Response, maxBytes: number): Promise<unknown> {
  const bytes = await readBody(operation, response, maxBytes);
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw nonsense(operation, 'not JSON');
  }
}

function itemsOf<T>(
  operation: string,
  body: unknown,
  read: (entry: unknown) => T | undefined,
): T[] {
  const items = isRecord(body) ? body.items : undefined;
  if (!Array.isArray(items)) throw nonsense(operation, 'no items list');
  return items.map((entry, index) => {
    const item = read(entry);
    if (item === undefined) throw nonsense(operation, `item number ${index + 1} is malformed`);
    return item;
  });
}

function toInboxItem(entry: unknown): NationalInboxItem | undefined {
  if (!isRecord(entry)) return undefined;
  const { nationalId, kind, from, sha256, size, receivedAt } = entry;
  if (
    !isNonEmptyString(nationalId) ||
    (kind !== 'document' && kind !== 'status') ||
    !isNonEmptyString(from) ||
    typeof sha256 !== 'string' ||
    !/^[0-9a-f]{64}$/.test(sha256) ||
    typeof size !== 'number' ||
    !Number.isSafeInteger(size) ||
    size < 0 ||
    !isInstant(receivedAt)
  ) {
    return undefined;
  }
  return { nationalId, kind, from, sha256, size, receivedAt };
}

function toSentItem(entry: unknown): NationalSentItem | undefined {
  if (!isRecord(entry)) return undefined;
  const { nationalId, messageId, to, sentAt } = entry;
  if (
    !isNonEmptyString(nationalId) ||
    !isNonEmptyString(messageId) ||
    !Array.isArray(to) ||
    !to.every(isNonEmptyString) ||
    !isInstant(sentAt)
  ) {
    return undefined;
  }
  return { nationalId, messageId, to: [...to], sentAt };
}

function toAgency(entry: unknown): NationalAgency | undefined {
  if (!isRecord(entry)) return undefined;
  const { agencyId, name, parentId } = entry;
  if (!isNonEmptyString(agencyId) || typeof name !== 'string') return undefined;
  if (parentId === undefined || parentId === null || parentId === '') return { agencyId, name };
  if (!isNonEmptyString(parentId)) return undefined;
  return { agencyId, name, parentId };
}

function checkLimit(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit <= 0) {
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }
  return String(limit);
}

function encodeId(operation: string, nationalId: string): string {
  if (nationalId === '') throw refusedLocally(operation, 'the national id is empty');
  return encodeURIComponent(nationalId);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isInstant(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}
