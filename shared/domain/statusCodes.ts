/**
 * Processing statuses of QCVN 102:2016 (trạng thái xử lý văn bản).
 *
 * The normal path moves forward 01 → 03 → 04 → 05 → 06; 02 refuses the
 * document after it arrived and ends the path. 05 may repeat while the
 * recipient works. 13, 15 and 16 belong to take-back and update requests.
 */
export interface StatusCodeInfo {
  readonly code: string;
  /** The standard's Vietnamese name. */
  readonly name: string;
  readonly meaning: string;
  /** Position on the normal path; a status never moves the current one back. */
  readonly rank: number;
  /** True when no later status on the normal path can follow it. */
  readonly final: boolean;
}

const TABLE: readonly StatusCodeInfo[] = [
  { code: '01', name: 'Đã đến', meaning: 'arrived, not yet handled', rank: 1, final: false },
  { code: '02', name: 'Từ chối tiếp nhận', meaning: 'refused', rank: 6, final: true },
  { code: '03', name: 'Đã tiếp nhận', meaning: 'accepted and registered', rank: 2, final: false },
  { code: '04', name: 'Phân công', meaning: 'assigned for handling', rank: 3, final: false },
  { code: '05', name: 'Đang xử lý', meaning: 'being handled', rank: 4, final: false },
  { code: '06', name: 'Hoàn thành', meaning: 'handling finished', rank: 5, final: true },
  { code: '13', name: 'Lấy lại', meaning: 'sender asks to take it back', rank: 0, final: false },
  {
    code: '15',
    name: 'Đồng ý cập nhật/lấy lại',
    meaning: 'agrees to update',
    rank: 0,
    final: false,
  },
  {
    code: '16',
    name: 'Từ chối cập nhật/lấy lại',
    meaning: 'refuses update',
    rank: 0,
    final: false,
  },
];

const BY_CODE = new Map(TABLE.map((info) => [info.code, info]));

/** Codes on the normal path, which a recipient reports about its own handling. */
export const PROCESSING_STATUS_CODES = ['01', '02', '03', '04', '05', '06'] as const;

/** The sender asks its recipients to give a document back (Lấy lại). */
export const TAKE_BACK_REQUEST = '13';

/** A recipient's answer to a take-back request: 15 agrees, 16 refuses. */
export const TAKE_BACK_ANSWERS = ['15', '16'] as const;

/** Whether the code answers a take-back request (15 or 16). */
export function isTakeBackAnswer(code: string): boolean {
  return (TAKE_BACK_ANSWERS as readonly string[]).includes(code);
}

/** The standard's name and meaning of a code, or undefined for one it does not define. */
export function statusInfo(code: string): StatusCodeInfo | undefined {
  return BY_CODE.get(code);
}

/** Whether the code is on the normal path (01 to 06), which moves a recipient's progress. */
export function isProcessingStatus(code: string): boolean {
  return (PROCESSING_STATUS_CODES as readonly string[]).includes(code);
}

/**
 * Whether a newly reported status becomes the recipient's current one.
 * A late or older status is still kept in the history; it only fails to move
 * the current state back. 05 may repeat; 02 and 06 end the path.
 *
 * @example advancesStatus('03', '05') === true; advancesStatus('05', '03') === false
 */
export function advancesStatus(current: string | undefined, next: string): boolean {
  const nextInfo = statusInfo(next);
  if (!nextInfo || nextInfo.rank === 0) return false;
  if (current === undefined) return true;
  const currentInfo = statusInfo(current);
  if (!currentInfo) return true;
  if (currentInfo.final) return false;
  // Refusal only makes sense before the document was accepted.
  if (next === '02') return currentInfo.rank <= 1;
  if (next === '05' && current === '05') return true;
  return nextInfo.rank > currentInfo.rank;
}
