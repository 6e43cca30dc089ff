/**
 * The one declaration of the axis's resources and how they are wired.
 *
 * The CDK stack (`cdk/`) and the local runtime (`local/`) both read this
 * file, so a table, queue or route added here exists in both places with the
 * same keys, limits and environment variables. Nothing here imports AWS or
 * CDK code: it is plain data.
 */

/** Environment variables through which every function finds its resources. */
export const ENV = {
  agenciesTable: 'LIENTHONG_AGENCIES_TABLE',
  exchangeTable: 'LIENTHONG_EXCHANGE_TABLE',
  inboxTable: 'LIENTHONG_INBOX_TABLE',
  noncesTable: 'LIENTHONG_NONCES_TABLE',
  signersTable: 'LIENTHONG_SIGNERS_TABLE',
  auditTable: 'LIENTHONG_AUDIT_TABLE',
  payloadBucket: 'LIENTHONG_PAYLOAD_BUCKET',
  verifyQueueUrl: 'LIENTHONG_VERIFY_QUEUE_URL',
  routeQueueUrl: 'LIENTHONG_ROUTE_QUEUE_URL',
  signingKeyId: 'LIENTHONG_SIGNING_KEY_ID',
  routeMaxReceiveCount: 'LIENTHONG_ROUTE_MAX_RECEIVE_COUNT',
  maxBodyBytes: 'LIENTHONG_MAX_BODY_BYTES',
  webhookTimeoutMs: 'LIENTHONG_WEBHOOK_TIMEOUT_MS',
  directoryCacheSeconds: 'LIENTHONG_DIRECTORY_CACHE_SECONDS',
  retiredKeyIds: 'LIENTHONG_RETIRED_KEY_IDS',
  nationalDirectoryTable: 'LIENTHONG_NATIONAL_DIRECTORY_TABLE',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

export interface TableIndex {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
}

export interface TableDeclaration {
  /** Construct id in the stack and the stem of the table's local name. */
  readonly id: string;
  /** An attribute holding an expiry in epoch seconds, for DynamoDB's TTL. */
  readonly timeToLiveAttribute?: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly indexes: readonly TableIndex[];
  readonly env: EnvName;
}

/** All keys are strings: the axis never sorts on numbers. */
export const TABLES = {
  agencies: {
    id: 'Agencies',
    partitionKey: 'agencyId',
    indexes: [],
    env: ENV.agenciesTable,
  },
  exchange: {
    id: 'Exchange',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      // Statuses find their document through ResponseFor (sender + DocumentId).
      { name: 'byEdxmlKey', partitionKey: 'edxmlKey', sortKey: 'createdAt' },
      // ... and, when that DocumentId matches nothing, through OrganId + Code + date.
      { name: 'byCodeKey', partitionKey: 'codeKey', sortKey: 'createdAt' },
    ],
    env: ENV.exchangeTable,
  },
  inbox: {
    id: 'Inbox',
    partitionKey: 'agencyId',
    sortKey: 'messageId',
    indexes: [],
    env: ENV.inboxTable,
  },
  signers: {
    id: 'Signers',
    partitionKey: 'agencyId',
    sortKey: 'fingerprint',
    indexes: [],
    env: ENV.signersTable,
  },
  audit: {
    id: 'Audit',
    partitionKey: 'subject',
    sortKey: 'entryKey',
    indexes: [],
    env: ENV.auditTable,
  },
  nonces: {
    id: 'Nonces',
    partitionKey: 'nonceKey',
    indexes: [],
    timeToLiveAttribute: 'expiresAt',
    env: ENV.noncesTable,
  },
  nationalDirectory: {
    id: 'NationalDirectory',
    // One partition per imported directory (today only 'national'), sorted by
    // identifier, so that a prefix lookup is one Query. The directory is a few
    // thousand small entries, read far more often than written.
    partitionKey: 'directory',
    sortKey: 'agencyId',
    indexes: [],
    env: ENV.nationalDirectoryTable,
  },
} as const satisfies Record<string, TableDeclaration>;

