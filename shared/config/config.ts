import { SIGNATURE_POLICIES, type SignaturePolicy } from '../domain/records';
import { ENV, type EnvName, SETTING_DEFAULTS } from './wiring';

/**
 * Everything a function may need to know about its surroundings, read from
 * the environment in one place. A setting that a function uses but that is
 * missing fails loudly on first use, naming the variable, instead of
 * surfacing later as an SDK error about an empty table name.
 */
export interface AxisConfig {
  readonly agenciesTable: string;
  readonly exchangeTable: string;
  readonly inboxTable: string;
  readonly noncesTable: string;
  readonly signersTable: string;
  readonly auditTable: string;
  readonly nationalDirectoryTable: string;
  readonly connectionsTable: string;
  readonly operatorsTable: string;
  readonly payloadBucket: string;
  readonly verifyQueueUrl: string;
  readonly routeQueueUrl: string;
  readonly verifyDeadLetterQueueUrl: string;
  readonly routeDeadLetterQueueUrl: string;
  readonly signingKeyId: string;
  readonly routeMaxReceiveCount: number;
  readonly maxBodyBytes: number;
  readonly webhookTimeoutMs: number;
  /** Retired signing keys, still published in the JWKS. */
  readonly retiredKeyIds: readonly string[];
  /** How long a warm function trusts an agency it has read (0 turns caching off). */
  readonly directoryCacheSeconds: number;
  /** Base URL of the national axis, or undefined when this axis is not linked to one. */
  readonly nationalAxisUrl: string | undefined;
  /** The Secrets Manager secret (name or ARN) with the national axis credentials. */
  readonly nationalCredentialsSecret: string;
  /** The signature policy for documents that come from the national axis. */
  readonly nationalSignaturePolicy: SignaturePolicy;
  readonly nationalFetchLimit: number;
  readonly inboxRetentionDays: number;
  /**
   * Emulators and LocalStack serve S3 on one host, so buckets go in the path
   * rather than the host name whenever an S3 endpoint is configured.
   */
  readonly s3ForcePathStyle: boolean;
}

export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: EnvName): string {
  const value = env[name] ?? SETTING_DEFAULTS[name];
  if (value === undefined || value === '') {
    throw new ConfigurationError(`environment variable ${name} is not set`);
  }
  return value;
}

function positiveInteger(env: Env, name: EnvName): number {
  const raw = text(env, name);
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigurationError(`${name} must be a positive integer, got "${raw}"`);
  }
  return value;
}

/**
 * Reads the configuration lazily: each property is looked up when used, so
 * a function is only required to have the variables it actually touches.
 */
export function readConfig(env: Env = process.env): AxisConfig {
  return {
    get agenciesTable() {
      return text(env, ENV.agenciesTable);
    },
    get exchangeTable() {
      return text(env, ENV.exchangeTable);
    },
    get inboxTable() {
      return text(env, ENV.inboxTable);
    },
    get noncesTable() {
      return text(env, ENV.noncesTable);
    },
    get signersTable() {
      return text(env, ENV.signersTable);
    },
    get nationalDirectoryTable() {
      return text(env, ENV.nationalDirectoryTable);
    },
    get connectionsTable() {
      return text(env, ENV.connectionsTable);
    },
    get operatorsTable() {
      return text(env, ENV.operatorsTable);
    },
    get auditTable() {
      return text(env, ENV.auditTable);
    },
    get payloadBucket() {
      return text(env, ENV.payloadBucket);
    },
    get verifyQueueUrl() {
      return text(env, ENV.verifyQueueUrl);
    },
    get routeQueueUrl() {
      return text(env, ENV.routeQueueUrl);
    },
    get verifyDeadLetterQueueUrl() {
      return text(env, ENV.verifyDeadLetterQueueUrl);
    },
    get routeDeadLetterQueueUrl() {
      return text(env, ENV.routeDeadLetterQueueUrl);
    },
    get signingKeyId() {
      return text(env, ENV.signingKeyId);
    },
    get routeMaxReceiveCount() {
      return positiveInteger(env, ENV.routeMaxReceiveCount);
    },
    get maxBodyBytes() {
      return positiveInteger(env, ENV.maxBodyBytes);
    },
    get webhookTimeoutMs() {
      return positiveInteger(env, ENV.webhookTimeoutMs);
    },
    get directoryCacheSeconds() {
      const raw = text(env, ENV.directoryCacheSeconds);
      const value = Number(raw);
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new ConfigurationError(
          `${ENV.directoryCacheSeconds} must be a whole number of seconds, got "${raw}"`,
        );
      }
      return value;
    },
    get retiredKeyIds() {
      const raw = env[ENV.retiredKeyIds] ?? SETTING_DEFAULTS[ENV.retiredKeyIds] ?? '';
      return raw
        .split(',')
        .map((key) => key.trim())
        .filter((key) => key !== '');
    },
    get nationalAxisUrl() {
      const raw = (env[ENV.nationalAxisUrl] ?? SETTING_DEFAULTS[ENV.nationalAxisUrl] ?? '').trim();
      if (raw === '') return undefined;
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new ConfigurationError(`${ENV.nationalAxisUrl} is not a URL: "${raw}"`);
      }
      // The HMAC signs requests only: answers are trusted for coming over TLS.
      // Plain HTTP is for a simulator on this machine.
      const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
        throw new ConfigurationError(
          `${ENV.nationalAxisUrl} must be an https URL (plain http only on 127.0.0.1)`,
        );
      }
      return raw.replace(/\/+$/, '');
    },
    get nationalCredentialsSecret() {
      return text(env, ENV.nationalCredentialsSecret);
    },
    get nationalSignaturePolicy() {
      const raw = text(env, ENV.nationalSignaturePolicy);
      const policy = SIGNATURE_POLICIES.find((known) => known === raw);
      if (!policy) {
        throw new ConfigurationError(
          `${ENV.nationalSignaturePolicy} must be one of ${SIGNATURE_POLICIES.join(', ')}, ` +
            `got "${raw}"`,
        );
      }
      return policy;
    },
    get nationalFetchLimit() {
      return positiveInteger(env, ENV.nationalFetchLimit);
    },
    get inboxRetentionDays() {
      return positiveInteger(env, ENV.inboxRetentionDays);
    },
    get s3ForcePathStyle() {
      return Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
    },
  };
}
