/**
 * A simulator of the national document exchange axis (trục liên thông văn bản
 * quốc gia), for tests and the demo. The real axis cannot be reached from
 * here, so this is also where its wire protocol, as this project speaks it,
 * is written down. `HttpNationalAxis` is the client; both sign and verify
 * with `shared/auth/nationalSignature.ts`.
 *
 * ## Wire protocol
 *
 * Connected systems (this axis is one) call the national axis over HTTPS.
 * Documents and statuses are both edXML files; receivers poll, download, then
 * acknowledge. Every refusal is JSON `{"code": "...", "message": "..."}`.
 *
 * - `POST /sendEdoc`, body the edXML bytes (`content-type: application/xml`),
 *   headers `X-To` (comma-separated OrganIds to deliver to) and
 *   `X-Message-Id` (the sender's own id) → `200 {"nationalId": "..."}`.
 *   Sending the same (system, message id, recipients) again answers the same
 *   nationalId and stores nothing new. `400 UNKNOWN_RECIPIENT` when a
 *   recipient is served by no connected system (nothing is stored then);
 *   `400` with the edXML reader's code (`NOT_EDXML`, `MISSING_FROM`, …) for
 *   a file that does not parse; `400 INVALID_PARAMETER` for an empty `X-To`
 *   or `X-Message-Id`.
 * - `GET /getReceivedEdocList?limit=N` (1 to 1000, default 100) →
 *   `{"items": [{nationalId, kind: "document"|"status", from, sha256, size,
 *   receivedAt}]}`, oldest first. An item stays listed until it is
 *   acknowledged.
 * - `GET /getEdoc/{nationalId}` → the exact bytes, only to the system the
 *   item is addressed to (`404 NOT_FOUND` for anyone else, as for a missing
 *   id). An acknowledged item can still be downloaded.
 * - `POST /updateStatus/{nationalId}`, JSON `{"status": "done"|"fail",
 *   "reason"?: string}` → `200 {}`. Both take the item out of the list (the
 *   transport acknowledgement of the SDK); `fail` is recorded with its reason.
 * - `GET /getSentEdocList?limit=N` → `{"items": [{nationalId, messageId, to,
 *   sentAt}]}`, newest first.
 * - `GET /getAgenciesList` → `{"agencies": [{agencyId, name, parentId?}]}`.
 *
 * Authentication, on every call: `X-System-Id`, `X-Timestamp` (Unix
 * seconds), `X-Content-SHA256` (lowercase hex SHA-256 of the body, of the
 * empty string for GET), `X-Signed-Headers` (lowercase names joined by `;`,
 * at least `x-system-id;x-timestamp;x-content-sha256`, plus `x-to` and
 * `x-message-id` on sendEdoc) and `X-Signature`, the base64 HMAC-SHA256 with
 * the system's secret of: the method, `\n`, the path with its query string,
 * then `\n`-separated `name:value` lines for the signed headers in the listed
 * order. `401` with `MISSING_AUTH_HEADER`, `UNKNOWN_SYSTEM`,
 * `STALE_TIMESTAMP` (more than 300 s off), `HEADER_NOT_SIGNED`,
 * `BODY_DIGEST_MISMATCH` or `BAD_SIGNATURE` otherwise.
 *
 * ## What the simulator does besides
 *
 * Some agencies live on the simulator itself (`simulatedAgencies`). What is
 * sent to them lands in their mailbox, and a new document (business type 0)
 * is answered with `replyStatuses` (default 01, 03, 04, 05, 06), a revoke,
 * update or replace with 01 only: edXML statuses written by
 * `buildStatusMessage`, listed for the system that sent the document. Tests
 * drive the rest through in-process hooks (`inject`, `mailbox`,
 * `acknowledgements`, `setAvailable`, `requests`), never over HTTP.
 *
 * It listens on 127.0.0.1 only, on a port the system picks, keeps
 * everything in memory and logs nothing (secrets included).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NATIONAL_HEADERS, sha256Hex, verifyNationalRequest } from '#shared/auth/nationalSignature';
import { isAxisError } from '#shared/domain/AxisError';
import type { NationalInboxItem } from '#shared/domain/ports';
import type { NationalAgency } from '#shared/domain/records';
import { parseEdxml } from '#shared/edxml/parseEdxml';
import type { EdxmlMessage } from '#shared/edxml/types';
import { checkStatusCode } from '#shared/edxml/values';
import { buildReplies } from './replies';

/** A system connected to the national axis, and the OrganIds it serves. */
export interface SimulatedSystem {
  readonly systemId: string;
  readonly secret: string;
  readonly agencies: readonly string[];
}

