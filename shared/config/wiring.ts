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
  connectionsTable: 'LIENTHONG_CONNECTIONS_TABLE',
  operatorsTable: 'LIENTHONG_OPERATORS_TABLE',
  verifyDeadLetterQueueUrl: 'LIENTHONG_VERIFY_DLQ_URL',
  routeDeadLetterQueueUrl: 'LIENTHONG_ROUTE_DLQ_URL',
  /** Base URL of the national axis; empty when this axis is not linked to it. */
  nationalAxisUrl: 'LIENTHONG_NATIONAL_AXIS_URL',
  /** Secrets Manager secret holding `{"systemId": ..., "secret": ...}` for the national axis. */
  nationalCredentialsSecret: 'LIENTHONG_NATIONAL_CREDENTIALS_SECRET',
  /** Signature policy applied to documents that come from the national axis. */
  nationalSignaturePolicy: 'LIENTHONG_NATIONAL_SIGNATURE_POLICY',
  /** Items fetched from the national axis per scheduled run. */
  nationalFetchLimit: 'LIENTHONG_NATIONAL_FETCH_LIMIT',
  /** Days an inbox item stays stored after it was acknowledged as done. */
  inboxRetentionDays: 'LIENTHONG_INBOX_RETENTION_DAYS',
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
      // Operators' view of recent documents: one partition per UTC day, newest first.
      { name: 'byDay', partitionKey: 'createdDay', sortKey: 'createdAt' },
    ],
    env: ENV.exchangeTable,
  },
  inbox: {
    id: 'Inbox',
    partitionKey: 'agencyId',
    sortKey: 'messageId',
    indexes: [],
    // Set when an item is acknowledged as done: kept for the record, then expired.
    timeToLiveAttribute: 'expiresAt',
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
  connections: {
    id: 'Connections',
    // One item per agency (and one for the national axis link): last
    // successful delivery and poll, consecutive failures.
    partitionKey: 'agencyId',
    indexes: [],
    env: ENV.connectionsTable,
  },
  operators: {
    id: 'Operators',
    // Operators of the console; the axis keeps only a SHA-256 of each token.
    partitionKey: 'operatorId',
    indexes: [],
    env: ENV.operatorsTable,
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
  | 'health'
  | 'healthMonitor'
  | 'federation'
  | 'directorySync'
  | 'openapi'
  | 'console'
  | 'operator';

export interface QueueDeclaration {
  readonly id: string;
  readonly env: EnvName;
  /** Where functions that look at the dead-letter queue find its URL. */
  readonly deadLetterEnv: EnvName;
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
    deadLetterEnv: ENV.verifyDeadLetterQueueUrl,
    consumer: 'verify',
    batchSize: 10,
    maxConcurrency: 4,
    maxReceiveCount: 5,
    dlqRetentionDays: 14,
  },
  route: {
    id: 'RouteQueue',
    env: ENV.routeQueueUrl,
    deadLetterEnv: ENV.routeDeadLetterQueueUrl,
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
   * gets their names (dead-letter queues included) and describe-level access
   * only (DescribeTable, GetQueueAttributes, HeadBucket, DescribeKey), never
   * their data.
   */
  readonly health?: true;
  /**
   * Reads how many messages wait in each queue and its dead-letter queue:
   * gets their URLs and GetQueueAttributes on them, nothing else.
   */
  readonly queueDepths?: true;
  /**
   * Talks to the national axis: gets its URL and the name of the secret with
   * this axis's system id and HMAC key, and may read that secret only.
   */
  readonly national?: true;
  /** Runs on a schedule (an EventBridge rule when deployed, a timer locally). */
  readonly scheduleMinutes?: number;
}

export const FUNCTIONS = {
  submit: {
    entry: 'functions/submit/index.ts',
    timeoutSeconds: 10,
    memoryMb: 512,
    routes: ['POST /v1/documents'],
    // The national directory: recipients that are reached through the national axis.
    tables: { agencies: 'read', exchange: 'readWrite', nonces: 'write', nationalDirectory: 'read' },
    bucket: 'write',
    sendsTo: ['verify'],
    signingKey: [],
    settings: [ENV.maxBodyBytes, ENV.directoryCacheSeconds, ENV.nationalAxisUrl],
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
    settings: [ENV.directoryCacheSeconds, ENV.nationalSignaturePolicy],
  },
  route: {
    entry: 'functions/route/index.ts',
    timeoutSeconds: 30,
    memoryMb: 512,
    routes: [],
    // Connections: each agency's last delivery and failures. The national
    // directory: recipients that are reached through the national axis.
    tables: {
      agencies: 'read',
      exchange: 'readWrite',
      inbox: 'write',
      connections: 'readWrite',
      nationalDirectory: 'read',
    },
    bucket: 'read',
    sendsTo: [],
    signingKey: ['sign'],
    settings: [ENV.routeMaxReceiveCount, ENV.webhookTimeoutMs, ENV.directoryCacheSeconds],
    national: true,
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
    // Connections: a poll is what tells operators a pull agency is alive.
    tables: { agencies: 'read', inbox: 'read', nonces: 'write', connections: 'readWrite' },
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
    settings: [ENV.directoryCacheSeconds, ENV.inboxRetentionDays],
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
  healthMonitor: {
    entry: 'functions/health-monitor/index.ts',
    timeoutSeconds: 30,
    memoryMb: 256,
    // Runs the same checks on a schedule and publishes the outcome as a
    // metric, so an alarm fires even when nobody polls the health endpoint.
    routes: [],
    tables: {},
    sendsTo: [],
    signingKey: [],
    settings: [],
    health: true,
    scheduleMinutes: 5,
  },
  federation: {
    entry: 'functions/federation/index.ts',
    timeoutSeconds: 120,
    memoryMb: 512,
    // Fetches what the national axis holds for this axis's agencies, routes
    // it locally and acknowledges it there (directorySync keeps the directory).
    routes: [],
    tables: { agencies: 'read', exchange: 'readWrite', connections: 'readWrite' },
    bucket: 'write',
    sendsTo: ['verify', 'route'],
    signingKey: [],
    settings: [ENV.directoryCacheSeconds, ENV.nationalFetchLimit, ENV.maxBodyBytes],
    national: true,
    scheduleMinutes: 1,
  },
  directorySync: {
    entry: 'functions/directory-sync/index.ts',
    timeoutSeconds: 120,
    memoryMb: 512,
    // Replaces the national directory with the national axis's own list.
    routes: [],
    tables: { nationalDirectory: 'readWrite' },
    sendsTo: [],
    signingKey: [],
    settings: [],
    national: true,
    scheduleMinutes: 360,
  },
  openapi: {
    entry: 'functions/openapi/index.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    // Public: the description of the API, generated from its request schemas.
    routes: ['GET /v1/openapi.json'],
    tables: {},
    sendsTo: [],
    signingKey: [],
    settings: [],
  },
  console: {
    entry: 'functions/console/index.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    // Public shell of the operator console: a page with no data in it; the
    // data comes from the operator routes, behind operator authentication.
    routes: ['GET /console'],
    tables: {},
    sendsTo: [],
    signingKey: [],
    settings: [],
  },
  operator: {
    entry: 'functions/operator/index.ts',
    timeoutSeconds: 15,
    memoryMb: 512,
    routes: [
      'GET /v1/operator/agencies',
      'GET /v1/operator/documents',
      'GET /v1/operator/documents/{documentId}',
      'GET /v1/operator/queues',
    ],
    tables: {
      operators: 'read',
      agencies: 'read',
      connections: 'read',
      exchange: 'read',
      inbox: 'read',
    },
    sendsTo: [],
    signingKey: [],
    settings: [ENV.directoryCacheSeconds],
    // Queue and dead-letter depths for the console.
    queueDepths: true,
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
  // Not linked to a national axis unless the deployment says so.
  [ENV.nationalAxisUrl]: '',
  [ENV.nationalCredentialsSecret]: '',
  [ENV.nationalSignaturePolicy]: 'optional',
  [ENV.nationalFetchLimit]: '50',
  [ENV.inboxRetentionDays]: '30',
};
