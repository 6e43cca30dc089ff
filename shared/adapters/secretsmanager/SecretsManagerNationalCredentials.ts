import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { ConfigurationError } from '../../config/config';
import type { NationalCredentials } from '../http/HttpNationalAxis';

/** How long credentials read from the secret are used before it is read again. */
export const CREDENTIALS_CACHE_MS = 5 * 60 * 1000;

let sharedClient: SecretsManagerClient | undefined;

/** One client per process; region and endpoint come from the standard AWS settings. */
function defaultClient(): SecretsManagerClient {
  sharedClient ??= new SecretsManagerClient({});
  return sharedClient;
}

export interface SecretsManagerNationalCredentialsOptions {
  /** Default: one client per process, configured by the standard AWS settings. */
  readonly client?: SecretsManagerClient;
  /** Default {@link CREDENTIALS_CACHE_MS}. */
  readonly cacheMs?: number;
  /** Milliseconds since the epoch; tests move it to expire the cache. */
  readonly now?: () => number;
}

/**
 * The national axis credentials, kept in a Secrets Manager secret as
 * `{"systemId": "...", "secret": "..."}` so the shared secret never sits in
 * an environment variable or a template.
 *
 * A warm function reads the secret at most once per {@link CREDENTIALS_CACHE_MS}:
 * few calls to Secrets Manager, yet a rotated secret is in use within minutes.
 * Concurrent callers share one read; a failed read is not cached.
 *
 * A secret that is missing or malformed is a {@link ConfigurationError} naming
 * the secret and what is wrong, never quoting its value. Other failures
 * (throttling, the network) come through unchanged: they may pass.
 */
export class SecretsManagerNationalCredentials {
  private cached:
    | { readonly value: Promise<NationalCredentials>; readonly until: number }
    | undefined;
  private readonly cacheMs: number;
  private readonly now: () => number;

  constructor(
    private readonly secretId: string,
    private readonly options: SecretsManagerNationalCredentialsOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? CREDENTIALS_CACHE_MS;
    this.now = options.now ?? Date.now;
  }

  /** The provider HttpNationalAxis takes; bound, so it can be passed around alone. */
  readonly get = (): Promise<NationalCredentials> => {
    const now = this.now();
    if (this.cached && now < this.cached.until) return this.cached.value;
    const value = this.read();
    const entry = { value, until: now + this.cacheMs };
    this.cached = entry;
    value.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return value;
  };

  private async read(): Promise<NationalCredentials> {
    const client = this.options.client ?? defaultClient();
    let secretString: string | undefined;
    try {
      ({ SecretString: secretString } = await client.send(
        new GetSecretValueCommand({ SecretId: this.secretId }),
      ));
    } catch (error) {
      if (error instanceof ResourceNotFoundException) {
        throw new ConfigurationError(`secret ${this.secretId} does not exist`);
      }
      throw error;
    }
    return parseCredentials(this.secretId, secretString);
  }
}

/** Reads `{"systemId", "secret"}` out of a secret's text, naming the secret on any problem. */
export function parseCredentials(
  secretId: string,
  secretString: string | undefined,
): NationalCredentials {
  const shape = `secret ${secretId} must hold JSON {"systemId": "...", "secret": "..."}`;
  if (secretString === undefined) {
    throw new ConfigurationError(`${shape}: it has no text value`);
  }
  let value: unknown;
  try {
    value = JSON.parse(secretString);
  } catch {
    // The parser's own message quotes the text, which is the secret: not kept.
    throw new ConfigurationError(`${shape}: it is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigurationError(`${shape}: it is not a JSON object`);
  }
  const { systemId, secret } = value as Record<string, unknown>;
  const problems = [
    typeof systemId === 'string' && systemId.trim() !== '' ? undefined : '"systemId"',
    typeof secret === 'string' && secret !== '' ? undefined : '"secret"',
  ].filter((problem) => problem !== undefined);
  if (problems.length > 0) {
    throw new ConfigurationError(`${shape}: ${problems.join(' and ')} missing or empty`);
  }
  return { systemId: (systemId as string).trim(), secret: secret as string };
}

/** The `() => Promise<{systemId, secret}>` HttpNationalAxis takes, read from `secretId`. */
export function nationalCredentialsFromSecret(
  secretId: string,
  options?: SecretsManagerNationalCredentialsOptions,
): () => Promise<NationalCredentials> {
  return new SecretsManagerNationalCredentials(secretId, options).get;
}
