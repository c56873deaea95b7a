import * as z from 'zod';
import type { Programme } from '../functions/domain/programme.ts';
import { SEND_MAX_CONCURRENCY } from './send-queue.ts';

/*
 * The stack's settings, read from CDK context (`cdk.json` → "context", or `-c key=value`) and validated
 * at synth, so a typo stops `cdk synth` with a message saying which key, what is wrong and how to set it
 * instead of surfacing as a failed deployment an hour later.
 */

/** `-c key=` (empty) means "unset", so a value in cdk.json can be cleared from the command line. */
const unsetWhenEmpty = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const wholeNumber = (min: number, max: number, what: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
    z
      .number({ error: `must be a whole number of ${what}` })
      .int(`must be a whole number of ${what}`)
      .min(min, `must be at least ${min} ${what}`)
      .max(max, `must be at most ${max} ${what}`),
  );

/*
 * The survey page's default throttle, sized for a wave's peak rather than for an idle day. Each page view
 * is one request (GET) and each answer one more (POST); a wave of 50,000 emails whose recipients mostly
 * open within the first minutes peaks at hundreds to a few thousand requests/s. 2,000/s steady with a
 * burst of 5,000 leaves that peak room while keeping a loop or scanner from taking the whole account:
 * HTTP APIs share 10,000 requests/s (burst 5,000, AWS's maximum) per account and region. At ~50–100 ms
 * per request the survey page needs about 2,000 × 0.1 s = 200 concurrent Lambda instances at the full
 * rate, well inside the default account concurrency of 1,000 (the send and report functions use a few).
 */
export const DEFAULT_API_THROTTLE = { rateLimit: 2000, burstLimit: 5000 } as const;

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

