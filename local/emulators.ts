import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { buildApp } from 'fauxqs';
import { DEFAULT_REGION, type EnvMap } from './awsClients';
import { startMotoServer } from './motoServer';

/** Emulators for the local runtime and the tests, or the environment's own endpoints. */
export interface Emulators {
  /** True when this process started emulators on 127.0.0.1. */
  readonly embedded: boolean;
  /** Variables to put into the environment of handlers and tests. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

/** Standard SDK settings that point clients somewhere on purpose. */
export const ENDPOINT_VARIABLES = [
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_SQS',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_KMS',
  'AWS_ENDPOINT_URL_SECRETS_MANAGER',
] as const;

/**
 * Whether to embed emulators: not when the environment already names an
 * endpoint (LocalStack, a real account with custom endpoints) or opts out
 * with LIENTHONG_EMULATORS=off, so the same code and tests run there
 * unchanged with only standard AWS settings.
 */
export function wantsEmbeddedEmulators(env: EnvMap = process.env): boolean {
  if (env.LIENTHONG_EMULATORS?.toLowerCase() === 'off') return false;
  return ENDPOINT_VARIABLES.every((name) => (env[name] ?? '') === '');
}

function portOf(address: string | AddressInfo | null): number {
  if (address === null || typeof address === 'string') throw new Error('server has no port');
  return address.port;
}

async function startFauxqs(region: string) {
  // buildApp, not startFauxqs(): the latter binds every interface.
  const app = buildApp({ logger: false, host: '127.0.0.1', defaultRegion: region });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    endpoint: `http://127.0.0.1:${portOf(app.server.address())}`,
    stop: () => app.close(),
  };
}

async function startDynalite() {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${portOf(server.address())}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function passThrough(env: EnvMap): Record<string, string> {
  const kept: Record<string, string> = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  for (const name of [...ENDPOINT_VARIABLES, 'AWS_REGION']) {
    const value = env[name];
    if (value !== undefined && value !== '') kept[name] = value;
  }
  return kept;
}

async function stopAll(stoppers: Array<() => Promise<void>>): Promise<void> {
  const results = await Promise.allSettled(stoppers.map((stop) => stop()));
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  if (errors.length > 0) throw new AggregateError(errors, 'some emulators did not stop cleanly');
}

/**
 * Starts fauxqs (SQS and S3 on one port), dynalite (DynamoDB) and moto
 * (KMS, Secrets Manager) on 127.0.0.1, unless the environment says to use its own endpoints;
 * then nothing starts and `env` only echoes the endpoint settings found.
 * Embedded mode also sets dummy credentials so the SDK never looks for real
 * ones (instance metadata included).
 */
export async function startEmulators(env: EnvMap = process.env): Promise<Emulators> {
  if (!wantsEmbeddedEmulators(env)) {
    return { embedded: false, env: passThrough(env), stop: async () => {} };
  }
  const region = env.AWS_REGION || DEFAULT_REGION;
  const [sqsAndS3, dynamo, kms] = await Promise.allSettled([
    startFauxqs(region),
    startDynalite(),
    startMotoServer(),
  ]);
  const stoppers = [sqsAndS3, dynamo, kms].flatMap((r) =>
    r.status === 'fulfilled' ? [r.value.stop] : [],
  );
  if (sqsAndS3.status === 'rejected' || dynamo.status === 'rejected' || kms.status === 'rejected') {
    await stopAll(stoppers).catch(() => {});
    const failed = [sqsAndS3, dynamo, kms].find((r) => r.status === 'rejected');
    throw (failed as PromiseRejectedResult).reason;
  }
  let stopped: Promise<void> | undefined;
  return {
    embedded: true,
    env: {
      AWS_ENDPOINT_URL_SQS: sqsAndS3.value.endpoint,
      AWS_ENDPOINT_URL_S3: sqsAndS3.value.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.value.endpoint,
      AWS_ENDPOINT_URL_KMS: kms.value.endpoint,
      // moto serves every service on its port; Secrets Manager holds the
      // national axis credentials.
      AWS_ENDPOINT_URL_SECRETS_MANAGER: kms.value.endpoint,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stop: () => {
      stopped ??= stopAll(stoppers);
      return stopped;
    },
  };
}
