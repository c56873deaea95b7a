import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/csat-app.ts';
import { programme } from '../../programme/index.ts';
import { CDK_JSON_CONTEXT, type Synthesised, synthCsat } from './synth.ts';

function acknowledgements(root: IConstruct): Array<{ path: string; id: string; reason: string }> {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  let defaults: Synthesised;
  let destroyWithEmail: Synthesised;

  beforeAll(() => {
    // As `cdk synth` runs it: CDK's CloudFormation validation on too.
    defaults = synthCsat({}, { cloudFormationValidation: true });
    destroyWithEmail = synthCsat({ removalPolicy: 'destroy', alarmEmail: 'ops@example.com' });
  });

  it('should find no unacknowledged error or warning in the default app', () => {
    // Act
    const report = new AwsSolutionsChecks().validateScope(defaults.app);

    // Assert
    expect(
      report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath)}`),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('should find none either with removalPolicy=destroy and an alarm email', () => {
    const report = new AwsSolutionsChecks().validateScope(destroyWithEmail.app);
    expect(
      report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath)}`),
    ).toEqual([]);
  });

  it('should leave nothing in the synth validation report, CloudFormation checks included', () => {
    // Arrange
    const assembly = defaults.app.synth();
    const file = join(assembly.directory, 'validation-report.json');

    // Act
    const report = JSON.parse(readFileSync(file, 'utf8'));

    // Assert
    expect(report.title).toBe('Validation Report');
    const violations = (report.pluginReports as Array<{ violations?: unknown[] }>).flatMap(
      (r) => r.violations ?? [],
    );
    expect(violations).toEqual([]);
  });

  it('should give every acknowledged finding a written reason', () => {
    // Act
    const acks = [...acknowledgements(defaults.app), ...acknowledgements(destroyWithEmail.app)];

    // Assert
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id, ack.path).toMatch(/^AwsSolutions-[A-Z0-9]+(\[.+\])?$/);
      expect(ack.reason.length, `${ack.path} ${ack.id}`).toBeGreaterThanOrEqual(60);
    }
  });

  it('should acknowledge wildcard resources only by exact finding, never the whole IAM5 rule', () => {
    const iam5 = acknowledgements(defaults.app).filter((a) => a.id.startsWith('AwsSolutions-IAM5'));
    expect(iam5.length).toBeGreaterThan(0);
    for (const ack of iam5) expect(ack.id).toMatch(/^AwsSolutions-IAM5\[Resource::.+\]$/);
  });

  it('should fail synth when a resource breaks a rule nobody acknowledged', () => {
    // Arrange
    const { app, stateless } = buildApp(programme, {
      context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] },
      builtinCloudFormationValidation: false,
    });
    new Queue(stateless, 'QueueWithoutDeadLetterQueue');

    // Act
    const act = () => app.synth();

    // Assert
    expect(act).toThrow(/AwsSolutions-SQS3/);
  });
});
