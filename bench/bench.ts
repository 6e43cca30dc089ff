/**
 * `npm run bench`: documents per second and submit-to-delivered latency
 * through the local runtime, then the verify step's cost per document beside
 * the bare cryptography it must do anyway. Prints figures; asserts nothing.
 *
 * BENCH_DOCUMENTS (default 300) and BENCH_CONCURRENCY (default 8) tune it.
 */
import { readFileSync } from 'node:fs';
import { dependencies, resetDependencies } from '#shared/runtime/dependencies';
import { startEmulators } from '../local/emulators';
import { applyToProcessEnv } from '../local/processEnv';
import { provisionAxis } from '../local/provision';
import { startLocalAxis } from '../local/runtime';
import { ms } from './stats';
import { measureThroughput } from './throughput';
import { measureFloor, measureInProcess, measureWithAdapters } from './verifyCost';

const count = Number(process.env.BENCH_DOCUMENTS ?? 300);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const sample = readFileSync(
  new URL('../samples/edxml/dc0bdef0-c7a3-4aaf-b717-777303442973.edxml', import.meta.url),
  'utf8',
);

async function main(): Promise<void> {
  const emulators = await startEmulators();
  applyToProcessEnv(emulators.env);
  try {
    console.log(
      `lienthong bench: ${count} documents of ${Buffer.byteLength(sample)} bytes, ` +
        `3 webhook recipients each, ${concurrency} submissions in flight`,
    );
    const axis = await startLocalAxis({ emulators, visibilityTimeoutSeconds: 5 });
    let throughput: Awaited<ReturnType<typeof measureThroughput>>;
    try {
      throughput = await measureThroughput(axis.url, sample, count, concurrency, 120_000);
    } finally {
      await axis.stop();
    }
    console.log(`\nend to end (submit → verify → route → webhook), local runtime on emulators`);
    console.log(`  documents/s          ${(count / throughput.seconds).toFixed(1)}`);
    console.log(`  submissions/s        ${(count / throughput.submitSeconds).toFixed(1)}`);
    console.log(`  submit answer p50    ${ms(throughput.submitP50Ms)}`);
    console.log(
      `  deliveries/s         ${(throughput.deliveries / throughput.seconds).toFixed(1)}`,
    );
    console.log(`  submit→delivered p50 ${ms(throughput.p50Ms)}`);
    console.log(`  submit→delivered p99 ${ms(throughput.p99Ms)}`);
    console.log(`  undelivered          ${throughput.undelivered}`);

    const verifyCount = Math.min(count, 100);
    const inProcess = await measureInProcess(sample, verifyCount);
    const floor = measureFloor(inProcess.documents);
    const provisioned = await provisionAxis({ prefix: `bench${Date.now().toString(36)}` });
    Object.assign(process.env, provisioned.env);
    resetDependencies();
    const withAdapters = await measureWithAdapters(dependencies(), sample, Math.min(count, 50));
    await provisioned.teardown();

    const outcomes = [...inProcess.outcomes].map(([name, n]) => `${n} ${name}`).join(', ');
    console.log(`\nverify step, per signed document (${verifyCount} documents: ${outcomes})`);
    console.log(
      `  floor: SHA-256, 3 RSA-2048 verifications, 1 ECDSA P-256 signature  ${ms(floor)}`,
    );
    console.log(
      `  verify, in process (local key, memory stores)  ${ms(inProcess.ms)}` +
        `  (axis adds ${ms(inProcess.ms - floor)})`,
    );
    console.log(
      `  verify, real adapters on the emulators         ${ms(withAdapters)}` +
        `  (S3, DynamoDB, KMS sign, SQS send)`,
    );
  } finally {
    await emulators.stop();
  }
}

main().catch((error) => {
  console.error('bench failed:', error);
  process.exit(1);
});