export type TableName = keyof typeof TABLES;

/** Named up front so that queues and functions can refer to each other. */
export type QueueName = 'verify' | 'route';
export type FunctionName =
  | 'submit'
  | 'verify'
  | 'route'
  | 'statusCallback'
  | 'inbox'
  | 'acknowledge'
  | 'agencies'
  | 'download'
  | 'timeline'
  | 'keys'
  | 'health';

export interface QueueDeclaration {
  readonly id: string;
  readonly env: EnvName;
  /** The function that consumes the queue (an event source mapping). */
  readonly consumer: FunctionName;
  readonly batchSize: number;
  /**
   * Batches the consumer works on at once: the event source mapping's
   * maximum concurrency when deployed, the number of pollers locally.
   */
  readonly maxConcurrency: number;
  /** Receives before a message moves to the queue's dead-letter queue. */
  readonly maxReceiveCount: number;
  /** Long enough for a retry to be worth it, short enough to notice. */
  readonly dlqRetentionDays: number;
}

export const QUEUES = {
  verify: {
    id: 'VerifyQueue',
    env: ENV.verifyQueueUrl,
    consumer: 'verify',
    batchSize: 10,
    maxConcurrency: 4,
    maxReceiveCount: 5,
    dlqRetentionDays: 14,
  },
  route: {
    id: 'RouteQueue',
    env: ENV.routeQueueUrl,
    consumer: 'route',
    batchSize: 10,
    maxConcurrency: 4,
    maxReceiveCount: 5,
    dlqRetentionDays: 14,
  },
} as const satisfies Record<QueueName, QueueDeclaration>;

/**
 * Lambda's rule: a queue's visibility timeout must be at least the consumer's
 * timeout; AWS recommends six times, so a batch that is retried inside the
 * function never reappears while it is still being worked on.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
 */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

export type Access = 'read' | 'write' | 'readWrite';

export interface FunctionDeclaration {
  /** Path of the handler module, relative to the repository root. */
  readonly entry: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** HTTP routes this function answers, `METHOD /path/{param}`. */
  readonly routes: readonly string[];
  readonly tables: Partial<Record<TableName, Access>>;
  readonly bucket?: Access;
  readonly sendsTo: readonly QueueName[];
  /** KMS operations on the axis's signing key. */
  readonly signingKey: readonly ('sign' | 'getPublicKey')[];
  /** Extra plain settings, beyond resource names. */
  readonly settings: readonly EnvName[];
  /**
   * Checks that every table, queue, the bucket and the signing key answer:
   * gets their names and describe-level access only (DescribeTable,
   * GetQueueAttributes, HeadBucket, DescribeKey), never their data.
   */
  readonly health?: true;
}