export interface NationalAxisSimulatorOptions {
  readonly systems: readonly SimulatedSystem[];
  /** The directory answered by getAgenciesList; includes the simulated agencies. */
  readonly nationalAgencies: readonly NationalAgency[];
  /** Agencies that live on the simulator: they receive into a mailbox and answer. */
  readonly simulatedAgencies: readonly string[];
  /** Statuses a simulated agency answers a new document with; default 01, 03, 04, 05, 06. */
  readonly replyStatuses?: readonly string[];
  /** Wait before each answer, after the previous one; default 0 (answered at once). */
  readonly replyDelayMs?: number;
  /** The simulator's clock, for signatures and timestamps; default the real one. */
  readonly now?: () => Date;
}

export type SimulatorEndpoint =
  | 'sendEdoc'
  | 'getReceivedEdocList'
  | 'getEdoc'
  | 'updateStatus'
  | 'getSentEdocList'
  | 'getAgenciesList';

/** What a simulated agency received. */
export interface MailboxEntry {
  readonly nationalId: string;
  readonly kind: 'document' | 'status';
  /** `From/OrganId` of the file. */
  readonly from: string;
  readonly statusCode?: string;
  readonly bytes: Uint8Array;
  readonly receivedAt: string;
}

/** One updateStatus call, as the national axis recorded it. */
export interface AcknowledgementEntry {
  readonly systemId: string;
  readonly nationalId: string;
  readonly status: 'done' | 'fail';
  readonly reason?: string;
  readonly at: string;
}

export interface NationalAxisSimulator {
  /** `http://127.0.0.1:<port>`, the base URL for HttpNationalAxis. */
  readonly url: string;
  stop(): Promise<void>;
  /**
   * Puts a file from a simulated agency into the received lists of the
   * systems serving `to`. `kind` defaults to what the file parses as, and to
   * `document` for a file that does not parse, so tests can send garbage.
   */
  inject(file: {
    readonly from: string;
    readonly to: readonly string[];
    readonly bytes: Uint8Array;
    readonly kind?: 'document' | 'status';
  }): { nationalId: string };
  /** What a simulated agency received, oldest first. */
  mailbox(agencyId: string): MailboxEntry[];
  /** Every updateStatus call accepted, oldest first. */
  acknowledgements(): AcknowledgementEntry[];
  /** While false, every call is answered `503 UNAVAILABLE`. */
  setAvailable(available: boolean): void;
  /** Calls received per endpoint, refused ones included. */
  requests(): Record<SimulatorEndpoint, number>;
}

const DEFAULT_REPLY_STATUSES = ['01', '03', '04', '05', '06'];
const DEFAULT_LIST_LIMIT = 100;
const MAX_LIST_LIMIT = 1000;
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const MAX_REASON_CHARS = 1000;

/** An item as getReceivedEdocList lists it, with its bytes and whether it is still listed. */
interface ReceivedItem extends NationalInboxItem {
  readonly bytes: Uint8Array;
  listed: boolean;
}

interface SentItem {
  readonly nationalId: string;
  readonly messageId: string;
  readonly to: readonly string[];
  readonly sentAt: string;
}

interface SystemState {
  readonly secret: string;
  /** Everything ever addressed to the system, in arrival order (Map keeps it). */
  readonly received: Map<string, ReceivedItem>;
  readonly sent: SentItem[];
  /** `messageId\nrecipients` → nationalId, for idempotent sends. */
  readonly sentKeys: Map<string, string>;
}

