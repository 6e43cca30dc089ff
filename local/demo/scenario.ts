import type { DemoAgencyProfile } from './DemoAgency';

/**
 * Who takes part in the demo and what they do. The agency ids and names are
 * those of the sample documents; which agency is push or pull, which one is
 * on the national axis, and how each answers, is the demo's choice.
 */
export const DEMO_AGENCIES: readonly DemoAgencyProfile[] = [
  {
    agencyId: '000.00.00.G22',
    name: 'Văn phòng Chính phủ',
    channel: 'webhook',
    // Its leaders sign with the (test) Government PKI: nothing unsigned passes.
    signaturePolicy: 'required',
    answers: [],
  },
  {
    agencyId: '000.00.00.H41',
    name: 'UBND Tỉnh Nghệ An',
    channel: 'webhook',
    signaturePolicy: 'optional',
    answers: ['01', '03', '04', '05', '06'],
  },
  {
    agencyId: '000.00.00.H14',
    name: 'UBND Tỉnh Cao Bằng',
    channel: 'inbox',
    signaturePolicy: 'optional',
    // Refuses what it receives: the 02 path, which ends a recipient's processing.
    answers: ['01', '02'],
  },
  {
    agencyId: '000.00.00.A80',
    name: 'UBND xã Hòa Tiến',
    channel: 'inbox',
    // Its software still sends the placeholder signatures of the sample files.
    signaturePolicy: 'report',
    answers: [],
  },
  {
    agencyId: '28.22.H17',
    name: 'UBND xã Hòa Sơn',
    channel: 'webhook',
    signaturePolicy: 'optional',
    answers: ['01', '03', '04', '05', '06'],
  },
];

/**
 * Hải Phòng is not on this axis: it lives on the national axis simulator,
 * which answers a new document with 01, 03, 04, 05, 06 and a revoke with 01.
 */
export const NATIONAL_AGENCY = { agencyId: '000.00.00.G17', name: 'Sở TT&TT Hải Phòng' };

/** Statuses the simulated national agency sends back, by business type. */
export const NATIONAL_ANSWERS = { new: 5, revision: 1 } as const;

/** The agency whose webhook server is down at first: the demo's deliberate failure. */
export const FAILING_AGENCY = '28.22.H17';

export interface DemoDocument {
  readonly file: string;
  readonly sender: string;
  /**
   * Who signs the envelope before it is sent: the leader whose certificate
   * the operator registered for the sender, another leader of the same test
   * PKI whose certificate nobody registered, or nobody (the file as it is).
   */
  readonly signedBy?: 'registered leader' | 'unregistered leader';
  readonly expect: 'delivered' | 'refused';
  /** Sent once every earlier document has arrived (a revoke needs its original delivered). */
  readonly later?: true;
}

/** Sample documents the demo sends, who sends each, and what should become of it. */
export const DEMO_DOCUMENTS: readonly DemoDocument[] = [
  {
    file: 'dc0bdef0-c7a3-4aaf-b717-777303442973.edxml',
    sender: '000.00.00.G22',
    signedBy: 'registered leader',
    expect: 'delivered',
  },
  { file: 'edoc_new.edxml', sender: '000.00.00.A80', expect: 'delivered' },
  {
    file: 'edoc_update.edxml',
    sender: '000.00.00.G22',
    signedBy: 'unregistered leader',
    expect: 'refused',
  },
  {
    file: 'edoc_revocation.edxml',
    sender: '000.00.00.G22',
    signedBy: 'registered leader',
    expect: 'delivered',
    later: true,
  },
];

/** How long the demo waits for every delivery and status before it gives up. */
export const DEMO_DEADLINE_MS = 45_000;
