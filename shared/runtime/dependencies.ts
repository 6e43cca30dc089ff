import { DynamoAgencyDirectory } from '../adapters/dynamodb/DynamoAgencyDirectory';
import { DynamoAuditLog } from '../adapters/dynamodb/DynamoAuditLog';
import { DynamoExchangeStore } from '../adapters/dynamodb/DynamoExchangeStore';
import { DynamoInboxStore } from '../adapters/dynamodb/DynamoInboxStore';
import { DynamoNationalDirectory } from '../adapters/dynamodb/DynamoNationalDirectory';
import { DynamoNonceStore } from '../adapters/dynamodb/DynamoNonceStore';
import { DynamoSignerRegistry } from '../adapters/dynamodb/DynamoSignerRegistry';
import { FetchWebhookClient } from '../adapters/http/FetchWebhookClient';
import { KmsPublicKeys } from '../adapters/kms/KmsPublicKeys';
import { KmsSigner } from '../adapters/kms/KmsSigner';
import { S3PayloadStore } from '../adapters/s3/S3PayloadStore';
import { S3TrustStore } from '../adapters/s3/S3TrustStore';
import { SqsWorkQueue } from '../adapters/sqs/SqsWorkQueue';
import { readConfig } from '../config/config';
import type {
  AgencyDirectory,
  AuditLog,
  Clock,
  ExchangeStore,
  InboxStore,
  NationalDirectory,
  NonceStore,
  PayloadStore,
  PublicKeySource,
  RouteRequest,
  Signer,
  SignerRegistry,
  TrustStore,
  VerifyRequest,
  WebhookClient,
  WorkQueue,
} from '../domain/ports';
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
  readonly maxBodyBytes: number;
  readonly routeMaxReceiveCount: number;
  /** How long a delivery attempt holds its claim: the webhook timeout and a margin. */
  readonly deliveryLeaseMs: number;
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
  const publicKeys = memo(() => new KmsPublicKeys([config.signingKeyId, ...config.retiredKeyIds]));
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
    get maxBodyBytes() {
      return config.maxBodyBytes;
    },
    get routeMaxReceiveCount() {
      return config.routeMaxReceiveCount;
    },
    get deliveryLeaseMs() {
      return config.webhookTimeoutMs + DELIVERY_LEASE_MARGIN_MS;
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
