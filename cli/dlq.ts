import { SqsDeadLetters } from '#shared/adapters/sqs/SqsDeadLetters';
import { QUEUES, type QueueName } from '#shared/config/wiring';
import { EXIT, emit, type Io, parseCommand, text, UsageError } from './io';

/**
 * `dlq list QUEUE` and `dlq redrive QUEUE` for the axis's work queues
 * (verify, route). The source queue's URL is the one the functions use; the
 * dead-letter queue's is LIENTHONG_<QUEUE>_DLQ_URL, or else the one the source
 * queue's redrive policy names.
 */

const QUEUE_NAMES = Object.keys(QUEUES).join(', ');
const USAGE_TEXT = `dlq list|redrive QUEUE [--max N]; QUEUE is one of ${QUEUE_NAMES}`;

/** The source and dead-letter queue URLs of a queue name. */
async function queuesOf(io: Io, name: string, letters: SqsDeadLetters) {
  if (!(name in QUEUES)) throw new UsageError(USAGE_TEXT);
  const declared = QUEUES[name as QueueName];
  const sourceUrl = io.env[declared.env];
  if (!sourceUrl) throw new UsageError(`${declared.env} is not set`);
  const dlqUrl =
    io.env[`LIENTHONG_${name.toUpperCase()}_DLQ_URL`] ?? (await letters.deadLetterUrlOf(sourceUrl));
  return { sourceUrl, dlqUrl };
}

export async function dlqCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals, json } = parseCommand(argv, { max: { type: 'string' } });
  const [sub, queue] = positionals;
  if (!queue || positionals.length !== 2 || (sub !== 'list' && sub !== 'redrive')) {
    throw new UsageError(USAGE_TEXT);
  }
  const maxText = text(values, 'max');
  const max = maxText === undefined ? undefined : Number(maxText);
  if (max !== undefined && !(Number.isInteger(max) && max > 0)) {
    throw new UsageError('--max must be a positive whole number');
  }
  const letters = new SqsDeadLetters();
  const { sourceUrl, dlqUrl } = await queuesOf(io, queue, letters);
  if (sub === 'list') {
    const found = await letters.list(dlqUrl, max);
    emit(io, json, { queue, dlqUrl, messages: found }, () => [
      ...found.map(
        (letter) =>
          `${letter.messageId}  received ${letter.receiveCount}x  ${letter.sentAt ?? ''}  ` +
          letter.body.slice(0, 160),
      ),
      `${found.length} dead letter(s) in ${queue}`,
    ]);
    return EXIT.ok;
  }
  const moved = await letters.redrive(dlqUrl, sourceUrl, max);
  emit(io, json, { ok: true, queue, moved }, () => [`moved ${moved} message(s) back to ${queue}`]);
  return EXIT.ok;
}
