import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/csat-app.ts';
import { programme } from '../../programme/index.ts';
import { CDK_JSON_CONTEXT, type Synthesised, synthCsat, TEST_CONTEXT } from './synth.ts';

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
  let withDomain: Synthesised;

  beforeAll(() => {
    // As `cdk synth` runs it: CDK's CloudFormation validation on too.
    defaults = synthCsat({}, { cloudFormationValidation: true });
    destroyWithEmail = synthCsat({ removalPolicy: 'destroy', alarmEmail: 'ops@example.com' });
    withDomain = synthCsat(
      {
        domainName: 'survey.example.com',
        certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0e1f2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7',
      },
      { cloudFormationValidation: true },
    );
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

  it('should find none either with removalPolicy=destroy and an alarm email, or with a custom domain', () => {
    for (const app of [destroyWithEmail.app, withDomain.app]) {
      const report = new AwsSolutionsChecks().validateScope(app);
      expect(
        report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath)}`),
      ).toEqual([]);
    }
  });

  it('should leave only the execute-api links warning in the synth validation report, CloudFormation checks included', () => {
    // Arrange
    const violationsOf = (synthesised: Synthesised) => {
      const assembly = synthesised.app.synth();
      const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'));
      expect(report.title).toBe('Validation Report');
      return (report.pluginReports as Array<{ violations?: Array<{ ruleName: string; severity: string }> }>)
        .flatMap((r) => r.violations ?? [])
        .map((v) => `${v.severity} ${v.ruleName}`);
    };

    // Act
    const onExecuteApi = violationsOf(defaults);
    const onDomain = violationsOf(withDomain);

    // Assert: the default app's links sit on the execute-api URL, which synth says loudly.
    expect(onExecuteApi).toEqual(['warning Annotation::csat:links-on-execute-api']);
    expect(onDomain).toEqual([]);
  });

  it('should give every acknowledged finding a written reason', () => {
    // Act
    const acks = [defaults, destroyWithEmail, withDomain].flatMap((app) => acknowledgements(app.app));

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
      context: { ...CDK_JSON_CONTEXT, ...TEST_CONTEXT, 'aws:cdk:bundling-stacks': [] },
      builtinCloudFormationValidation: false,
    });
    new Queue(stateless, 'QueueWithoutDeadLetterQueue');

    // Act
    const act = () => app.synth();

    // Assert
    expect(act).toThrow(/AwsSolutions-SQS3/);
  });
});
