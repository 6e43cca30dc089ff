/**
 * Settings for AWS SDK clients built from an environment map rather than
 * from `process.env`. Provisioning may target emulators whose endpoints are
 * not in `process.env` yet; everything else keeps the SDK's own defaults.
 */

/** Where the axis runs when nothing says otherwise (the agencies are in Viet Nam). */
export const DEFAULT_REGION = 'ap-southeast-1';

export type EnvMap = Readonly<Record<string, string | undefined>>;

export type AwsService = 'SQS' | 'S3' | 'DYNAMODB' | 'KMS' | 'SECRETS_MANAGER';

export interface ClientSettings {
  region?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

function present(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The endpoint a client for `service` would use: the service-specific
 * variable first, then the global one, as the SDK itself resolves them.
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 */
export function endpointFor(service: AwsService, env: EnvMap = process.env): string | undefined {
  return present(env[`AWS_ENDPOINT_URL_${service}`]) ?? present(env.AWS_ENDPOINT_URL);
}

/**
 * Region, endpoint and static credentials found in `env`. Anything absent is
 * left out so that the SDK's default provider chain still applies to it.
 */
export function clientSettings(service: AwsService, env: EnvMap = process.env): ClientSettings {
  const settings: ClientSettings = {};
  const region = present(env.AWS_REGION) ?? present(env.AWS_DEFAULT_REGION);
  if (region !== undefined) settings.region = region;
  const endpoint = endpointFor(service, env);
  if (endpoint !== undefined) settings.endpoint = endpoint;
  const accessKeyId = present(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = present(env.AWS_SECRET_ACCESS_KEY);
  if (accessKeyId !== undefined && secretAccessKey !== undefined) {
    const sessionToken = present(env.AWS_SESSION_TOKEN);
    settings.credentials = sessionToken
      ? { accessKeyId, secretAccessKey, sessionToken }
      : { accessKeyId, secretAccessKey };
  }
  return settings;
}

/**
 * S3 settings: with an endpoint override (an emulator or LocalStack) the
 * bucket must go in the path, since `bucket.127.0.0.1` resolves nowhere.
 */
export function s3ClientSettings(
  env: EnvMap = process.env,
): ClientSettings & { forcePathStyle?: boolean } {
  const settings = clientSettings('S3', env);
  return settings.endpoint === undefined ? settings : { ...settings, forcePathStyle: true };
}