/** A refusal on the wire. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Starts the simulator on 127.0.0.1 and an ephemeral port. */
export async function startNationalAxisSimulator(
  options: NationalAxisSimulatorOptions,
): Promise<NationalAxisSimulator> {
  const now = options.now ?? (() => new Date());
  const replyStatuses = (options.replyStatuses ?? DEFAULT_REPLY_STATUSES).map(checkStatusCode);
  const replyDelayMs = options.replyDelayMs ?? 0;
  const { systems, servedBy, simulated } = checkTopology(options);
  const agencyNames = new Map(options.nationalAgencies.map((a) => [a.agencyId, a.name]));
  const mailboxes = new Map<string, MailboxEntry[]>([...simulated].map((id) => [id, []]));
  const acknowledgements: AcknowledgementEntry[] = [];
  const counts: Record<SimulatorEndpoint, number> = {
    sendEdoc: 0,
    getReceivedEdocList: 0,
    getEdoc: 0,
    updateStatus: 0,
    getSentEdocList: 0,
    getAgenciesList: 0,
  };
  const timers = new Set<NodeJS.Timeout>();
  let available = true;

  function deliverToSystem(
    systemId: string,
    nationalId: string,
    kind: 'document' | 'status',
    from: string,
    bytes: Uint8Array,
  ): void {
    const system = systems.get(systemId) as SystemState;
    system.received.set(nationalId, {
      nationalId,
      kind,
      from,
      sha256: sha256Hex(bytes),
      size: bytes.length,
      receivedAt: now().toISOString(),
      bytes,
      listed: true,
    });
  }

  /** Answers a document that reached a simulated agency, one status after another. */
  function scheduleReplies(agencyId: string, message: EdxmlMessage, senderSystem: string): void {
    if (message.kind !== 'document') return;
    const codes = message.businessDocType === 0 ? replyStatuses : ['01'];
    const replies = buildReplies(
      { agencyId, agencyName: agencyNames.get(agencyId) },
      message,
      codes,
      now,
    );
    const deliver = (bytes: Uint8Array) =>
      deliverToSystem(senderSystem, newNationalId(), 'status', agencyId, bytes);
    if (replyDelayMs <= 0) {
      for (const reply of replies) deliver(reply());
      return;
    }
    let index = 0;
    const next = () => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        deliver((replies[index] as () => Uint8Array)());
        index += 1;
        if (index < replies.length) next();
      }, replyDelayMs);
      timers.add(timer);
    };
    if (replies.length > 0) next();
  }

  function sendEdoc(systemId: string, request: IncomingMessage, body: Uint8Array) {
    const to = [
      ...new Set(
        (header(request, NATIONAL_HEADERS.to) ?? '')
          .split(',')
          .map((id) => id.trim())
          .filter((id) => id !== ''),
      ),
    ];
    const messageId = header(request, NATIONAL_HEADERS.messageId)?.trim() ?? '';
    if (to.length === 0) throw new Refusal(400, 'INVALID_PARAMETER', 'X-To names no recipient');
    if (messageId === '') throw new Refusal(400, 'INVALID_PARAMETER', 'X-Message-Id is empty');

    let message: EdxmlMessage;
    try {
      message = parseEdxml(body);
    } catch (error) {
      if (isAxisError(error)) throw new Refusal(400, error.code, error.message);
      throw error;
    }
    const unknown = to.filter((id) => !servedBy.has(id) && !simulated.has(id));
    if (unknown.length > 0) {
      throw new Refusal(
        400,
        'UNKNOWN_RECIPIENT',
        `no connected system serves ${unknown.join(', ')}`,
      );
    }

    const sender = systems.get(systemId) as SystemState;
    const key = `${messageId}\n${[...to].sort().join(',')}`;
    const known = sender.sentKeys.get(key);
    if (known !== undefined) return { nationalId: known };

    const nationalId = newNationalId();
    const sentAt = now().toISOString();
    sender.sentKeys.set(key, nationalId);
    sender.sent.push({ nationalId, messageId, to, sentAt });
    const from = message.from.organId;
    const statusCode = message.kind === 'status' ? message.statusCode : undefined;
    const targetSystems = new Set(to.flatMap((id) => servedBy.get(id) ?? []));
    for (const target of targetSystems) {
      deliverToSystem(target, nationalId, message.kind, from, body);
    }
    for (const agencyId of to.filter((id) => simulated.has(id))) {
      mailboxes.get(agencyId)?.push({
        nationalId,
        kind: message.kind,
        from,
        ...(statusCode === undefined ? {} : { statusCode }),
        bytes: body,
        receivedAt: sentAt,
      });
      scheduleReplies(agencyId, message, systemId);
    }
    return { nationalId };
  }

  function getReceivedEdocList(systemId: string, url: URL) {
    const system = systems.get(systemId) as SystemState;
    const items = [...system.received.values()]
      .filter((item) => item.listed)
      .slice(0, listLimit(url))
      .map(({ nationalId, kind, from, sha256, size, receivedAt }) => ({
        nationalId,
        kind,
        from,
        sha256,
        size,
        receivedAt,
      }));
    return { items };
  }

  function findItem(systemId: string, nationalId: string): ReceivedItem {
    const item = systems.get(systemId)?.received.get(nationalId);
    if (!item) throw new Refusal(404, 'NOT_FOUND', 'no such item for this system');
    return item;
  }

  function updateStatus(systemId: string, nationalId: string, body: Uint8Array) {
    const item = findItem(systemId, nationalId);
    const { status, reason } = readAcknowledgement(body);
    item.listed = false;
    acknowledgements.push({
      systemId,
      nationalId,
      status,
      ...(reason === undefined ? {} : { reason }),
      at: now().toISOString(),
    });
    return {};
  }

  function getSentEdocList(systemId: string, url: URL) {
    const system = systems.get(systemId) as SystemState;
    const items = [...system.sent].reverse().slice(0, listLimit(url));
    return { items };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const rawPath = request.url ?? '/';
    const url = new URL(rawPath, 'http://127.0.0.1');
    const route = matchRoute(request.method ?? '', url.pathname);
    if (!route) throw new Refusal(404, 'ROUTE_NOT_FOUND', 'no such call');
    counts[route.endpoint] += 1;
    if (!available) throw new Refusal(503, 'UNAVAILABLE', 'the national axis is unavailable');

    const body = await readBody(request);
    const verification = verifyNationalRequest({
      method: request.method ?? '',
      pathWithQuery: rawPath,
      headers: request.headers,
      body,
      alsoRequired:
        route.endpoint === 'sendEdoc' ? [NATIONAL_HEADERS.to, NATIONAL_HEADERS.messageId] : [],
      secretOf: (systemId) => systems.get(systemId)?.secret,
      now: now(),
    });
    if (!verification.ok) throw new Refusal(401, verification.code, verification.message);
    const { systemId } = verification;

    switch (route.endpoint) {
      case 'sendEdoc':
        return sendJson(response, 200, sendEdoc(systemId, request, body));
      case 'getReceivedEdocList':
        return sendJson(response, 200, getReceivedEdocList(systemId, url));
      case 'getEdoc': {
        const item = findItem(systemId, route.nationalId);
        response.writeHead(200, {
          'content-type': 'application/xml',
          'content-length': item.bytes.length,
        });
        response.end(item.bytes);
        return;
      }
      case 'updateStatus':
        return sendJson(response, 200, updateStatus(systemId, route.nationalId, body));
      case 'getSentEdocList':
        return sendJson(response, 200, getSentEdocList(systemId, url));
      case 'getAgenciesList':
        return sendJson(response, 200, { agencies: options.nationalAgencies });
    }
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (error instanceof Refusal) {
        sendJson(response, error.status, { code: error.code, message: error.message });
      } else {
        sendJson(response, 500, { code: 'INTERNAL', message: 'the simulator failed' });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    stop() {
      stopped ??= new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
      return stopped;
    },
    inject({ from, to, bytes, kind }) {
      if (!simulated.has(from)) throw new Error(`${from} is not a simulated agency`);
      const unserved = to.filter((id) => !servedBy.has(id));
      if (unserved.length > 0 || to.length === 0) {
        throw new Error(`no connected system serves ${unserved.join(', ') || 'an empty list'}`);
      }
      const nationalId = newNationalId();
      const copy = Uint8Array.from(bytes);
      const fileKind = kind ?? kindOf(copy);
      for (const target of new Set(to.map((id) => servedBy.get(id) as string))) {
        deliverToSystem(target, nationalId, fileKind, from, copy);
      }
      return { nationalId };
    },
    mailbox(agencyId) {
      // Copies: a test that edits what it got cannot change what was received.
      return (mailboxes.get(agencyId) ?? []).map((entry) => ({
        ...entry,
        bytes: Uint8Array.from(entry.bytes),
      }));
    },
    acknowledgements() {
      return [...acknowledgements];
    },
    setAvailable(value) {
      available = value;
    },
    requests() {
      return { ...counts };
    },
  };
}

