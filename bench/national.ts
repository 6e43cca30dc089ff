/**
 * `npm run bench:national`: how fast the link with the national axis moves
 * documents, on the local runtime and the national axis simulator, both on
 * 127.0.0.1 in this process. Prints figures; asserts nothing.
 *
 * - in: documents from an agency of another system, taken in by the
 *   scheduled poll (list, download, store, queue, acknowledge), then
 *   delivered into a pull agency's inbox;
 * - out: documents submitted here for an agency on the national axis,
 *   forwarded by the route step (sendEdoc) until the simulator holds them.
 *
 * BENCH_NATIONAL_DOCUMENTS (default 100) sets how many go each way.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dependencies } from '#shared/runtime/dependencies';
import { startNationalAxisSimulator } from '../local/national/simulator';
import { registerLocalAgency } from '../local/registerLocalAgency';
import { startLocalAxis } from '../local/runtime';

const count = Number(process.env.BENCH_NATIONAL_DOCUMENTS ?? 100);
const SYSTEM_ID = 'lienthong-bench';
const HERE = '000.00.00.H41';
const SENDER_HERE = '000.00.00.G22';
const THERE = '000.00.00.G17';
const REMOTE_SENDER = '000.00.00.A80';
const DEADLINE_MS = 300_000;

const sample = (name: string) =>
  readFileSync(new URL(`../samples/edxml/${name}`, import.meta.url), 'utf8');

/** The sample with a unique subject, so every copy is a document of its own. */
function copies(text: string, n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) =>
    Buffer.from(
      text.replace(/<(\w+:)?Subject>/, (tag) => `${tag}[bench ${i}] `),
      'utf8',
    ),
  );
}

/** Checks every 50 ms until `check` holds, then returns the seconds it took. */
async function timed(what: string, started: number, check: () => Promise<boolean>) {
  while (!(await check())) {
    if (Date.now() - started > DEADLINE_MS) throw new Error(`${what}: not done in time`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return (Date.now() - started) / 1000;
}

async function main(): Promise<void> {
  const secret = randomBytes(32).toString('base64url');
  const simulator = await startNationalAxisSimulator({
    systems: [{ systemId: SYSTEM_ID, secret, agencies: [HERE, SENDER_HERE] }],
    nationalAgencies: [
      { agencyId: THERE, name: 'Hải Phòng' },
      { agencyId: REMOTE_SENDER, name: 'Hòa Tiến' },
    ],
    simulatedAgencies: [THERE, REMOTE_SENDER],
    // Statuses back would mix the two directions' figures.
    replyStatuses: [],
  });
  const axis = await startLocalAxis({
    visibilityTimeoutSeconds: 5,
    national: { url: simulator.url, systemId: SYSTEM_ID, secret, signaturePolicy: 'report' },
    // The poll runs from here, back to back, as fast as it can.
    scheduleEveryMs: { federation: 3_600_000, directorySync: 3_600_000 },
  });
  try {
    await axis.runScheduled('directorySync');
    await registerLocalAgency(axis.url, { agencyId: HERE, name: 'Nghệ An' });
    const sender = await registerLocalAgency(axis.url, { agencyId: SENDER_HERE, name: 'VPCP' });
    console.log(`lienthong national bench: ${count} documents each way, one Node process`);

    // In: the remote agency's edoc_new, addressed to Nghệ An only.
    const inbound = sample('edoc_new.edxml')
      .replaceAll('28.22.H17', HERE)
      .replaceAll('000.00.00.G22', HERE);
    for (const bytes of copies(inbound, count)) {
      simulator.inject({ from: REMOTE_SENDER, to: [HERE], bytes });
    }
    const inStarted = Date.now();
    let polls = 0;
    const acknowledged = () =>
      simulator.acknowledgements().filter((ack) => ack.status === 'done').length;
    const takenIn = await timed('taking in', inStarted, async () => {
      await axis.runScheduled('federation');
      polls += 1;
      return acknowledged() >= count;
    });
    const inbox = dependencies().inbox;
    const delivered = await timed('delivering', inStarted, async () => {
      let listed = 0;
      let cursor: string | undefined;
      do {
        const page = await inbox.list(HERE, { limit: 100, cursor });
        listed += page.items.length;
        cursor = page.cursor;
      } while (cursor);
      return listed >= count;
    });
    console.log(`\nin (${Buffer.byteLength(inbound)} bytes each, ${polls} polls of 50)`);
    console.log(`  taken in and acknowledged   ${(count / takenIn).toFixed(1)} documents/s`);
    console.log(`  in the recipient's inbox    ${(count / delivered).toFixed(1)} documents/s`);

    // Out: the three-province sample, addressed to Hải Phòng on the national axis.
    const outbound = sample('dc0bdef0-c7a3-4aaf-b717-777303442973.edxml')
      .replaceAll('000.00.00.H41', THERE)
      .replaceAll('000.00.00.H14', THERE);
    const outStarted = Date.now();
    for (const bytes of copies(outbound, count)) await sender.submitDocument(bytes);
    const submitted = (Date.now() - outStarted) / 1000;
    const forwarded = await timed(
      'forwarding',
      outStarted,
      async () => simulator.mailbox(THERE).length >= count,
    );
    console.log(`\nout (${Buffer.byteLength(outbound)} bytes each)`);
    console.log(`  submitted                   ${(count / submitted).toFixed(1)} documents/s`);
    console.log(`  forwarded (sendEdoc done)   ${(count / forwarded).toFixed(1)} documents/s`);
  } finally {
    await axis.stop();
    await simulator.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('bench failed:', error);
    process.exit(1);
  },
);
