import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { AxisError } from '#shared/domain/AxisError';
import type { SignaturePolicy } from '#shared/domain/records';
import { dependencies } from '#shared/runtime/dependencies';
import { documentTimeline } from '#shared/services/documentTimeline';
import { registerSigner, revokeSigner } from '#shared/services/manageSigners';
import { createOperator, listOperators, revokeOperator } from '#shared/services/operators';
import { registerAgency } from '#shared/services/registerAgency';
import { timelineLines } from './format';
import { EXIT, emit, type Io, parseCommand, text, UsageError } from './io';

/**
 * Operator commands: direct AWS access with the axis's own services, over the
 * tables and queues the LIENTHONG_* settings name (as tools/*.ts do).
 */

const clock = { now: () => new Date() };

/** A required string option, or a usage error naming it. */
function required(values: Record<string, unknown>, name: string, command: string): string {
  const value = text(values, name);
  if (!value) throw new UsageError(`${command} needs --${name}`);
  return value;
}

/** The DER SPKI (base64) of a public key PEM file, without echoing the file on error. */
function spkiOf(file: string): string {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch {
    throw new UsageError(`cannot read the public key file ${file}`);
  }
  try {
    return createPublicKey(pem).export({ format: 'der', type: 'spki' }).toString('base64');
  } catch {
    throw new UsageError(`${file} is not a PEM public key`);
  }
}

/**
 * `agency register --id ID --name NAME --public-key FILE.pem --key-id KID
 * --policy required|optional|report [--webhook URL] [--sends-for IDS]`.
 * `--loopback` allows a plain-HTTP webhook on 127.0.0.1 (local axis only).
 */
export async function agencyCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals, json } = parseCommand(argv, {
    id: { type: 'string' },
    name: { type: 'string' },
    'public-key': { type: 'string' },
    'key-id': { type: 'string' },
    policy: { type: 'string' },
    webhook: { type: 'string' },
    'sends-for': { type: 'string' },
    loopback: { type: 'boolean' },
  });
  if (positionals[0] !== 'register' || positionals.length > 1) {
    throw new UsageError('agency takes one subcommand: register');
  }
  const keyId = required(values, 'key-id', 'agency register');
  const input = {
    agencyId: required(values, 'id', 'agency register'),
    name: required(values, 'name', 'agency register'),
    webhookUrl: text(values, 'webhook'),
    keys: [{ keyId, publicKeySpki: spkiOf(required(values, 'public-key', 'agency register')) }],
    signaturePolicy: required(values, 'policy', 'agency register') as SignaturePolicy,
    sendsFor: text(values, 'sends-for')
      ?.split(',')
      .map((unit) => unit.trim()),
  };
  const { agency } = await registerAgency({ directory: dependencies().directory, clock }, input, {
    allowLoopbackHttp: values.loopback === true,
  });
  emit(io, json, { ok: true, agency }, () => [
    `registered ${agency.agencyId} (${agency.channel.mode}, signature policy ` +
      `${agency.signaturePolicy}, key ${keyId})`,
  ]);
  return EXIT.ok;
}

/** `signers register|list|revoke --agency ID [--cert FILE] [--fingerprint FP] [--actor NAME]`. */
export async function signersCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals, json } = parseCommand(argv, {
    agency: { type: 'string' },
    cert: { type: 'string' },
    fingerprint: { type: 'string' },
    actor: { type: 'string' },
  });
  const [sub] = positionals;
  const agencyId = required(values, 'agency', `signers ${sub ?? ''}`.trim());
  const deps = { ...dependencies(), clock };
  if (sub === 'list' && positionals.length === 1) {
    const signers = await deps.signers.list(agencyId);
    emit(io, json, signers, () => [
      ...signers.map((s) => `${s.state.padEnd(8)} ${s.fingerprint} ${s.subject}`),
      `${signers.length} signer(s) registered for ${agencyId}`,
    ]);
    return EXIT.ok;
  }
  if (sub === 'register' && positionals.length === 1) {
    const file = required(values, 'cert', 'signers register');
    const record = await registerSigner(deps, {
      agencyId,
      certificate: readFileSync(file),
      actor: required(values, 'actor', 'signers register'),
    });
    emit(io, json, record, () => [
      `registered ${record.fingerprint} ${record.subject} until ${record.notAfter}`,
    ]);
    return EXIT.ok;
  }
  if (sub === 'revoke' && positionals.length === 1) {
    const record = await revokeSigner(deps, {
      agencyId,
      fingerprint: required(values, 'fingerprint', 'signers revoke'),
      actor: required(values, 'actor', 'signers revoke'),
    });
    emit(io, json, record, () => [`revoked ${record.fingerprint} ${record.subject}`]);
    return EXIT.ok;
  }
  throw new UsageError('signers takes one subcommand: register, list or revoke');
}

/**
 * `operator create NAME | list | revoke OPERATOR_ID [--actor NAME]`: who may
 * use the operator console and API. `create` shows the bearer token once;
 * the axis keeps only its SHA-256. The actor defaults to the login name.
 */
export async function operatorCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals, json } = parseCommand(argv, { actor: { type: 'string' } });
  const [sub, argument, ...extra] = positionals;
  // Only the operators and audit tables, and only once the command line holds.
  const deps = () => ({ operators: dependencies().operators, audit: dependencies().audit, clock });
  const actor = text(values, 'actor') ?? userInfo().username;
  if (sub === 'create' && argument && extra.length === 0) {
    const created = await createOperator(deps(), { name: argument, actor });
    emit(io, json, created, () => [
      `created ${created.operator.operatorId} (${created.operator.name})`,
      'token, shown this once; give it to the operator over a safe channel:',
      created.token,
    ]);
    return EXIT.ok;
  }
  if (sub === 'list' && argument === undefined) {
    const listed = await listOperators(deps());
    emit(io, json, listed, () =>
      listed.map(
        (o) =>
          `${o.operatorId} ${o.name} (created ${o.createdAt}, ` +
          `${o.revokedAt ? `revoked ${o.revokedAt}` : 'active'})`,
      ),
    );
    return EXIT.ok;
  }
  if (sub === 'revoke' && argument && extra.length === 0) {
    const operator = await revokeOperator(deps(), { operatorId: argument, actor });
    emit(io, json, operator, () => [`revoked ${operator.operatorId} (${operator.name})`]);
    return EXIT.ok;
  }
  throw new UsageError('operator takes one subcommand: create NAME, list or revoke OPERATOR_ID');
}

/** `trace DOCUMENT_ID`: the timeline read from the exchange table, as its sender sees it. */
export async function trace(argv: readonly string[], io: Io): Promise<number> {
  const { positionals, json } = parseCommand(argv, {});
  const [documentId] = positionals;
  if (!documentId || positionals.length > 1) throw new UsageError('trace needs DOCUMENT_ID');
  const { exchange, directory } = dependencies();
  const document = await exchange.getDocument(documentId);
  if (!document) throw new AxisError('NOT_FOUND', `no document ${documentId}`);
  const sender = await directory.get(document.senderId);
  if (!sender) throw new AxisError('NOT_FOUND', `the sender ${document.senderId} is unknown`);
  const view = await documentTimeline(exchange, sender, documentId);
  emit(io, json, view, () => timelineLines(view));
  return EXIT.ok;
}
