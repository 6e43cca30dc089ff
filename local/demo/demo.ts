/**
 * `npm run demo`: the axis exchanging real sample documents on this machine.
 *
 * Starts the embedded emulators and the local runtime, registers the sample
 * agencies (push agencies get a webhook served here, pull agencies poll their
 * inbox), sends the sample documents, lets every recipient answer with its
 * processing statuses, and prints what happened. Exits 0 only if every
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
import { formatTimeline } from './printTimeline';
import { readSample } from './samples';
import { DEMO_AGENCIES, DEMO_DEADLINE_MS, DEMO_DOCUMENTS } from './scenario';
import { startWebhookServer } from './webhookServer';

/** The sender whose leaders sign with the demo's test PKI. */
const SIGNING_SENDER = '000.00.00.G22';

async function main(): Promise<number> {
  const log = new DemoLog();
  log.add('demo', 'starting the embedded AWS emulators and the local axis');
  const axis = await startLocalAxis({ visibilityTimeoutSeconds: 2 });
  log.add('demo', `axis listening on ${axis.url}`);
  const agencies = new Map<string, DemoAgency>();
  const axisKeys = await fetchAxisKeys(axis.url);
  log.add('demo', `fetched the axis's public keys from ${axis.url}/.well-known/jwks.json`);
  const hooks = await startWebhookServer(agencies, axisKeys, log);
  try {
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
    const pki = await setUpDemoPki(SIGNING_SENDER, log);

    const sent: SentDocument[] = [];
    for (const document of DEMO_DOCUMENTS) {
      const original = readSample(document.file);
      const bytes = document.signedBy ? pki.sign(original, document.signedBy) : original;
      const signed = document.signedBy ? `signed by the ${document.signedBy}` : 'as it is';
      const answer = await agencies.get(document.sender)!.client.submitDocument(bytes);
      sent.push({
        ...document,
        documentId: answer.documentId,
        recipients: answer.recipients,
        bytes,
      });
      log.add(document.sender, `sent ${document.file} (${signed}) → ${answer.documentId}`);
    }
    await showSafeguards(agencies.get(sent[0].sender)!, sent[0], log);

    const deadline = Date.now() + DEMO_DEADLINE_MS;
    let missing = missingArrivals(sent, agencies);
    while (missing.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (const agency of agencies.values()) {
        if (agency.profile.channel === 'inbox') await agency.pollInbox();
      }
      missing = missingArrivals(sent, agencies);
    }
    await Promise.all([...agencies.values()].map((agency) => agency.settled()));

    console.log('\nTimelines, as each sender reads them from GET /v1/documents/{id}:\n');
    for (const document of sent) {
      const timeline = await agencies.get(document.sender)!.client.timeline(document.documentId);
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
      'Every accepted document reached every recipient, every status reached its sender, ' +
        'and the refused document reached no one but its sender, as a signed rejection.',
    );
    return 0;
  } finally {
    await hooks.close();
    await axis.stop();
  }
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
