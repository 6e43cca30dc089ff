import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TableDeclaration } from '#shared/config/wiring';
import { tableEntries } from '../../cdk/lib/declarations';
import type { Synthesized } from './synthesize';
import { arnOf, logicalIdOf, synthesize } from './synthesize';

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
});

function keySchema(partitionKey: string, sortKey?: string): object[] {
  const schema = [{ AttributeName: partitionKey, KeyType: 'HASH' }];
  return sortKey ? [...schema, { AttributeName: sortKey, KeyType: 'RANGE' }] : schema;
}

/** Every key attribute of the table and its indexes, each declared once, as a string. */
function attributeDefinitions(declaration: TableDeclaration): object[] {
  const names = new Set<string>();
  for (const key of [declaration, ...declaration.indexes]) {
    names.add(key.partitionKey);
    if (key.sortKey) {
      names.add(key.sortKey);
    }
  }
  return [...names].map((name) => ({ AttributeName: name, AttributeType: 'S' }));
}

describe('DynamoDB tables', () => {
  it('has one table per TABLES entry', () => {
    synth.template.resourceCountIs('AWS::DynamoDB::Table', tableEntries().length);
  });

  describe.each(tableEntries())('%s', (name, declaration) => {
    const tableLogicalId = (): string => logicalIdOf(synth.stack, synth.stack.storage.tables[name]);

    it('has the wiring keys and indexes, all strings, with every GSI projecting ALL', () => {
      const indexes = declaration.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: keySchema(index.partitionKey, index.sortKey),
        Projection: { ProjectionType: 'ALL' },
      }));
      const found = synth.template.findResources('AWS::DynamoDB::Table', {
        Properties: {
          KeySchema: keySchema(declaration.partitionKey, declaration.sortKey),
          AttributeDefinitions: Match.arrayEquals(attributeDefinitions(declaration)),
          GlobalSecondaryIndexes: indexes.length > 0 ? indexes : Match.absent(),
        },
      });
      // Tables may share a key schema (agencies and connections are keyed by agencyId).
      expect(Object.keys(found)).toContain(tableLogicalId());
    });

    it('expires items on the wiring TTL attribute, and only where the wiring names one', () => {
      const found = synth.template.findResources('AWS::DynamoDB::Table', {
        Properties: {
          TimeToLiveSpecification: declaration.timeToLiveAttribute
            ? { AttributeName: declaration.timeToLiveAttribute, Enabled: true }
            : Match.absent(),
        },
      });
      expect(Object.keys(found)).toContain(tableLogicalId());
    });

    it('bills on demand, keeps point-in-time recovery, encryption and deletion protection', () => {
      const found = synth.template.findResources('AWS::DynamoDB::Table', {
        Properties: {
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
          DeletionProtectionEnabled: true,
        },
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      expect(Object.keys(found)).toContain(tableLogicalId());
    });
  });
});

describe('the nonces of signed requests', () => {
  it('expire on their own once past the replay window', () => {
    const nonces = tableEntries().find(([name]) => name === 'nonces');
    expect(nonces?.[1]).toMatchObject({
      partitionKey: 'nonceKey',
      timeToLiveAttribute: 'expiresAt',
    });
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'nonceKey', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });
});

describe('payload bucket', () => {
  const bucketLogicalId = (): string => logicalIdOf(synth.stack, synth.stack.storage.payloadBucket);

  it('is the only bucket, encrypted, private, versioned, owner-enforced and retained', () => {
    synth.template.resourceCountIs('AWS::S3::Bucket', 1);
    synth.template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('denies any request made without TLS', () => {
    const bucketArn = arnOf(bucketLogicalId());
    synth.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketLogicalId() },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: [bucketArn, { 'Fn::Join': ['', [bucketArn, '/*']] }],
          }),
        ]),
      },
    });
  });
});

describe('signing key', () => {
  it('is a retained ECC P-256 key for signing and verifying', () => {
    const signingKeys = synth.template.findResources('AWS::KMS::Key', {
      Properties: { KeyUsage: 'SIGN_VERIFY' },
    });
    expect(Object.keys(signingKeys)).toHaveLength(1);
    synth.template.hasResource('AWS::KMS::Key', {
      Properties: { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('is reachable through its alias', () => {
    synth.template.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/lienthong-signing',
      TargetKeyId: arnOf(logicalIdOf(synth.stack, synth.stack.signingKey)),
    });
  });
});
