import type { DemoAgencyProfile } from './DemoAgency';

/**
 * Who takes part in the demo and what they do. The agency ids and names are
 * those of the sample documents; which agency is push or pull, and how each
 * answers, is the demo's choice.
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
    answers: ['01', '03', '04', '05', '06'],
  },
  {
    agencyId: '000.00.00.G17',
    name: 'Sở Thông tin truyền thông Hải Phòng',
    channel: 'webhook',
    signaturePolicy: 'optional',
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
];

/** How long the demo waits for every delivery and status before it gives up. */
export const DEMO_DEADLINE_MS = 45_000;
