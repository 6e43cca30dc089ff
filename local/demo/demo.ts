/**
 * `npm run demo`: the axis exchanging real sample documents on this machine.
 *
 * Starts the embedded emulators, the national axis simulator and the local
 * runtime linked to it, registers the sample agencies (push agencies get a
 * webhook served here, pull agencies poll their inbox; Hải Phòng lives on the
 * national axis), sends the sample documents, lets every recipient answer
 * with its processing statuses, revokes a delivered document, and walks an
 * operator through a deliberate failure: a webhook that answers 500 until its
 * messages are dead-lettered, seen in the console's API and the health
 * report, then redriven with `lienthong dlq redrive`. Exits 0 only if every
 * document reached every recipient and every status reached its sender.
 */
import { AxisRequestError } from '#shared/client/AxisClient';
import { fetchAxisKeys } from '#shared/client/fetchAxisKeys';
import { registerLocalAgency } from '../registerLocalAgency';
import { startLocalAxis } from '../runtime';
import { DemoAgency } from './DemoAgency';
import { DemoLog } from './DemoLog';
import { setUpDemoPki } from './demoPki';
import { forbiddenArrivals, missingArrivals, type SentDocument } from './expectations';
import { startNationalSide } from './nationalSide';
import { walkThroughFailure } from './operatorWalkthrough';
import { formatTimeline } from './printTimeline';
import { readSample } from './samples';
import {
  DEMO_AGENCIES,
  DEMO_DEADLINE_MS,
  DEMO_DOCUMENTS,
  type DemoDocument,
  FAILING_AGENCY,
  NATIONAL_AGENCY,
} from './scenario';
import { startWebhookServer } from './webhookServer';

/** The sender whose leaders sign with the demo's test PKI. */
const SIGNING_SENDER = '000.00.00.G22';

