import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueDeclaration, QueueName } from '#shared/config/wiring';
import { FUNCTIONS, VISIBILITY_TIMEOUT_FACTOR } from '#shared/config/wiring';
import { queueEntries } from './declarations';

/**
 * How long a message may wait in a work queue. SQS keeps a message's
 * original enqueue time when it moves to a dead-letter queue, so the
 * dead-letter queue must keep messages longer than this or they would expire
 * there on arrival.
 */
const QUEUE_RETENTION_DAYS = 4;

/**
 * The axis's work queues, one per wiring queue, each with its own
 * dead-letter queue.
 *
 * Visibility timeouts are derived from the consumer's timeout in the wiring,
 * not from the function construct, so queues can be built before the
 * functions that consume them and a timeout change in the wiring moves both.
 */
export class Queues extends Construct {
  /** Work queues by their wiring name. */
  readonly queues: Record<QueueName, Queue>;
  /** The dead-letter queue behind each work queue, by the work queue's name. */
  readonly deadLetterQueues: Record<QueueName, Queue>;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    const queues: Partial<Record<QueueName, Queue>> = {};
    const deadLetterQueues: Partial<Record<QueueName, Queue>> = {};
    for (const [name, declaration] of queueEntries()) {
      const deadLetterQueue = this.createDeadLetterQueue(declaration);
      deadLetterQueues[name] = deadLetterQueue;
      queues[name] = this.createQueue(declaration, deadLetterQueue);
    }
    this.queues = queues as Record<QueueName, Queue>;
    this.deadLetterQueues = deadLetterQueues as Record<QueueName, Queue>;
  }

  private createDeadLetterQueue(declaration: QueueDeclaration): Queue {
    if (declaration.dlqRetentionDays <= QUEUE_RETENTION_DAYS) {
      throw new Error(
        `Queue ${declaration.id}: dlqRetentionDays (${declaration.dlqRetentionDays}) must ` +
          `exceed the work queue's retention of ${QUEUE_RETENTION_DAYS} days`,
      );
    }
    return new Queue(this, `${declaration.id}Dlq`, {
      retentionPeriod: Duration.days(declaration.dlqRetentionDays),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
  }

  private createQueue(declaration: QueueDeclaration, deadLetterQueue: Queue): Queue {
    const consumerTimeout = FUNCTIONS[declaration.consumer].timeoutSeconds;
    return new Queue(this, declaration.id, {
      visibilityTimeout: Duration.seconds(VISIBILITY_TIMEOUT_FACTOR * consumerTimeout),
      retentionPeriod: Duration.days(QUEUE_RETENTION_DAYS),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: declaration.maxReceiveCount },
    });
  }
}