/** Checks the options once, so a mistake in a test shows at start, not as a lost file. */
function checkTopology(options: NationalAxisSimulatorOptions) {
  const systems = new Map<string, SystemState>();
  const servedBy = new Map<string, string>();
  const simulated = new Set(options.simulatedAgencies);
  for (const system of options.systems) {
    if (system.systemId === '' || system.secret === '') {
      throw new Error('each system needs a systemId and a secret');
    }
    if (systems.has(system.systemId)) throw new Error(`system ${system.systemId} is listed twice`);
    systems.set(system.systemId, {
      secret: system.secret,
      received: new Map(),
      sent: [],
      sentKeys: new Map(),
    });
    for (const agencyId of system.agencies) {
      const other = servedBy.get(agencyId);
      if (other !== undefined || simulated.has(agencyId)) {
        throw new Error(`agency ${agencyId} is served twice (${other ?? 'simulated'})`);
      }
      servedBy.set(agencyId, system.systemId);
    }
  }
  return { systems, servedBy, simulated };
}

type Route =
  | { readonly endpoint: Exclude<SimulatorEndpoint, 'getEdoc' | 'updateStatus'> }
  | { readonly endpoint: 'getEdoc' | 'updateStatus'; readonly nationalId: string };

/** Calls without an id in their path, by `METHOD /path`. */
const FIXED_ROUTES: Readonly<
  Record<string, Exclude<SimulatorEndpoint, 'getEdoc' | 'updateStatus'>>