async function main(): Promise<number> {
  const log = new DemoLog();
  log.add('demo', 'starting the national axis simulator, the AWS emulators and the local axis');
  const national = await startNationalSide();
  const axis = await startLocalAxis({
    visibilityTimeoutSeconds: 2,
    // The samples carry placeholder signatures: recorded, not refused.
    national: { ...national.link, signaturePolicy: 'report' },
    // The deployed schedule polls every minute; the demo cannot wait that long.
    scheduleEveryMs: { federation: 500 },
    // Failed attempts are part of the story: one line each, not a stack trace.
    onError: (error, source) => log.add('axis', `${source} failed: ${summary(error)}`),
  });
  log.add('demo', `axis listening on ${axis.url}; national axis simulator on ${national.link.url}`);
  const agencies = new Map<string, DemoAgency>();
  const down = new Set([FAILING_AGENCY]);
  const axisKeys = await fetchAxisKeys(axis.url);
  log.add('demo', `fetched the axis's public keys from ${axis.url}/.well-known/jwks.json`);
  const hooks = await startWebhookServer(agencies, axisKeys, log, down);
  try {
    await axis.runScheduled('directorySync');
    log.add('axis', 'took the agency directory from the national axis (getAgenciesList)');
    for (const profile of DEMO_AGENCIES) {
      const webhookUrl = profile.channel === 'webhook' ? hooks.urlFor(profile.agencyId) : undefined;
      const client = await registerLocalAgency(axis.url, {
        agencyId: profile.agencyId,
        name: profile.name,
        webhookUrl,
        signaturePolicy: profile.signaturePolicy,
      });
      agencies.set(profile.agencyId, new DemoAgency(profile, client, log, axisKeys));
      log.add(
        'operator',
        `registered ${profile.agencyId} ${profile.name} (${profile.channel}, signatures ` +
          `${profile.signaturePolicy})`,
      );
    }
    log.add(
      'demo',
      `${NATIONAL_AGENCY.agencyId} ${NATIONAL_AGENCY.name} is on the national axis; ` +
        `${FAILING_AGENCY}'s webhook server is down (it answers 500)`,
    );
    const pki = await setUpDemoPki(SIGNING_SENDER, log);

    const send = async (document: DemoDocument): Promise<SentDocument> => {
      const original = readSample(document.file);
      const bytes = document.signedBy ? pki.sign(original, document.signedBy) : original;
      const signed = document.signedBy ? `signed by the ${document.signedBy}` : 'as it is';
      const answer = await agencyOf(agencies, document.sender).client.submitDocument(bytes);
      log.add(document.sender, `sent ${document.file} (${signed}) → ${answer.documentId}`);
      return { ...document, documentId: answer.documentId, recipients: answer.recipients, bytes };
    };
    const nationalMailbox = {
      get documents() {
        return national.simulator
          .mailbox(NATIONAL_AGENCY.agencyId)
          .filter((entry) => entry.kind === 'document')
          .map((entry) => entry.bytes);
      },
    };
    const waitForArrivals = async (sent: readonly SentDocument[], except: string[]) => {
      const deadline = Date.now() + DEMO_DEADLINE_MS;
      let missing = missingArrivals(sent, agencies, nationalMailbox, except);
      while (missing.length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        for (const agency of agencies.values()) {
          if (agency.profile.channel === 'inbox') await agency.pollInbox();
        }
        missing = missingArrivals(sent, agencies, nationalMailbox, except);
      }
      return missing;
    };

    const sent: SentDocument[] = [];
    for (const document of DEMO_DOCUMENTS.filter((candidate) => !candidate.later)) {
      sent.push(await send(document));
    }
    const [first] = sent;
    if (!first) throw new Error('the demo scenario sends nothing first');
    await showSafeguards(agencyOf(agencies, first.sender), first, log);
    let missing = await waitForArrivals(sent, [FAILING_AGENCY]);
    // A revoke names a document its recipients already hold.
    for (const document of DEMO_DOCUMENTS.filter((candidate) => candidate.later)) {
      sent.push(await send(document));
    }
    if (missing.length === 0) missing = await waitForArrivals(sent, [FAILING_AGENCY]);

    if (missing.length === 0) {
      const stuck = sent.find((document) => document.recipients.includes(FAILING_AGENCY));
      if (!stuck) throw new Error('the demo scenario sends nothing to the failing agency');
      await walkThroughFailure({
        axis,
        log,
        sender: agencyOf(agencies, stuck.sender),
        document: stuck,
        failingAgency: FAILING_AGENCY,
        repair: () => {
          down.delete(FAILING_AGENCY);
          log.add(FAILING_AGENCY, 'webhook server is back up');
        },
      });
      missing = await waitForArrivals(sent, []);
    }
    await Promise.all([...agencies.values()].map((agency) => agency.settled()));

    console.log('\nTimelines, as each sender reads them from GET /v1/documents/{id}:\n');
    for (const document of sent) {
      const timeline = await agencyOf(agencies, document.sender).client.timeline(
        document.documentId,
      );
      for (const line of formatTimeline(timeline)) console.log(line);
      console.log();
    }
    const forbidden = forbiddenArrivals(sent, agencies);
    if (forbidden.length > 0) {
      console.log('A refused document was delivered:');
      for (const line of forbidden) console.log(`  - ${line}`);
      return 1;
    }
    if (missing.length > 0) {
      console.log(`NOT everything arrived within ${DEMO_DEADLINE_MS / 1000} s:`);
      for (const line of missing) console.log(`  - ${line}`);
      return 1;
    }
    console.log(
      'Every accepted document reached every recipient (Hải Phòng through the national axis), ' +
        'every status reached its sender, the refused document reached no one but its ' +
        'sender as a signed rejection, and the dead-lettered delivery arrived once redriven.',
    );
    return 0;
  } finally {
    await hooks.close();
    await axis.stop();
    await national.simulator.stop();
  }
}

/** The reasons behind a failed batch or run, in one line. */
function summary(error: unknown): string {
  const recordErrors = (error as { recordErrors?: unknown[] }).recordErrors;
  const causes = Array.isArray(recordErrors) && recordErrors.length > 0 ? recordErrors : [error];
  return causes.map((cause) => (cause instanceof Error ? cause.message : String(cause))).join('; ');
}

function agencyOf(agencies: ReadonlyMap<string, DemoAgency>, agencyId: string): DemoAgency {
  const agency = agencies.get(agencyId);
  if (!agency) throw new Error(`the demo has no agency ${agencyId}`);
  return agency;
}

/** Shows two answers an integrator meets early: a retry, and a wrong endpoint. */
async function showSafeguards(sender: DemoAgency, first: SentDocument, log: DemoLog) {
  const again = await sender.client.submitDocument(first.bytes);
  log.add(
    sender.profile.agencyId,
    `re-sent ${first.file}: same id ${again.documentId}, ` +
      `duplicate=${again.duplicate}, not delivered twice`,
  );
  try {
    await sender.client.submitDocument(readSample('status_inbox_01.edxml'));
  } catch (error) {
    if (!(error instanceof AxisRequestError)) throw error;
    log.add(sender.profile.agencyId, `posted a status to /v1/documents: ${error.message}`);
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error('demo failed:', error);
    process.exit(1);
  },
);