export const FUNCTIONS = {
  submit: {
    entry: 'functions/submit/index.ts',
    timeoutSeconds: 10,
    memoryMb: 512,
    routes: ['POST /v1/documents'],
    tables: { agencies: 'read', exchange: 'readWrite', nonces: 'write' },
    bucket: 'write',
    sendsTo: ['verify'],
    signingKey: [],
    settings: [ENV.maxBodyBytes, ENV.directoryCacheSeconds],
  },
  verify: {
    entry: 'functions/verify/index.ts',
    timeoutSeconds: 30,
    memoryMb: 512,
    routes: [],
    tables: { agencies: 'read', exchange: 'readWrite', signers: 'read' },
    // Reads payloads and trust material; writes the rejections it signs.
    bucket: 'readWrite',
    sendsTo: ['route'],
    signingKey: ['sign'],
    settings: [ENV.directoryCacheSeconds],
  },
  route: {
    entry: 'functions/route/index.ts',
    timeoutSeconds: 30,
    memoryMb: 512,
    routes: [],
    tables: { agencies: 'read', exchange: 'readWrite', inbox: 'write' },
    bucket: 'read',
    sendsTo: [],
    signingKey: ['sign'],
    settings: [ENV.routeMaxReceiveCount, ENV.webhookTimeoutMs, ENV.directoryCacheSeconds],
  },
  statusCallback: {
    entry: 'functions/status-callback/index.ts',
    timeoutSeconds: 10,
    memoryMb: 512,
    routes: ['POST /v1/statuses'],
    tables: { agencies: 'read', exchange: 'readWrite', nonces: 'write' },
    bucket: 'write',
    sendsTo: ['route'],
    signingKey: [],
    settings: [ENV.maxBodyBytes, ENV.directoryCacheSeconds],
  },
  inbox: {
    entry: 'functions/inbox/index.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    routes: ['GET /v1/inbox'],
    tables: { agencies: 'read', inbox: 'read', nonces: 'write' },
    sendsTo: [],
    signingKey: [],
    settings: [ENV.directoryCacheSeconds],
  },
  acknowledge: {
    entry: 'functions/acknowledge/index.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    routes: ['POST /v1/inbox/{messageId}/ack'],
    tables: { agencies: 'read', inbox: 'readWrite', nonces: 'write' },
    sendsTo: [],
    signingKey: [],
    settings: [ENV.directoryCacheSeconds],
  },
  agencies: {
    entry: 'functions/agencies/index.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    routes: ['GET /v1/agencies', 'GET /v1/agencies/{agencyId}'],
    tables: { agencies: 'read', nationalDirectory: 'read', nonces: 'write' },
    sendsTo: [],
    signingKey: [],
    settings: [ENV.directoryCacheSeconds],
  },
  download: {
    entry: 'functions/download/index.ts',
    timeoutSeconds: 10,
    memoryMb: 512,
    routes: ['GET /v1/messages/{messageId}'],
    tables: { agencies: 'read', exchange: 'read', nonces: 'write' },
    bucket: 'read',
    sendsTo: [],
    signingKey: [],
    settings: [ENV.directoryCacheSeconds],
  },
  timeline: {
    entry: 'functions/timeline/index.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    routes: ['GET /v1/documents/{documentId}'],
    // The inbox, for the acknowledgements of pull deliveries.
    tables: { agencies: 'read', exchange: 'read', inbox: 'read', nonces: 'write' },
    sendsTo: [],
    signingKey: [],
    settings: [ENV.directoryCacheSeconds],
  },
  keys: {
    entry: 'functions/keys/index.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    routes: ['GET /.well-known/jwks.json'],
    tables: {},
    sendsTo: [],
    signingKey: ['getPublicKey'],
    settings: [ENV.retiredKeyIds],
  },
  health: {
    entry: 'functions/health/index.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    // Public, like the keys: it names components and ok/failing, nothing else.
    routes: ['GET /v1/health'],
    tables: {},
    sendsTo: [],
    signingKey: [],
    settings: [],
    health: true,
  },
} as const satisfies Record<FunctionName, FunctionDeclaration>;

/** Plain settings and their defaults, used when the environment is silent. */
export const SETTING_DEFAULTS: Partial<Record<EnvName, string>> = {
  [ENV.maxBodyBytes]: String(4 * 1024 * 1024),
  [ENV.routeMaxReceiveCount]: String(QUEUES.route.maxReceiveCount),
  [ENV.webhookTimeoutMs]: '10000',
  [ENV.directoryCacheSeconds]: '30',
  // Comma-separated ARNs of retired signing keys, still published so that
  // what they signed stays verifiable; the stack fills it from its context.
  [ENV.retiredKeyIds]: '',
};

/** The queue a function consumes, if any. */
export function queueConsumedBy(fn: FunctionName): QueueName | undefined {
  const names = Object.keys(QUEUES) as QueueName[];
  return names.find((name) => QUEUES[name].consumer === fn);
}
