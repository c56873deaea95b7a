/*
 * The CDK app (`npx cdk synth`, `npx cdk deploy --all`). Settings come from CDK context; see
 * lib/config.ts. A bad setting or programme file stops synth with a message naming what to fix.
 */
import { ProgrammeError } from '../functions/domain/programme.ts';
import { ConfigError } from '../lib/config.ts';
import { buildApp } from '../lib/csat-app.ts';

try {
  const { programme } = await import('../programme/index.ts');
  buildApp(programme);
} catch (e) {
  if (e instanceof ConfigError || e instanceof ProgrammeError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
