import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { TableDeclaration, TableName } from '#shared/config/wiring';
import { tableEntries } from './declarations';

/**
 * The axis's durable state: one DynamoDB table per wiring table and the S3
 * bucket that holds document payloads.
 *
 * Everything here outlives the stack (RETAIN, deletion protection), because
 * exchanged documents and their trail are records an agency must be able to
 * produce later. Construct ids are therefore part of each resource's
 * identity: renaming one makes CloudFormation create a new, empty resource.
 */
export class Storage extends Construct {
  /** Tables by their wiring name. */
  readonly tables: Record<TableName, Table>;
  /** Signed edXML payloads, written by the intake functions. */
  readonly payloadBucket: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    const tables: Partial<Record<TableName, Table>> = {};
    for (const [name, declaration] of tableEntries()) {
      tables[name] = this.createTable(declaration);
    }
    this.tables = tables as Record<TableName, Table>;

    this.payloadBucket = new Bucket(this, 'Payloads', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // A payload overwritten by mistake must still be recoverable.
      versioned: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  private createTable(declaration: TableDeclaration): Table {
    const table = new Table(this, declaration.id, {
      partitionKey: { name: declaration.partitionKey, type: AttributeType.STRING },
      sortKey: declaration.sortKey
        ? { name: declaration.sortKey, type: AttributeType.STRING }
        : undefined,
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: declaration.timeToLiveAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The AWS managed key leaves an audit trail in CloudTrail at no key cost.
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of declaration.indexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: index.sortKey ? { name: index.sortKey, type: AttributeType.STRING } : undefined,
        projectionType: ProjectionType.ALL,
      });
    }
    return table;
  }
}
