import { apiHandler } from '#shared/http/apiHandler';
import { bytesResponse } from '#shared/http/responses';
import { downloadMessage } from '#shared/services/readSide';

/** GET /v1/messages/{messageId}: the exact bytes of a document or status. */
export const handler = apiHandler(async ({ caller, deps, pathParameters }) => {
  const { message, bytes } = await downloadMessage(deps, caller, pathParameters.messageId ?? '');
  return bytesResponse(bytes, {
    'content-type': 'application/xml; charset=utf-8',
    'x-lienthong-message-id': message.messageId,
    'x-lienthong-document-id': message.documentId,
    'x-lienthong-kind': message.kind,
    'x-lienthong-sha256': message.sha256,
  });
});
