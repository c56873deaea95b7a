import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { exposureWarning, unofficialExposures } from '../functions/domain/calendar-exposure.ts';
import type { Programme } from '../functions/domain/programme.ts';
import { readConfig, type StackConfig } from './config.ts';
import { importSharedResources } from './shared-resources.ts';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';

export interface CsatApp {
  app: App;
  config: StackConfig;
  stateful: StatefulStack;
  stateless: StatelessStack;
}

/**
 * The whole CDK app: config from context, the stateful and the stateless stack, and cdk-nag's
 * AwsSolutions checks, which fail synth on any finding not acknowledged with a reason. `bin/app.ts` and
 * the infra tests build it the same way. The stacks are environment-agnostic, so synth needs no
 * credentials and no network.
 */
export interface BuildAppOptions {
  context?: Record<string, unknown>;
  /** CDK's schema and lint check of the templates at synth (the default); tests may skip it for speed. */
  builtinCloudFormationValidation?: boolean;
  /** Where synth-time warnings are printed besides CDK's annotations; stderr by default. */
  warn?: (line: string) => void;
  /** When synth runs: the calendar warning looks 90 days ahead of it. The clock by default. */
  now?: Date;
}

export function buildApp(programme: Programme, options: BuildAppOptions = {}): CsatApp {
  const app = new App({
    ...(options.context ? { context: options.context } : {}),
    builtinCloudFormationValidation: options.builtinCloudFormationValidation ?? true,
  });
  const config = readConfig((key) => app.node.tryGetContext(key), programme);
  const warn = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (isReservedDomain(config.sesIdentity)) warn(`WARNING ${reservedSenderWarning(config.sesIdentity)}`);
  // Reminders counted on a year without the official holiday notice, within 90 days of this synth.
  for (const exposure of unofficialExposures(programme, options.now ?? new Date())) {
    warn(`WARNING ${exposureWarning(exposure)}`);
  }
  const stateful = new StatefulStack(app, `${config.stackPrefix}Stateful`, {
    config,
    description: 'csat: survey data, reports, link-signing key, SES configuration set, link domain',
  });
  // Imports by explicit export name (lib/shared-resources.ts), not CDK's automatic references: the
  // dependency that orders the deploy is declared here instead.
  const stateless = new StatelessStack(app, `${config.stackPrefix}Stateless`, {
    config,
    programme,
    description: 'csat: survey pages, send queue, scheduled dispatch and report, alarms',
    shared: importSharedResources(config.stackPrefix, config.domain !== undefined),
    ...(options.warn ? { warn: options.warn } : {}),
  });
  stateless.addStackDependency(stateful);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, config, stateful, stateless };
}

/** RFC 2606 / 6761 names: documentation and test domains nobody can verify in SES. */
export function isReservedDomain(identity: string): boolean {
  const domain = identity.slice(identity.lastIndexOf('@') + 1).toLowerCase();
  return (
    /(^|\.)example\.(com|net|org)$/.test(domain) ||
    /\.(example|test|invalid|localhost)$|^localhost$/.test(domain)
  );
}

export const reservedSenderWarning = (identity: string): string =>
  `csat: the campaigns send as ${identity}, a reserved example domain SES can never verify: every ` +
  'invitation, reminder and digest would be refused (MessageRejected). Set sender.from in ' +
  'programme/campaigns/*.json to an address of your verified domain (or -c sesIdentity=…) before deploying.';
