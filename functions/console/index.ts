import { publicApiHandler } from '#shared/http/apiHandler';
import { CONSOLE_HEADERS, CONSOLE_HTML } from './page';

/**
 * GET /console: the operator console's page, public like the axis's keys
 * because it holds no data. It asks the operator for a token and reads the
 * operator API with it; the headers keep it from loading anything else.
 */
export const handler = publicApiHandler(async () => ({
  statusCode: 200,
  headers: { ...CONSOLE_HEADERS },
  body: CONSOLE_HTML,
}));
