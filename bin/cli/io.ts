/* What every `csat` command gets: its output streams, the environment, the parsed options. */
import { DEFAULT_DATA_DIR } from '../../local/stack.ts';
import { deployedTarget, localTarget, type Target } from './target.ts';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Shows how far a long command got (`main` draws a bar when stderr is a terminal). */
  progress?: (done: number, total: number) => void;
}

/** A mistake in the command line: exit code 2 and the usage. */
export class UsageError extends Error {}

export interface Options {
  json: boolean;
  stack?: string;
  region?: string;
  wave?: string;
  period?: string;
  format?: string;
  campaign?: string;
  timeout?: string;
  email?: string;
  out?: string;
  status?: string;
  'data-dir'?: string;
}

export function targetOf(values: Options, io: Io): Promise<Target> {
  const stackName = values.stack ?? io.env.CSAT_STACK;
  return stackName
    ? deployedTarget(stackName, values.region)
    : localTarget(values['data-dir'] ?? io.env.CSAT_DATA_DIR ?? DEFAULT_DATA_DIR);
}