const ContextSchema = z.object({
  stackPrefix: z.preprocess(
    unsetWhenEmpty,
    z
      .string()
      .regex(
        /^[A-Z][A-Za-z0-9]{0,39}$/,
        'must start with a capital letter and hold only letters and digits (at most 40), e.g. "Csat"',
      )
      .default('Csat'),
  ),
  publicBaseUrl: z.preprocess(
    unsetWhenEmpty,
    z
      .url({ protocol: /^https$/, error: 'must be an https URL such as "https://survey.example.com"' })
      .refine((u) => !/[?#]/.test(u), 'must not have a query or fragment: links are built as <url>/s/<token>')
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
  ),
  sesIdentity: z.preprocess(
    unsetWhenEmpty,
    z
      .string()
      .trim()
      .toLowerCase()
      .refine((s) => DOMAIN.test(s) || z.email().safeParse(s).success, {
        message:
          'must be an SES identity: a domain such as "example.com" or an address such as "survey@example.com"',
      })
      .optional(),
  ),
  /**
   * Required: a deployed stack whose alarms notify nobody fails silently. `none` is the explicit opt-out
   * (a test stack, or `cdk synth` on a laptop); anything else must be an address.
   */
  alarmEmail: z.preprocess(
    unsetWhenEmpty,
    z
      .string({
        error:
          'is required: the address the alarms notify (-c alarmEmail=ops@example.com), or ' +
          '-c alarmEmail=none to deploy without alarm notifications (a test stack)',
      })
      .trim()
      .refine(
        (v) => v === 'none' || z.email().safeParse(v).success,
        'must be an email address, or "none" to deploy without alarm notifications',
      )
      .transform((v) => (v === 'none' ? undefined : v)),
  ),
  /**
   * A custom domain for the survey, unsubscribe and report links, owned by the long-lived stateful stack
   * so links already emailed keep working when the stateless stack is replaced. Needs certificateArn.
   */
  domainName: z.preprocess(
    unsetWhenEmpty,
    z
      .string()
      .trim()
      .toLowerCase()
      .regex(DOMAIN, 'must be a domain name such as "survey.example.com"')
      .optional(),
  ),
  certificateArn: z.preprocess(
    unsetWhenEmpty,
    z
      .string()
      .trim()
      .regex(
        /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/,
        'must be the ARN of an ACM certificate in the region you deploy to, ' +
          'e.g. "arn:aws:acm:eu-west-1:123456789012:certificate/…"',
      )
      .optional(),
  ),
  /**
   * Requests per second the HTTP API's stage lets through, steady and in a burst. A wave's emails land
   * in thousands of inboxes within minutes and people open them together; see DEFAULT_API_THROTTLE.
   * HTTP APIs allow at most 10,000 requests/s and a burst of 5,000 per account and region.
   */
  apiRateLimit: z.preprocess(
    unsetWhenEmpty,
    wholeNumber(1, 10_000, 'requests per second').default(DEFAULT_API_THROTTLE.rateLimit),
  ),
  apiBurstLimit: z.preprocess(
    unsetWhenEmpty,
    wholeNumber(1, 5_000, 'requests').default(DEFAULT_API_THROTTLE.burstLimit),
  ),
  retentionDays: z.preprocess(unsetWhenEmpty, wholeNumber(1, 3650, 'days').default(365)),
  removalPolicy: z.preprocess(
    unsetWhenEmpty,
    z.enum(['retain', 'destroy'], { error: 'must be "retain" or "destroy"' }).default('retain'),
  ),
  /**
   * An override of the send function's maximum concurrency on the SQS event source; unset, it is
   * SEND_MAX_CONCURRENCY (lib/send-queue.ts). The instances share the account's SES rate and daily quota
   * through the table whatever their number, so this only caps how many run. 2 is the least the event
   * source allows.
   */
  sendConcurrency: z.preprocess(
    unsetWhenEmpty,
    wholeNumber(2, 1000, 'instances').default(SEND_MAX_CONCURRENCY),
  ),
});

export const CONTEXT_KEYS = Object.keys(ContextSchema.shape) as Array<keyof typeof ContextSchema.shape>;

export interface StackConfig {
  stackPrefix: string;
  /**
   * Where survey links point when set explicitly (a domain set up elsewhere, e.g. CloudFront); otherwise
   * https://<domainName>, otherwise the HTTP API's own URL. No trailing slash.
   */
  publicBaseUrl: string | undefined;
  /** The custom domain the stateful stack owns and the HTTP API is mapped to, with its certificate. */
  domain: { name: string; certificateArn: string } | undefined;
  apiThrottle: { rateLimit: number; burstLimit: number };
  /** The SES identity every campaign sends from, and the resource SES send permissions are scoped to. */
  sesIdentity: string;
  /** Who the alarms notify; undefined only when the context says `alarmEmail=none`. */
  alarmEmail: string | undefined;
  retentionDays: number;
  removalPolicy: 'retain' | 'destroy';
  sendConcurrency: number;
}

/** The stack's context is not valid: the message lists every problem and how to fix it. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `the CDK context for csat is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Set these under "context" in cdk.json, or pass -c key=value to cdk synth/deploy (see lib/config.ts).',
    );
    this.name = 'ConfigError';
  }
}

function senderDomain(from: string): string {
  return from.slice(from.lastIndexOf('@') + 1).toLowerCase();
}

/** Whether SES lets `identity` send as `from`: the address itself, its domain, or a parent domain. */
export function identityCovers(identity: string, from: string): boolean {
  const id = identity.toLowerCase();
  if (id.includes('@')) return id === from.toLowerCase();
  const domain = senderDomain(from);
  return domain === id || domain.endsWith(`.${id}`);
}

/**
 * Reads and validates the csat keys of the CDK context. `context` is a lookup such as
 * `(key) => app.node.tryGetContext(key)`. Throws one ConfigError listing every problem.
 */
export function readConfig(context: (key: string) => unknown, programme: Programme): StackConfig {
  const raw = Object.fromEntries(CONTEXT_KEYS.map((k) => [k, context(k)]));
  const parsed = ContextSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const key = String(i.path[0] ?? '(context)');
        return `${key}: ${i.message} (got ${JSON.stringify(raw[key])})`;
      }),
    );
  }
  const c = parsed.data;
  if (Boolean(c.domainName) !== Boolean(c.certificateArn)) {
    throw new ConfigError([
      c.domainName
        ? `certificateArn: is required with domainName "${c.domainName}": the ARN of an ACM certificate for it, in the region you deploy to`
        : 'domainName: is required with certificateArn: the domain the certificate is for, such as "survey.example.com"',
    ]);
  }
  const senders = [...new Set(programme.campaigns.map((camp) => camp.sender.from.toLowerCase()))];
  const domains = [...new Set(senders.map(senderDomain))];
  let sesIdentity = c.sesIdentity;
  if (!sesIdentity) {
    if (domains.length !== 1) {
      throw new ConfigError([
        domains.length === 0
          ? 'sesIdentity: the programme has no campaign to take the sender domain from; set the SES identity to send from'
          : `sesIdentity: campaigns send from several domains (${domains.join(', ')}); set the one SES identity they share`,
      ]);
    }
    sesIdentity = domains[0]!;
  }
  const uncovered = senders.filter((from) => !identityCovers(sesIdentity, from));
  if (uncovered.length > 0) {
    throw new ConfigError([
      `sesIdentity: "${sesIdentity}" does not cover the campaign sender(s) ${uncovered.join(', ')}; ` +
        'use their domain, or change the campaigns’ sender.from',
    ]);
  }
  return {
    stackPrefix: c.stackPrefix,
    publicBaseUrl: c.publicBaseUrl,
    domain:
      c.domainName && c.certificateArn ? { name: c.domainName, certificateArn: c.certificateArn } : undefined,
    apiThrottle: { rateLimit: c.apiRateLimit, burstLimit: c.apiBurstLimit },
    sesIdentity,
    alarmEmail: c.alarmEmail,
    retentionDays: c.retentionDays,
    removalPolicy: c.removalPolicy,
    sendConcurrency: c.sendConcurrency,
  };
}
