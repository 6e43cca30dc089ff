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
    answers: [],
  },
  {
    agencyId: '000.00.00.H41',
    name: 'UBND Tỉnh Nghệ An',
    channel: 'webhook',
    answers: ['01', '03', '04', '05', '06'],
  },
  {
    agencyId: '000.00.00.H14',
    name: 'UBND Tỉnh Cao Bằng',
    channel: 'inbox',
    answers: ['01', '03', '04', '05', '06'],
  },
  {
    agencyId: '000.00.00.G17',
    name: 'Sở Thông tin truyền thông Hải Phòng',
    channel: 'webhook',
    answers: ['01', '02'],
  },
  {
    agencyId: '000.00.00.A80',
    name: 'UBND xã Hòa Tiến',
    channel: 'inbox',
    answers: [],
  },
  {
    agencyId: '28.22.H17',
    name: 'UBND xã Hòa Sơn',
    channel: 'webhook',
    answers: ['01', '03', '04', '05', '06'],
  },
];

/** Sample documents the demo sends, and who sends each. */
export const DEMO_DOCUMENTS = [
  { file: 'dc0bdef0-c7a3-4aaf-b717-777303442973.edxml', sender: '000.00.00.G22' },
  { file: 'edoc_new.edxml', sender: '000.00.00.A80' },
] as const;

/** How long the demo waits for every delivery and status before it gives up. */
export const DEMO_DEADLINE_MS = 45_000;