> = {
  'POST /sendEdoc': 'sendEdoc',
  'GET /getReceivedEdocList': 'getReceivedEdocList',
  'GET /getSentEdocList': 'getSentEdocList',
  'GET /getAgenciesList': 'getAgenciesList',
};

function matchRoute(method: string, pathname: string): Route | undefined {
  const endpoint = FIXED_ROUTES[`${method} ${pathname}`];
  if (endpoint !== undefined) return { endpoint };
  const withId =
    method === 'GET'
      ? /^\/(getEdoc)\/([^/]+)$/.exec(pathname)
      : method === 'POST'
        ? /^\/(updateStatus)\/([^/]+)$/.exec(pathname)
        : null;
  if (!withId) return undefined;
  try {
    return {
      endpoint: withId[1] as 'getEdoc' | 'updateStatus',
      nationalId: decodeURIComponent(withId[2] as string),
    };
  } catch {
    // A malformed escape names no item.
    return undefined;
  }
}

function newNationalId(): string {
  return `NA-${randomUUID()}`;
}

function kindOf(bytes: Uint8Array): 'document' | 'status' {
  try {
    return parseEdxml(bytes).kind;
  } catch {
    return 'document';
  }
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function listLimit(url: URL): number {
  const raw = url.searchParams.get('limit');
  if (raw === null) return DEFAULT_LIST_LIMIT;
  const limit = /^\d{1,4}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(limit >= 1 && limit <= MAX_LIST_LIMIT)) {
    throw new Refusal(400, 'INVALID_PARAMETER', `limit must be 1 to ${MAX_LIST_LIMIT}`);
  }
  return limit;
}

function readAcknowledgement(body: Uint8Array): { status: 'done' | 'fail'; reason?: string } {
  const shape = 'the body must be {"status": "done"|"fail", "reason"?: string}';
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    throw new Refusal(400, 'INVALID_PARAMETER', shape);
  }
  if (typeof value !== 'object' || value === null) {
    throw new Refusal(400, 'INVALID_PARAMETER', shape);
  }
  const { status, reason } = value as Record<string, unknown>;
  if (status !== 'done' && status !== 'fail') throw new Refusal(400, 'INVALID_PARAMETER', shape);
  if (reason === undefined) return { status };
  if (typeof reason !== 'string' || reason.length > MAX_REASON_CHARS) {
    throw new Refusal(
      400,
      'INVALID_PARAMETER',
      `reason must be a string of at most ${MAX_REASON_CHARS} characters`,
    );
  }
  return { status, reason };
}

async function readBody(request: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new Refusal(413, 'PAYLOAD_TOO_LARGE', `bodies are limited to ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
