import { beforeAll, describe, expect, it } from 'vitest';
import type { Access, FunctionDeclaration, FunctionName, QueueName } from '#shared/config/wiring';
import { functionEntries, queueEntries, tableEntries } from '../../cdk/lib/declarations';
import type { Statement, Synthesized } from './synthesize';
import {
  actionsAllowedOn,
  actionsOf,
  allPolicyStatements,
  grants,
  logicalIdOf,
  refersTo,
  roleStatementsOf,
  synthesize,
} from './synthesize';

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
});

const DYNAMODB_READS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'];
const DYNAMODB_WRITES = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];
const SEND = 'sqs:SendMessage';
const CONSUME = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'];
const SIGNING_ACTIONS = { sign: 'kms:Sign', getPublicKey: 'kms:GetPublicKey' } as const;

interface Expectation {
  readonly allowed: string[];
  readonly denied: string[];
}

const TABLE_EXPECTATIONS: Record<Access, Expectation> = {
  read: { allowed: DYNAMODB_READS, denied: DYNAMODB_WRITES },
  write: { allowed: DYNAMODB_WRITES, denied: DYNAMODB_READS },
  readWrite: { allowed: [...DYNAMODB_READS, ...DYNAMODB_WRITES], denied: [] },
};

const BUCKET_EXPECTATIONS: Record<Access, Expectation> = {
  read: { allowed: ['s3:GetObject'], denied: ['s3:PutObject', 's3:DeleteObject'] },
  write: { allowed: ['s3:PutObject'], denied: ['s3:GetObject', 's3:DeleteObject'] },
  readWrite: { allowed: ['s3:GetObject', 's3:PutObject'], denied: [] },
};

/**
 * What the wiring's `health` flag grants on each kind of resource: describe
 * actions that prove it answers, and none of the actions that read or change data.
 */
const HEALTH_EXPECTATIONS = {
  table: {
    allowed: ['dynamodb:DescribeTable'],
    denied: [...DYNAMODB_READS, ...DYNAMODB_WRITES],
  },
  bucket: {
    allowed: ['s3:ListBucket'],
    denied: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
  },
  queue: { allowed: ['sqs:GetQueueAttributes'], denied: [SEND, ...CONSUME] },
  key: {
    allowed: ['kms:DescribeKey'],
    denied: ['kms:Sign', 'kms:GetPublicKey', 'kms:Decrypt', 'kms:Encrypt'],
  },
} satisfies Record<string, Expectation>;

/** A resource the wiring leaves untouched, or only health-checks. */
function untouched(
  declaration: FunctionDeclaration,
  kind: keyof typeof HEALTH_EXPECTATIONS,
): Expectation & { access: string } {
  if (declaration.health) return { access: 'health', ...HEALTH_EXPECTATIONS[kind] };
  if (declaration.queueDepths && kind === 'queue') {
    return { access: 'queueDepths', ...HEALTH_EXPECTATIONS.queue };
  }
  return { access: 'none', allowed: [], denied: [] };
}

/** One function's expected access to one resource; `none` means no action at all. */
interface AccessCase extends Expectation {
  readonly fn: FunctionName;
  readonly resource: string;
  /** The wiring access, `consumes`/`sendsTo`, the signing operations, or `none`. */
  readonly access: string;
  readonly logicalId: (synthesized: Synthesized) => string;
}

/** The least-privilege table: every function against every resource, from the wiring. */
function accessCases(): AccessCase[] {
  return functionEntries().flatMap(([fn, declaration]) => [
    ...tableEntries().map(([table]): AccessCase => {
      const access = declaration.tables[table];
      return {
        fn,
        resource: `table ${table}`,
        ...(access ? { access, ...TABLE_EXPECTATIONS[access] } : untouched(declaration, 'table')),
        logicalId: ({ stack }) => logicalIdOf(stack, stack.storage.tables[table]),
      };
    }),
    {
      fn,
      resource: 'payload bucket',
      ...(declaration.bucket
        ? { access: declaration.bucket, ...BUCKET_EXPECTATIONS[declaration.bucket] }
        : untouched(declaration, 'bucket')),
      logicalId: ({ stack }) => logicalIdOf(stack, stack.storage.payloadBucket),
    },
    ...queueEntries().map(([queue, queueDeclaration]) =>
      queueCase(fn, declaration, queue, queueDeclaration.consumer === fn),
    ),
    signingKeyCase(fn, declaration),
  ]);
}

