import { beforeEach, describe, expect, it } from 'vitest';
import type { Agency } from '#shared/domain/records';
import { parseDocument } from '#shared/edxml/parseEdxml';
import { documentTimeline } from '#shared/services/documentTimeline';
import { submitDocument } from '#shared/services/submitDocument';
import { verifyDocument } from '#shared/services/verifyDocument';
import {
  GOVERNMENT_OFFICE,
  NGHE_AN,
  type Registered,
  registerAgencies,
  SAMPLE_EDXML_ID,
  sample,
  sampleText,
  THREE_PROVINCES,
  THREE_PROVINCES_FILE,
} from '../../support/agencies';
import { fakeDependencies } from '../../support/fakes';

/** What edoc_update.edxml names in `Bussiness/DocumentId` as the document it updates. */
const UPDATED_EDXML_ID = '000.00.00.G22,2014/02/30,7806/VPCP-TTĐT';

type Deps = ReturnType<typeof fakeDependencies>;
let deps: Deps;
let agencies: Map<string, Registered>;

const caller = (id: string): Agency => {
  const found = agencies.get(id);
  if (!found) throw new Error(`test setup: ${id} is not registered`);
  return found.agency;
};

/** Submits and verifies a document from the Government Office; returns its axis id. */
async function deliver(bytes: Uint8Array): Promise<string> {
  deps.clock.advance(60_000);
  const { documentId } = await submitDocument(deps, caller(GOVERNMENT_OFFICE), bytes);
  expect(await verifyDocument(deps, { documentId })).toBe('verified');
  return documentId;
}

const record = (documentId: string) => deps.exchange.documents.get(documentId);
const routedFor = (documentId: string) =>
  deps.routeQueue.sent.filter((r) => r.documentId === documentId).map((r) => r.recipientId);

beforeEach(async () => {
  deps = fakeDependencies();
  agencies = await registerAgencies(deps, [GOVERNMENT_OFFICE, ...THREE_PROVINCES]);
});

describe('the parser reads what a business document revises', () => {
  it.each([
    ['edoc_new.edxml', 0, undefined],
    ['edoc_revocation.edxml', 1, undefined],
    ['edoc_update.edxml', 2, [UPDATED_EDXML_ID]],
    ['edoc_replacement.edxml', 3, ['000.00.00.G22,2014/01/30,7806/VPCP-TTĐT']],
  ])('%s: type %i, references %j', (file, type, references) => {
    const parsed = parseDocument(sample(file));
    expect(parsed.businessDocType).toBe(type);
    expect(parsed.businessReferences).toEqual(references);
  });
});

describe('revoke, update and replace of a delivered document', () => {
  let original: string;

  beforeEach(async () => {
    original = await deliver(sample(THREE_PROVINCES_FILE));
  });

  it('marks the original revoked and delivers the revoke to its recipients', async () => {
    const revoke = await deliver(sample('edoc_revocation.edxml'));

    expect(record(original)?.revokedBy).toBe(revoke);
    expect(record(revoke)?.revokes).toBe(original);
    expect(routedFor(revoke)).toEqual([...THREE_PROVINCES]);

    const seenByRecipient = await documentTimeline(deps.exchange, caller(NGHE_AN), original);
    expect(seenByRecipient).toMatchObject({ revoked: true, links: { revokedBy: revoke } });
    const revokeTimeline = await documentTimeline(deps.exchange, caller(GOVERNMENT_OFFICE), revoke);
    expect(revokeTimeline).toMatchObject({
      businessDocType: 1,
      revoked: false,
      links: { revokes: original },
    });
  });

  it('links an update to the document its Bussiness/DocumentId names', async () => {
    // Two candidates: the sample's own DocumentId and the one the block names.
    const named = await deliver(
      Buffer.from(sampleText(THREE_PROVINCES_FILE).replace(SAMPLE_EDXML_ID, UPDATED_EDXML_ID)),
    );
    const update = await deliver(sample('edoc_update.edxml'));

    expect(record(update)?.updates).toBe(named);
    expect(record(named)?.updatedBy).toBe(update);
    expect(record(original)?.updatedBy).toBeUndefined();
    expect(routedFor(update)).toEqual([...THREE_PROVINCES]);
    const timeline = await documentTimeline(deps.exchange, caller(GOVERNMENT_OFFICE), named);
    expect(timeline).toMatchObject({ revoked: false, links: { updatedBy: update } });
  });

  it('falls back to the header DocumentId when the named one is unknown', async () => {
    const update = await deliver(sample('edoc_update.edxml'));

    expect(record(update)?.updates).toBe(original);
    expect(record(original)?.updatedBy).toBe(update);
  });

  it('links a replacement both ways and shows it in both timelines', async () => {
    const replacement = await deliver(sample('edoc_replacement.edxml'));

    expect(record(replacement)?.replaces).toBe(original);
    expect(record(original)?.replacedBy).toBe(replacement);
    expect(routedFor(replacement)).toEqual([...THREE_PROVINCES]);
    const [before, after] = await Promise.all(
      [original, replacement].map((id) => documentTimeline(deps.exchange, caller(NGHE_AN), id)),
    );
    expect(before.links).toEqual({ replacedBy: replacement });
    expect(after.links).toEqual({ replaces: original });
  });

  it('changes nothing when verification of the revoke runs again', async () => {
    const revoke = await deliver(sample('edoc_revocation.edxml'));
    const before = record(original);

    expect(await verifyDocument(deps, { documentId: revoke })).toBe('already-done');
    expect(record(original)).toEqual(before);
  });
});

describe('a business document whose original the axis never saw', () => {
  it.each(['edoc_revocation.edxml', 'edoc_update.edxml', 'edoc_replacement.edxml'])(
    '%s is delivered anyway and noted original: not-found',
    async (file) => {
      const documentId = await deliver(sample(file));

      expect(record(documentId)).toMatchObject({ state: 'verified', original: 'not-found' });
      expect(routedFor(documentId)).toEqual([...THREE_PROVINCES]);
      const timeline = await documentTimeline(deps.exchange, caller(GOVERNMENT_OFFICE), documentId);
      expect(timeline.links).toEqual({ original: 'not-found' });
    },
  );

  it('never links a new document (type 0), even one reusing a DocumentId', async () => {
    const first = await deliver(sample(THREE_PROVINCES_FILE));
    // A resend with other bytes (a trailing newline) is a new axis document.
    const second = await deliver(Buffer.concat([sample(THREE_PROVINCES_FILE), Buffer.from('\n')]));

    expect(record(first)?.revokedBy).toBeUndefined();
    const timeline = await documentTimeline(deps.exchange, caller(GOVERNMENT_OFFICE), second);
    expect(timeline.links).toBeUndefined();
    expect(timeline.businessDocType).toBe(0);
  });
});

describe('the parser with the correct spelling and repeated references', () => {
  it('reads Business/DocumentId and drops repeats', () => {
    const text = sampleText('edoc_update.edxml')
      .replaceAll('edXML:Bussiness>', 'edXML:Business>')
      .replace(
        '</edXML:BussinessDocumentInfo>',
        '</edXML:BussinessDocumentInfo>' +
          '<edXML:ReplacementInfoList><edXML:ReplacementInfo>' +
          `<edXML:DocumentId>${UPDATED_EDXML_ID}</edXML:DocumentId>` +
          '</edXML:ReplacementInfo></edXML:ReplacementInfoList>',
      );
    const parsed = parseDocument(Buffer.from(text));
    expect(parsed.businessDocType).toBe(2);
    expect(parsed.businessReferences).toEqual([UPDATED_EDXML_ID]);
  });
});
