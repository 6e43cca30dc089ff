/**
 * `npm run demo`: the axis exchanging real sample documents on this machine.
 *
 * Starts the embedded emulators and the local runtime, registers the sample
 * agencies (push agencies get a webhook served here, pull agencies poll their
 * inbox), sends the sample documents, lets every recipient answer with its
 * processing statuses, and prints what happened. Exits 0 only if every
 * document reached every recipient and every status reached its sender.
 */
import { AxisRequestError } from '../../shared/client/AxisClient';
import { fetchAxisKeys } from '../../shared/client/fetchAxisKeys';
import { registerLocalAgency } from '../registerLocalAgency';
import { startLocalAxis } from '../runtime';
import { DemoAgency } from './DemoAgency';
import { DemoLog } from './DemoLog';
import { missingArrivals, type SentDocument } from './expectations';
import { formatTimeline } from './printTimeline';
import { readSample } from './samples';
import { DEMO_AGENCIES, DEMO_DEADLINE_MS, DEMO_DOCUMENTS } from './scenario';
import { startWebhookServer } from './webhookServer';

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
      });
      agencies.set(profile.agencyId, new DemoAgency(profile, client, log));
      log.add('operator', `registered ${profile.agencyId} ${profile.name} (${profile.channel})`);
    }

    const sent: SentDocument[] = [];
    for (const { file, sender } of DEMO_DOCUMENTS) {
      const answer = await agencies.get(sender)!.client.submitDocument(readSample(file));
      sent.push({ documentId: answer.documentId, sender, recipients: answer.recipients });
      log.add(sender, `sent ${file} → ${answer.documentId} for ${answer.recipients.join(', ')}`);
    }
    await showSafeguards(agencies.get(DEMO_DOCUMENTS[0].sender)!, log);

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
    if (missing.length > 0) {
      console.log(`NOT everything arrived within ${DEMO_DEADLINE_MS / 1000} s:`);
      for (const line of missing) console.log(`  - ${line}`);
      return 1;
    }
    console.log('Every document reached every recipient and every status reached its sender.');
    return 0;
  } finally {
    await hooks.close();
    await axis.stop();
  }
}

/** Shows two answers an integrator meets early: a retry, and a wrong endpoint. */
async function showSafeguards(sender: DemoAgency, log: DemoLog): Promise<void> {
  const first = DEMO_DOCUMENTS[0];
  const again = await sender.client.submitDocument(readSample(first.file));
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
