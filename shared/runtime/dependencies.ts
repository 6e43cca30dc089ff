import { DynamoAgencyDirectory } from '../adapters/dynamodb/DynamoAgencyDirectory';
import { DynamoAuditLog } from '../adapters/dynamodb/DynamoAuditLog';
import { DynamoConnectionLog } from '../adapters/dynamodb/DynamoConnectionLog';
import { DynamoExchangeStore } from '../adapters/dynamodb/DynamoExchangeStore';
import { DynamoInboxStore } from '../adapters/dynamodb/DynamoInboxStore';
import { DynamoNationalDirectory } from '../adapters/dynamodb/DynamoNationalDirectory';
import { DynamoNonceStore } from '../adapters/dynamodb/DynamoNonceStore';
import { DynamoOperatorStore } from '../adapters/dynamodb/DynamoOperatorStore';
import { DynamoSignerRegistry } from '../adapters/dynamodb/DynamoSignerRegistry';
import { FetchWebhookClient } from '../adapters/http/FetchWebhookClient';
import { HttpNationalAxis } from '../adapters/http/HttpNationalAxis';
import { KmsPublicKeys } from '../adapters/kms/KmsPublicKeys';
import { KmsSigner } from '../adapters/kms/KmsSigner';
import { S3PayloadStore } from '../adapters/s3/S3PayloadStore';
import { S3TrustStore } from '../adapters/s3/S3TrustStore';
import { nationalCredentialsFromSecret } from '../adapters/secretsmanager/SecretsManagerNationalCredentials';
import { SqsQueueDepths } from '../adapters/sqs/SqsQueueDepths';
import { SqsWorkQueue } from '../adapters/sqs/SqsWorkQueue';
import { readConfig } from '../config/config';
import type {
  AgencyDirectory,
  AuditLog,
  Clock,
  ConnectionLog,
  ExchangeStore,
  InboxStore,
  NationalAxis,
  NationalDirectory,
  NonceStore,
  OperatorStore,
  PayloadStore,
  PublicKeySource,
  QueueDepths,
  RouteRequest,
  Signer,
  SignerRegistry,
  TrustStore,
  VerifyRequest,
  WebhookClient,
  WorkQueue,
} from '../domain/ports';
import type { SignaturePolicy } from '../domain/records';
import { CachingAgencyDirectory } from '../services/CachingAgencyDirectory';

/**
 * The composition root: real adapters, built from the configuration on first
 * use and kept for the life of the process (a Lambda execution environment
 * reuses them across invocations). Each getter touches only the settings it
 * needs, so a function needs only the environment variables of what it uses.
 */
export interface Dependencies {
  readonly directory: AgencyDirectory;
  readonly exchange: ExchangeStore;
  readonly inbox: InboxStore;
  /** The national directory the operator imports; not the agencies connected here. */
  readonly nationalDirectory: NationalDirectory;
  readonly nonces: NonceStore;
  readonly signers: SignerRegistry;
  readonly audit: AuditLog;
  readonly trust: TrustStore;
  readonly payloads: PayloadStore;
  readonly verifyQueue: WorkQueue<VerifyRequest>;
  readonly routeQueue: WorkQueue<RouteRequest>;
  readonly signer: Signer;
  readonly webhook: WebhookClient;
  readonly publicKeys: PublicKeySource;
  readonly clock: Clock;
  /** How the axis last got on with each agency and the national axis. */
  readonly connections: ConnectionLog;
  /** Operators of the console and the hashes of their tokens. */
  readonly operators: OperatorStore;
  /** Counts of the work and dead-letter queues, for operators. */
  readonly queueDepths: QueueDepths;
  readonly maxBodyBytes: number;
  readonly routeMaxReceiveCount: number;
  /** How long a delivery attempt holds its claim: the webhook timeout and a margin. */
  readonly deliveryLeaseMs: number;
  /** Days an inbox item acknowledged as done stays stored before it expires. */
  readonly inboxRetentionDays: number;
  /** The national axis, or undefined when this axis is not linked to one. */
  readonly national: NationalAxis | undefined;
  /** Whether this axis is linked to a national axis (needs only its URL setting). */
  readonly nationalLinked: boolean;
  /** The signature policy for documents that come from the national axis. */
  readonly nationalSignaturePolicy: SignaturePolicy;
  /** Items taken from the national axis per scheduled poll. */
  readonly nationalFetchLimit: number;
}

/** Time for the work around a webhook call: the payload read, the signature, the record. */
const DELIVERY_LEASE_MARGIN_MS = 5_000;

/** How long a warm function keeps trust anchors and CRLs before reading them again. */
const TRUST_CACHE_MS = 5 * 60_000;

const systemClock: Clock = { now: () => new Date() };

function memo<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= build();
    return value;
  };
}

