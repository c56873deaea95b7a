import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { Programme } from '../../functions/domain/programme.ts';
import { type HandlerName, PROJECT_ROOT } from '../../lib/bundling.ts';
import { buildApp, type CsatApp } from '../../lib/csat-app.ts';
import type { CsatFunction } from '../../lib/csat-function.ts';
import { programme as exampleProgramme } from '../../programme/index.ts';

/** cdk.json's context (feature flags and csat settings), as `cdk synth` sees it. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8'),
).context;

export interface Synthesised extends CsatApp {
  statefulTemplate: Template;
  statelessTemplate: Template;
  /** What synth printed to stderr (the execute-api links warning). */
  warnings: string[];
}

/**
 * Context every test synth starts from besides cdk.json: `alarmEmail` is required, and tests are not a
 * production deploy.
 */
export const TEST_CONTEXT: Record<string, unknown> = { alarmEmail: 'none' };

/**
 * The synth time tests use unless they ask for another: 90 days from it stay within the calendar's
 * notices, so no calendar warning joins the ones a test expects (test/infra/calendar.test.ts has those).
 */
export const COVERED_NOW = new Date('2026-03-02T00:00:00Z');

/**
 * Builds the app as bin/app.ts does (cdk-nag attached) and synthesises it once. For speed, bundling is
 * skipped (`aws:cdk:bundling-stacks` empty; test/infra/bundling.test.ts bundles for real) and so is
 * CDK's CloudFormation schema check unless asked for (test/infra/nag.test.ts runs it).
 */
export function synthCsat(
  context: Record<string, unknown> = {},
  options: { programme?: Programme; cloudFormationValidation?: boolean; now?: Date } = {},
): Synthesised {
  const warnings: string[] = [];
  const built = buildApp(options.programme ?? exampleProgramme, {
    context: { ...CDK_JSON_CONTEXT, ...TEST_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context },
    builtinCloudFormationValidation: options.cloudFormationValidation ?? false,
    warn: (line) => warnings.push(line),
    now: options.now ?? COVERED_NOW,
  });
  return {
    ...built,
    warnings,
    statefulTemplate: Template.fromStack(built.stateful),
    statelessTemplate: Template.fromStack(built.stateless),
  };
}

/** The logical id CloudFormation knows a construct's resource by. */
export function logicalId(element: CfnElement): string {
  const stack = Stack.of(element);
  return stack.resolve(stack.getLogicalId(element));
}

/** A synthesised resource; tests read the properties they assert on, so these stay loosely typed. */
export interface TemplateResource {
  Type: string;
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties, read field by field in assertions
  Properties: Record<string, any>;
}

export function resourcesOf(template: Template): Record<string, TemplateResource> {
  return template.toJSON().Resources;
}

export type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

/**
 * Every statement of the policies attached to a role. Roles get inline policies only (grants in the
 * stateless stack); a managed policy would be a cross-stack ARN again, so one fails the lookup.
 */
export function statementsOfRole(s: Synthesised, roleId: string): Statement[] {
  const stateless = resourcesOf(s.statelessTemplate);
  if ((stateless[roleId]?.Properties.ManagedPolicyArns ?? []).length > 0) {
    throw new Error(`${roleId} has managed policies; csat grants inline, per function`);
  }
  return Object.values(stateless)
    .filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        (r.Properties.Roles as unknown[]).some(
          (ref) => JSON.stringify(ref) === JSON.stringify({ Ref: roleId }),
        ),
    )
    .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
}

/** The logical id of a construct's default resource. */
export const id = (construct: { node: { defaultChild?: unknown } }): string =>
  logicalId(construct.node.defaultChild as CfnElement);

/** Whether a template value refers to the logical id (or export name) anywhere inside it. */
export const mentions = (value: unknown, logical: string): boolean => JSON.stringify(value).includes(logical);

/** Each handler's function construct, by handler name. */
export const functionsOf = ({ stateless }: Synthesised): Record<HandlerName, CsatFunction> => ({
  'survey-page': stateless.surveyPage,
  dispatch: stateless.dispatch,
  'dispatch-worker': stateless.dispatchWorker,
  send: stateless.send,
  report: stateless.report,
  'import-customers': stateless.importCustomers,
  remind: stateless.remind,
  actions: stateless.actions,
  'ses-events': stateless.sesEvents,
});

/** Statements as sorted "action on resource" lines, naming each resource by `label`. */
export function permissionLines(statements: Statement[], label: (resource: unknown) => string): string[] {
  const lines = statements.flatMap((st) => {
    if (st.Effect !== 'Allow') return [`${st.Effect} ${JSON.stringify(st)}`];
    const actions = Array.isArray(st.Action) ? st.Action : [st.Action];
    const resources = Array.isArray(st.Resource) ? st.Resource : [st.Resource];
    return actions.flatMap((a) => resources.map((r) => `${a} on ${label(r)}`));
  });
  return [...new Set(lines)].sort();
}
