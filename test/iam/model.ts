import { synthCsat } from '../infra/synth.ts';
import type { IamModel } from './guard.ts';

/**
 * Synthesizes the CDK app as `cdk synth` does (bundling skipped: it changes no policy) and keeps what the
 * IAM guard needs: every stack's template and the SES identity the stack sends as.
 */
export function synthIamModel(): IamModel {
  const { app, config } = synthCsat();
  const assembly = app.synth();
  return {
    templates: Object.fromEntries(assembly.stacks.map((s) => [s.stackName, s.template])),
    verifiedIdentities: [config.sesIdentity],
  };
}