export function createDependencies(env: Record<string, string | undefined> = process.env) {
  const config = readConfig(env);
  const directory = memo((): AgencyDirectory => {
    const table = new DynamoAgencyDirectory(config.agenciesTable);
    const seconds = config.directoryCacheSeconds;
    return seconds > 0 ? new CachingAgencyDirectory(table, systemClock, seconds * 1000) : table;
  });
  const exchange = memo(() => new DynamoExchangeStore(config.exchangeTable));
  const inbox = memo(() => new DynamoInboxStore(config.inboxTable));
  const nationalDirectory = memo(() => new DynamoNationalDirectory(config.nationalDirectoryTable));
  const nonces = memo(() => new DynamoNonceStore(config.noncesTable));
  const signers = memo(() => new DynamoSignerRegistry(config.signersTable));
  const audit = memo(() => new DynamoAuditLog(config.auditTable));
  const trust = memo(
    () =>
      new S3TrustStore(config.payloadBucket, {
        forcePathStyle: config.s3ForcePathStyle,
        ttlMs: TRUST_CACHE_MS,
      }),
  );
  const payloads = memo(
    () => new S3PayloadStore(config.payloadBucket, { forcePathStyle: config.s3ForcePathStyle }),
  );
  const verifyQueue = memo(() => new SqsWorkQueue<VerifyRequest>(config.verifyQueueUrl));
  const routeQueue = memo(() => new SqsWorkQueue<RouteRequest>(config.routeQueueUrl));
  const signer = memo(() => new KmsSigner(config.signingKeyId));
  const webhook = memo(() => new FetchWebhookClient(config.webhookTimeoutMs));
  // Credentials are read from Secrets Manager on the first call, not here:
  // a function that only checks whether the link exists needs no secret.
  const national = memo((): NationalAxis | undefined => {
    const url = config.nationalAxisUrl;
    if (url === undefined) return undefined;
    const credentials = nationalCredentialsFromSecret(config.nationalCredentialsSecret);
    // Room for a file as large as a submission may be, and the lists' JSON.
    return new HttpNationalAxis(url, credentials, {
      maxResponseBytes: config.maxBodyBytes + 1024 * 1024,
    });
  });
  const publicKeys = memo(() => new KmsPublicKeys([config.signingKeyId, ...config.retiredKeyIds]));
  const connections = memo(() => new DynamoConnectionLog(config.connectionsTable));
  const operators = memo(() => new DynamoOperatorStore(config.operatorsTable));
  const queueDepths = memo(
    () =>
      new SqsQueueDepths([
        {
          name: 'verify',
          url: config.verifyQueueUrl,
          deadLetterUrl: config.verifyDeadLetterQueueUrl,
        },
        { name: 'route', url: config.routeQueueUrl, deadLetterUrl: config.routeDeadLetterQueueUrl },
      ]),
  );
  const deps: Dependencies = {
    get directory() {
      return directory();
    },
    get exchange() {
      return exchange();
    },
    get inbox() {
      return inbox();
    },
    get nationalDirectory() {
      return nationalDirectory();
    },
    get nonces() {
      return nonces();
    },
    get signers() {
      return signers();
    },
    get audit() {
      return audit();
    },
    get trust() {
      return trust();
    },
    get payloads() {
      return payloads();
    },
    get verifyQueue() {
      return verifyQueue();
    },
    get routeQueue() {
      return routeQueue();
    },
    get signer() {
      return signer();
    },
    get webhook() {
      return webhook();
    },
    get publicKeys() {
      return publicKeys();
    },
    clock: systemClock,
    get connections() {
      return connections();
    },
    get operators() {
      return operators();
    },
    get queueDepths() {
      return queueDepths();
    },
    get maxBodyBytes() {
      return config.maxBodyBytes;
    },
    get routeMaxReceiveCount() {
      return config.routeMaxReceiveCount;
    },
    get deliveryLeaseMs() {
      return config.webhookTimeoutMs + DELIVERY_LEASE_MARGIN_MS;
    },
    get inboxRetentionDays() {
      return config.inboxRetentionDays;
    },
    get national() {
      return national();
    },
    get nationalLinked() {
      return config.nationalAxisUrl !== undefined;
    },
    get nationalSignaturePolicy() {
      return config.nationalSignaturePolicy;
    },
    get nationalFetchLimit() {
      return config.nationalFetchLimit;
    },
  };
  return deps;
}

let shared: Dependencies | undefined;

/** The process-wide dependencies that handlers use. */
export function dependencies(): Dependencies {
  shared ??= createDependencies();
  return shared;
}

/**
 * Forgets the adapters built so far. The local runtime calls it when it
 * points the process at freshly provisioned resources.
 */
export function resetDependencies(): void {
  shared = undefined;
}

/** Puts prepared dependencies in place, for handler tests that use fakes. */
export function useDependencies(deps: Dependencies): void {
  shared = deps;
}
