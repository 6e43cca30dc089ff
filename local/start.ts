/**
 * `npm start`: the axis on this machine. Starts the AWS emulators (unless
 * AWS endpoint settings point elsewhere), provisions every resource and
 * serves the HTTP API on 127.0.0.1 until SIGINT or SIGTERM.
 *
 * PORT (default 3000), LIENTHONG_PREFIX (default "local") and
 * LIENTHONG_VISIBILITY_TIMEOUT_SECONDS (default: derived from the wiring)
 * adjust it. It prints the operator console's address and a token for it,
 * made fresh at every start (the emulators keep nothing between runs), and
 * writes `.lienthong/local.env`, which a shell can `source` to point the
 * `lienthong` operator commands and tools at this axis.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dependencies } from '#shared/runtime/dependencies';
import { createOperator } from '#shared/services/operators';
import { ENDPOINT_VARIABLES } from './emulators';
import { startLocalAxis } from './runtime';

const REPEAT_WINDOW_MS = 1_000;

function optionalInteger(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const axis = await startLocalAxis({
    port: optionalInteger('PORT') ?? 3000,
    prefix: process.env.LIENTHONG_PREFIX || undefined,
    visibilityTimeoutSeconds: optionalInteger('LIENTHONG_VISIBILITY_TIMEOUT_SECONDS'),
  });
  const { provisioned } = axis;
  const deps = dependencies();
  const { token } = await createOperator(
    { operators: deps.operators, audit: deps.audit, clock: deps.clock },
    { name: 'local operator', actor: 'npm start' },
  );
  const envFile = writeEnvFile({
    ...axis.env,
    LIENTHONG_URL: axis.url,
    AWS_REGION: process.env.AWS_REGION ?? '',
  });
  const lines = [
    `lienthong local axis ready in ${Date.now() - startedAt} ms`,
    `  API          ${axis.url}`,
    `  console      ${axis.url}/console   operator token: ${token}`,
    `  OpenAPI      ${axis.url}/v1/openapi.json`,
    `  emulators    ${axis.emulators.embedded ? 'embedded (127.0.0.1)' : 'from the environment'}`,
    `  region       ${process.env.AWS_REGION ?? '(SDK default)'}`,
    ...ENDPOINT_VARIABLES.filter((name) => process.env[name]).map(
      (name) => `  ${name.padEnd(26)} ${process.env[name]}`,
    ),
    ...Object.entries(provisioned.env).map(([name, value]) => `  ${name.padEnd(34)} ${value}`),
    ...Object.values(provisioned.queues).map(
      (queue) => `  dead letters of ${queue.name}: ${queue.dlqUrl}`,
    ),
    `For operator commands in another shell: source ${envFile}`,
    'Press Ctrl+C to stop.',
  ];
  console.log(lines.join('\n'));

  // Launchers (npm, tsx) relay the terminal's Ctrl+C, which this process
  // also receives itself: copies arriving together count as one signal.
  let firstSignalAt: number | undefined;
  const shutdown = (signal: NodeJS.Signals) => {
    if (firstSignalAt !== undefined) {
      if (Date.now() - firstSignalAt < REPEAT_WINDOW_MS) return;
      console.error(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    firstSignalAt = Date.now();
    console.log(`${signal}: stopping`);
    axis.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('stopped with errors:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

/**
 * The settings of this axis as `export` lines. Embedded emulators accept any
 * credentials; the dummy ones keep the SDK from looking for real ones. With
 * endpoints from the environment, the caller's own credentials apply.
 */
function writeEnvFile(settings: Record<string, string>): string {
  const path = '.lienthong/local.env';
  const lines = Object.entries(settings)
    .filter(([, value]) => value !== '')
    .map(([name, value]) => `export ${name}='${value.replaceAll("'", "'\\''")}'`);
  mkdirSync('.lienthong', { recursive: true });
  writeFileSync(path, `# written by npm start; valid while it runs\n${lines.join('\n')}\n`, {
    mode: 0o600,
  });
  return path;
}

main().catch((error: unknown) => {
  console.error('local axis failed to start:', error);
  process.exit(1);
});