/** Sending is what `sendsTo` grants; receiving and deleting come with consuming. */
function queueCase(
  fn: FunctionName,
  declaration: FunctionDeclaration,
  queue: QueueName,
  consumes: boolean,
): AccessCase {
  const sends = declaration.sendsTo.includes(queue);
  const roles = [consumes ? 'consumes' : '', sends ? 'sendsTo' : ''].filter(Boolean);
  if (roles.length === 0) {
    return {
      fn,
      resource: `queue ${queue}`,
      ...untouched(declaration, 'queue'),
      logicalId: ({ stack }) => logicalIdOf(stack, stack.queues.queues[queue]),
    };
  }
  return {
    fn,
    resource: `queue ${queue}`,
    access: roles.length > 0 ? roles.join('+') : 'none',
    allowed: [...(sends ? [SEND] : []), ...(consumes ? CONSUME : [])],
    denied: [...(sends ? [] : [SEND]), ...(consumes ? [] : CONSUME)],
    logicalId: ({ stack }) => logicalIdOf(stack, stack.queues.queues[queue]),
  };
}

function signingKeyCase(fn: FunctionName, declaration: FunctionDeclaration): AccessCase {
  const operations = Object.keys(SIGNING_ACTIONS) as (keyof typeof SIGNING_ACTIONS)[];
  const declared = operations.filter((operation) => declaration.signingKey.includes(operation));
  if (declared.length === 0) {
    return {
      fn,
      resource: 'signing key',
      ...untouched(declaration, 'key'),
      logicalId: ({ stack }) => logicalIdOf(stack, stack.signingKey),
    };
  }
  return {
    fn,
    resource: 'signing key',
    access: declared.length > 0 ? declared.join('+') : 'none',
    allowed: declared.map((operation) => SIGNING_ACTIONS[operation]),
    denied: operations
      .filter((operation) => !declared.includes(operation))
      .map((operation) => SIGNING_ACTIONS[operation]),
    logicalId: ({ stack }) => logicalIdOf(stack, stack.signingKey),
  };
}

function statementsOfFunction(fn: FunctionName): Statement[] {
  const { stack, template } = synth;
  return roleStatementsOf(template, logicalIdOf(stack, stack.functions.functions[fn]));
}

describe('least privilege, per function and resource', () => {
  it.each(accessCases())('$fn has $access access to the $resource', (accessCase) => {
    const actions = actionsAllowedOn(
      statementsOfFunction(accessCase.fn),
      accessCase.logicalId(synth),
    );
    if (accessCase.access === 'none') {
      expect(actions).toEqual([]);
      return;
    }
    expect(accessCase.allowed.filter((action) => !grants(actions, action))).toEqual([]);
    expect(accessCase.denied.filter((action) => grants(actions, action))).toEqual([]);
  });
});

