import { readFileSync } from 'node:fs';
import { fetchAxisKeys } from '#shared/client/fetchAxisKeys';
import { verifyDelivery } from '#shared/client/verifyDelivery';
import { CommandFailure, EXIT, emit, type Io, parseCommand, text, UsageError } from './io';

/**
 * `verify-delivery --headers FILE.json --body FILE [--agency ID] [--url URL]`:
 * checks a webhook delivery the way a receiver should, with nothing but the
 * axis's published keys (JWKS): signature, body digest and addressee.
 */
export async function verifyDeliveryCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals, json } = parseCommand(argv, {
    headers: { type: 'string' },
    body: { type: 'string' },
    agency: { type: 'string' },
    url: { type: 'string' },
  });
  const headersFile = text(values, 'headers');
  const bodyFile = text(values, 'body');
  if (!headersFile || !bodyFile || positionals.length > 0) {
    throw new UsageError('verify-delivery needs --headers FILE.json and --body FILE');
  }
  const url = text(values, 'url') ?? io.env.LIENTHONG_URL;
  const agencyId = text(values, 'agency') ?? io.env.LIENTHONG_AGENCY;
  if (!url) throw new UsageError('missing --url (or LIENTHONG_URL)');
  if (!agencyId) throw new UsageError('missing --agency (or LIENTHONG_AGENCY)');
  let headers: Record<string, string>;
  try {
    const parsed = JSON.parse(readFileSync(headersFile, 'utf8')) as Record<string, unknown>;
    // Header names are case-insensitive; the checks read them in lower case.
    headers = Object.fromEntries(
      Object.entries(parsed).map(([name, value]) => [name.toLowerCase(), String(value)]),
    );
  } catch {
    throw new UsageError(`${headersFile} is not a JSON object of headers`);
  }
  const body = readFileSync(bodyFile);
  const keys = await fetchAxisKeys(url);
  let verified: ReturnType<typeof verifyDelivery>;
  try {
    verified = verifyDelivery(headers, body, agencyId, keys);
  } catch (error) {
    throw new CommandFailure('DELIVERY_NOT_VERIFIED', (error as Error).message);
  }
  emit(io, json, { ok: true, ...verified }, () => [
    `verified: ${verified.kind} ${verified.messageId} from ${verified.from} ` +
      `(document ${verified.documentId}, axis key ${verified.keyId})`,
  ]);
  return EXIT.ok;
}
