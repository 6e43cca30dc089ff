import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The axis's one logger: JSON lines with the function's context attached.
 * Handlers add `documentId` and `agencyId` as soon as they know them. Never
 * log document content, status descriptions, secrets or people's details:
 * ids, codes, sizes and durations are enough to follow a document. The level
 * is Powertools' own setting, POWERTOOLS_LOG_LEVEL (INFO when unset).
 */
export const logger = new Logger({ serviceName: 'lienthong' });