describe.each(functionEntries())('least privilege of %s', (fn, declaration) => {
  /** Everything the wiring connects the function to, including the queue it consumes. */
  const wiredLogicalIds = (): string[] => {
    const { stack } = synth;
    const consumed = queueEntries().filter(([, queue]) => queue.consumer === fn);
    const secret = declaration.national ? [logicalIdOf(stack, stack.nationalCredentials)] : [];
    if (declaration.health) {
      return [
        ...tableEntries().map(([table]) => logicalIdOf(stack, stack.storage.tables[table])),
        logicalIdOf(stack, stack.storage.payloadBucket),
        ...queueEntries().map(([queue]) => logicalIdOf(stack, stack.queues.queues[queue])),
        ...queueEntries().map(([queue]) =>
          logicalIdOf(stack, stack.queues.deadLetterQueues[queue]),
        ),
        logicalIdOf(stack, stack.signingKey),
        ...secret,
      ];
    }
    const depths = declaration.queueDepths
      ? queueEntries().flatMap(([queue]) => [
          logicalIdOf(stack, stack.queues.queues[queue]),
          logicalIdOf(stack, stack.queues.deadLetterQueues[queue]),
        ])
      : [];
    return [
      ...secret,
      ...depths,
      ...tableEntries()
        .filter(([table]) => declaration.tables[table] !== undefined)
        .map(([table]) => logicalIdOf(stack, stack.storage.tables[table])),
      ...(declaration.bucket ? [logicalIdOf(stack, stack.storage.payloadBucket)] : []),
      ...declaration.sendsTo.map((queue) => logicalIdOf(stack, stack.queues.queues[queue])),
      ...consumed.map(([queue]) => logicalIdOf(stack, stack.queues.queues[queue])),
      ...(declaration.signingKey.length > 0 ? [logicalIdOf(stack, stack.signingKey)] : []),
    ];
  };

  it('has a role policy exactly when the wiring gives it something to reach', () => {
    expect(statementsOfFunction(fn).length > 0).toBe(wiredLogicalIds().length > 0);
  });

  it('grants nothing on resources outside its wiring', () => {
    const wired = wiredLogicalIds();
    const stray = statementsOfFunction(fn).filter(
      (statement) => !wired.some((logicalId) => refersTo(statement.Resource, logicalId)),
    );
    expect(stray).toEqual([]);
  });

  it('may send messages only if it sends to a queue, and only to those', () => {
    const { stack } = synth;
    const targets = declaration.sendsTo.map((queue) =>
      logicalIdOf(stack, stack.queues.queues[queue]),
    );
    const sending = statementsOfFunction(fn).filter((statement) =>
      grants(actionsOf(statement), 'sqs:SendMessage'),
    );
    expect(sending.length > 0).toBe(targets.length > 0);
    for (const statement of sending) {
      expect(targets.some((logicalId) => refersTo(statement.Resource, logicalId))).toBe(true);
    }
  });

  it('may read the national axis credentials only if its wiring talks to the national axis', () => {
    const { stack } = synth;
    const actions = actionsAllowedOn(
      statementsOfFunction(fn),
      logicalIdOf(stack, stack.nationalCredentials),
    );
    expect(grants(actions, 'secretsmanager:GetSecretValue')).toBe(declaration.national === true);
    expect(grants(actions, 'secretsmanager:PutSecretValue')).toBe(false);
  });

  it('may sign only if its wiring signs', () => {
    const actions = statementsOfFunction(fn).flatMap(actionsOf);
    expect(grants(actions, 'kms:Sign')).toBe(declaration.signingKey.includes('sign'));
  });
});

describe('signed requests', () => {
  /** Routes answered without a signature: public documents and the console's empty shell. */
  const PUBLIC_ROUTES = [
    'GET /.well-known/jwks.json',
    'GET /v1/health',
    'GET /v1/openapi.json',
    'GET /console',
  ];
  /** Operators authenticate with bearer tokens, which spend no nonce. */
  const agencySigned = (route: string) =>
    !PUBLIC_ROUTES.includes(route) && !route.includes(' /v1/operator/');

  it('lets every function behind an agency-signed route spend nonces, and no other', () => {
    const { stack } = synth;
    const nonces = logicalIdOf(stack, stack.storage.tables.nonces);
    const spending = functionEntries()
      .filter(([fn]) =>
        grants(actionsAllowedOn(statementsOfFunction(fn), nonces), 'dynamodb:PutItem'),
      )
      .map(([fn]) => fn)
      .sort();
    const authenticated = functionEntries()
      .filter(([, declaration]) => declaration.routes.some(agencySigned))
      .map(([fn]) => fn)
      .sort();
    expect(authenticated.length).toBeGreaterThan(0);
    expect(spending).toEqual(authenticated);
  });
});

describe('policies across the stack', () => {
  const READ_ONLY = /^[a-z0-9-]+:(Get|List|Describe)[A-Za-z*]*$/;

  it('grants no wildcard action, and nothing but reads on every resource', () => {
    const statements = allPolicyStatements(synth.template);
    expect(statements.length).toBeGreaterThan(0);
    const offending = statements.filter((statement) => {
      const actions = actionsOf(statement);
      const resources = [statement.Resource].flat();
      const anyAction = actions.some((action) => action === '*' || action.endsWith(':*'));
      const anyResource = resources.includes('*');
      return anyAction || (anyResource && actions.some((action) => !READ_ONLY.test(action)));
    });
    expect(offending).toEqual([]);
  });

  it('has one role per function, assumable only by Lambda', () => {
    synth.template.resourceCountIs('AWS::IAM::Role', functionEntries().length);
    synth.template.allResourcesProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
          },
        ],
      },
    });
  });

  it('attaches no managed policy beyond basic Lambda execution', () => {
    synth.template.allResourcesProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [
        {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
            ],
          ],
        },
      ],
    });
  });
});
