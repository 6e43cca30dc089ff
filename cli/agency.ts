import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AGENCY_OPTIONS, agencyClient } from './config';
import { timelineLines } from './format';
import { EXIT, emit, errorCode, errorMessage, type Io, parseCommand, text, UsageError } from './io';

/**
 * Agency commands: what an agency's clerk or script does with the axis over
 * its signed HTTP API (keygen, send, inbox, download, ack, status, timeline).
 */

/** `keygen --out FILE`: a P-256 private key (PKCS#8 PEM, mode 0600); prints the public PEM. */
export async function keygen(argv: readonly string[], io: Io): Promise<number> {
  const { values, json } = parseCommand(argv, { out: { type: 'string' } });
  const out = text(values, 'out');
  if (!out) throw new UsageError('keygen needs --out FILE');
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privatePem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  // 'wx' refuses to overwrite an existing key: losing one locks the agency out.
  writeFileSync(out, privatePem, { mode: 0o600, flag: 'wx' });
  const publicPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  // The note goes to stderr, so `keygen --out k > agency.pub` captures only the PEM.
  if (!json) io.err(`private key written to ${out} (keep it; hand the operator this public key):`);
  emit(io, json, { ok: true, keyFile: out, publicKeyPem: publicPem }, () => [publicPem.trimEnd()]);
  return EXIT.ok;
}

/** The .edxml files of a path: the file itself, or a folder's, sorted by name. */
function edxmlFiles(path: string): string[] {
  if (!statSync(path, { throwIfNoEntry: false })) throw new UsageError(`no such path: ${path}`);
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name.toLowerCase().endsWith('.edxml'))
    .sort()
    .map((name) => join(path, name));
}

/** `send FILE|FOLDER`: submits every .edxml; goes on after a failure; 1 if any failed. */
export async function send(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals, json } = parseCommand(argv, AGENCY_OPTIONS);
  if (positionals.length !== 1) throw new UsageError('send needs one FILE or FOLDER');
  const files = edxmlFiles(positionals[0] as string);
  if (files.length === 0) throw new UsageError(`no .edxml file in ${positionals[0]}`);
  const axis = agencyClient(io, values);
  const results = [];
  for (const [index, file] of files.entries()) {
    const step = `[${index + 1}/${files.length}] ${basename(file)}`;
    try {
      const answer = await axis.submitDocument(readFileSync(file));
      results.push({ file, ok: true, ...answer });
      if (!json) {
        const note = answer.duplicate ? ' (duplicate)' : '';
        io.out(`${step} → ${answer.documentId}${note}`);
      }
    } catch (error) {
      const code = errorCode(error);
      const message = errorMessage(error);
      results.push({ file, ok: false, error: { code, message } });
      if (!json) io.out(`${step} ✗ ${code}: ${message}`);
    }
  }
  const failed = results.filter((result) => !result.ok).length;
  if (json) io.out(JSON.stringify({ ok: failed === 0, results }, null, 2));
  else io.out(`${files.length - failed} sent, ${failed} failed`);
  return failed === 0 ? EXIT.ok : EXIT.failure;
}

/** `inbox [--limit N] [--cursor C]`: one page of what awaits the agency. */
export async function inbox(argv: readonly string[], io: Io): Promise<number> {
  const { values, json } = parseCommand(argv, {
    ...AGENCY_OPTIONS,
    limit: { type: 'string' },
    cursor: { type: 'string' },
  });
  const limitText = text(values, 'limit');
  const limit = limitText === undefined ? undefined : Number(limitText);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new UsageError('--limit must be a positive whole number');
  }
  const page = await agencyClient(io, values).inbox({ limit, cursor: text(values, 'cursor') });
  emit(io, json, page, () => [
    ...(page.items.length > 0 ? ['message id  kind  from  document id  enqueued at'] : []),
    ...page.items.map((item) =>
      [item.messageId, item.kind, item.from, item.documentId, item.enqueuedAt].join('  '),
    ),
    `${page.items.length} item(s)${page.cursor ? `; next page: --cursor ${page.cursor}` : ''}`,
  ]);
  return EXIT.ok;
}

/** `download MESSAGE_ID [--out FILE]`: the message's edXML to a file (default: stdout). */
export async function download(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals, json } = parseCommand(argv, {
    ...AGENCY_OPTIONS,
    out: { type: 'string' },
  });
  const [messageId] = positionals;
  if (!messageId || positionals.length > 1) throw new UsageError('download needs MESSAGE_ID');
  const answer = await agencyClient(io, values).download(messageId);
  const out = text(values, 'out');
  if (out) writeFileSync(out, answer.bytes);
  const meta = {
    ok: true,
    messageId,
    documentId: answer.documentId,
    kind: answer.kind,
    sha256: answer.sha256,
    bytes: answer.bytes.length,
    ...(out ? { file: out } : {}),
  };
  if (json) io.out(JSON.stringify(meta, null, 2));
  else if (out) io.out(`${messageId} → ${out} (${answer.kind}, ${answer.bytes.length} bytes)`);
  else io.out(Buffer.from(answer.bytes).toString('utf8'));
  return EXIT.ok;
}

/** `ack MESSAGE_ID --done|--failed [--reason TEXT]`. */
export async function ack(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals, json } = parseCommand(argv, {
    ...AGENCY_OPTIONS,
    done: { type: 'boolean' },
    failed: { type: 'boolean' },
    reason: { type: 'string' },
  });
  const [messageId] = positionals;
  if (!messageId || positionals.length > 1) throw new UsageError('ack needs MESSAGE_ID');
  if ((values.done === true) === (values.failed === true)) {
    throw new UsageError('ack needs exactly one of --done and --failed');
  }
  const reason = text(values, 'reason');
  if (reason && values.done) throw new UsageError('--reason goes with --failed');
  const result =
    values.done === true ? { result: 'done' as const } : { result: 'failed' as const, reason };
  const item = await agencyClient(io, values).acknowledge(messageId, result);
  const state = item.result === 'done' ? 'done' : `failed ${item.failureCount ?? 1} time(s)`;
  emit(io, json, item, () => [`${messageId}: ${state}`]);
  return EXIT.ok;
}

/** What the axis answers to a status: a report, or a status waiting for its document. */
interface StatusAnswer {
  readonly statusCode?: string;
  readonly documentId?: string;
  readonly currentStatus?: string;
  readonly pending?: boolean;
  readonly duplicate?: boolean;
}

/** `status FILE`: reports a status edXML to the document's sender. */
export async function status(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals, json } = parseCommand(argv, AGENCY_OPTIONS);
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new UsageError('status needs one FILE');
  const axis = agencyClient(io, values);
  // The axis may also answer that the status waits for its document (pending).
  const answer: StatusAnswer = await axis.reportStatus(readFileSync(file));
  const about = answer.documentId ? ` → ${answer.documentId}` : '';
  const state = answer.pending === true ? 'pending' : `current ${answer.currentStatus ?? '?'}`;
  emit(io, json, answer, () => [
    `${basename(file)}${about}: status ${answer.statusCode ?? '?'} (${state})` +
      (answer.duplicate === true ? ' (duplicate)' : ''),
  ]);
  return EXIT.ok;
}

/** `timeline DOCUMENT_ID`: what became of a document, as the axis shows it to this agency. */
export async function timeline(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals, json } = parseCommand(argv, AGENCY_OPTIONS);
  const [documentId] = positionals;
  if (!documentId || positionals.length > 1) throw new UsageError('timeline needs DOCUMENT_ID');
  const view = await agencyClient(io, values).timeline(documentId);
  emit(io, json, view, () => timelineLines(view));
  return EXIT.ok;
}
