import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Campaign, Programme } from '../../functions/domain/programme.ts';
import { ConfigError, identityCovers, readConfig } from '../../lib/config.ts';
import { SEND_MAX_CONCURRENCY } from '../../lib/send-queue.ts';
import { programme } from '../../programme/index.ts';

const context =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

const withSenders = (...froms: string[]): Programme => ({
  ...programme,
  campaigns: froms.map(
    (from, i): Campaign => ({
      ...programme.campaigns[0]!,
      id: `c${i}`,
      sender: { ...programme.campaigns[0]!.sender, from },
    }),
  ),
});

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('readConfig', () => {
  it('should apply the defaults when the context sets nothing but the alarm opt-out', () => {
    // Arrange
    const empty = context({ alarmEmail: 'none' });

    // Act
    const config = readConfig(empty, programme);

    // Assert
    expect(config).toEqual({
      stackPrefix: 'Csat',
      publicBaseUrl: undefined,
      domain: undefined,
      apiThrottle: { rateLimit: 2000, burstLimit: 5000 },
      sesIdentity: 'example.com',
      alarmEmail: undefined,
      retentionDays: 365,
      removalPolicy: 'retain',
      // No hand-set concurrency: enough instances for the rate ceiling, held to the account's rate.
      sendConcurrency: SEND_MAX_CONCURRENCY,
    });
  });

  it('should refuse a context without alarmEmail, saying how to set it or opt out', () => {
    // Arrange
    const unset = context({ alarmEmail: '' });

    // Act
    const problems = problemsOf(() => readConfig(unset, programme));

    // Assert
    expect(problems).toEqual([
      expect.stringMatching(/^alarmEmail: is required: .*-c alarmEmail=ops@example\.com.*-c alarmEmail=none/),
    ]);
  });

  it('should take a custom domain with its certificate, and refuse one without the other', () => {
    // Arrange
    const certificateArn =
      'arn:aws:acm:eu-west-1:123456789012:certificate/0e1f2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7';
    const both = context({ alarmEmail: 'none', domainName: 'Survey.Example.com', certificateArn });

    // Act
    const config = readConfig(both, programme);
    const noCertificate = problemsOf(() =>
      readConfig(context({ alarmEmail: 'none', domainName: 'survey.example.com' }), programme),
    );
    const noDomain = problemsOf(() => readConfig(context({ alarmEmail: 'none', certificateArn }), programme));

    // Assert
    expect(config.domain).toEqual({ name: 'survey.example.com', certificateArn });
    expect(noCertificate).toEqual([expect.stringMatching(/^certificateArn: is required with domainName/)]);
    expect(noDomain).toEqual([expect.stringMatching(/^domainName: is required with certificateArn/)]);
  });

  it('should refuse a domain or certificate that is not one, and a throttle outside what HTTP APIs allow', () => {
    // Arrange
    const bad = context({
      alarmEmail: 'none',
      domainName: 'https://survey.example.com',
      certificateArn: 'arn:aws:iam::123456789012:server-certificate/x',
      apiRateLimit: '20000',
      apiBurstLimit: 0,
    });

    // Act
    const problems = problemsOf(() => readConfig(bad, programme));

    // Assert
    expect(problems).toEqual([
      expect.stringMatching(/^domainName: must be a domain name/),
      expect.stringMatching(/^certificateArn: must be the ARN of an ACM certificate/),
      expect.stringMatching(/^apiRateLimit: must be at most 10000 requests per second \(got "20000"\)$/),
      expect.stringMatching(/^apiBurstLimit: must be at least 1 requests \(got 0\)$/),
    ]);
  });

  it('should accept `-c key=value` strings and cdk.json numbers alike', () => {
    // Arrange
    const fromCli = context({
      stackPrefix: 'CsatStaging',
      publicBaseUrl: 'https://survey.example.com/',
      sesIdentity: 'Example.COM',
      alarmEmail: 'ops@example.com',
      retentionDays: '30',
      removalPolicy: 'destroy',
      sendConcurrency: 4,
      apiRateLimit: '300',
      apiBurstLimit: 600,
    });

    // Act
    const config = readConfig(fromCli, programme);

    // Assert
    expect(config).toEqual({
      stackPrefix: 'CsatStaging',
      publicBaseUrl: 'https://survey.example.com',
      domain: undefined,
      apiThrottle: { rateLimit: 300, burstLimit: 600 },
      sesIdentity: 'example.com',
      alarmEmail: 'ops@example.com',
      retentionDays: 30,
      removalPolicy: 'destroy',
      sendConcurrency: 4,
    });
  });

  it('should treat an empty value as unset, so the command line can clear a cdk.json setting', () => {
    // Arrange
    const cleared = context({ alarmEmail: 'none', publicBaseUrl: ' ', retentionDays: '', apiRateLimit: '' });

    // Act
    const config = readConfig(cleared, programme);

    // Assert
    expect(config.apiThrottle.rateLimit).toBe(2000);
    expect(config.publicBaseUrl).toBeUndefined();
    expect(config.retentionDays).toBe(365);
  });

  it('should list every bad key with what is wrong, the value and how to set it', () => {
    // Arrange
    const bad = context({
      stackPrefix: 'csat-dev',
      publicBaseUrl: 'http://survey.example.com',
      alarmEmail: 'ops',
      retentionDays: '1.5',
      removalPolicy: 'snapshot',
      sendConcurrency: '1',
    });

    // Act
    const act = () => readConfig(bad, programme);

    // Assert
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(/cdk\.json.*-c key=value/s);
    const problems = problemsOf(act);
    expect(problems).toEqual([
      expect.stringMatching(/^stackPrefix: must start with a capital letter.*\(got "csat-dev"\)$/),
      expect.stringMatching(/^publicBaseUrl: must be an https URL/),
      expect.stringMatching(/^alarmEmail: must be an email address, or "none" .*\(got "ops"\)$/),
      expect.stringMatching(/^retentionDays: must be a whole number of days \(got "1\.5"\)$/),
      expect.stringMatching(/^removalPolicy: must be "retain" or "destroy" \(got "snapshot"\)$/),
      expect.stringMatching(/^sendConcurrency: must be at least 2 instances \(got "1"\)$/),
    ]);
  });

  it('should refuse a public base URL with a query, which would break the link format', () => {
    // Arrange
    const withQuery = context({ alarmEmail: 'none', publicBaseUrl: 'https://survey.example.com/?utm=1' });

    // Act
    const problems = problemsOf(() => readConfig(withQuery, programme));

    // Assert
    expect(problems).toEqual([expect.stringMatching(/^publicBaseUrl: must not have a query/)]);
  });

  it('should derive the SES identity from the domain every campaign sends from', () => {
    // Arrange
    const twoSenders = withSenders('survey@acme.test', 'quality@ACME.test');

    // Act
    const config = readConfig(context({ alarmEmail: 'none' }), twoSenders);

    // Assert
    expect(config.sesIdentity).toBe('acme.test');
  });

  it('should ask for sesIdentity when campaigns send from several domains', () => {
    // Arrange
    const mixed = withSenders('survey@acme.test', 'survey@other.test');

    // Act
    const problems = problemsOf(() => readConfig(context({ alarmEmail: 'none' }), mixed));

    // Assert
    expect(problems).toEqual([
      expect.stringMatching(/^sesIdentity: .*several domains \(acme\.test, other\.test\)/),
    ]);
  });

  it('should refuse an SES identity that does not cover a campaign sender', () => {
    // Arrange
    const elsewhere = context({ alarmEmail: 'none', sesIdentity: 'survey@example.com' });
    const twoAddresses = withSenders('survey@example.com', 'quality@example.com');

    // Act
    const problems = problemsOf(() => readConfig(elsewhere, twoAddresses));

    // Assert
    expect(problems).toEqual([expect.stringMatching(/^sesIdentity: .*quality@example\.com/)]);
  });

  it('should refuse an SES identity that is neither a domain nor an address', () => {
    // Arrange
    const bad = context({ alarmEmail: 'none', sesIdentity: 'not an identity' });

    // Act
    const problems = problemsOf(() => readConfig(bad, programme));

    // Assert
    expect(problems).toEqual([expect.stringMatching(/^sesIdentity: must be an SES identity/)]);
  });

  it('should either return settings within bounds or throw a ConfigError, whatever the context holds', () => {
    const anyValue = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.object(),
    );
    fc.assert(
      fc.property(
        fc.record(
          {
            retentionDays: anyValue,
            sendConcurrency: anyValue,
            removalPolicy: anyValue,
            publicBaseUrl: anyValue,
            apiRateLimit: anyValue,
            apiBurstLimit: anyValue,
          },
          { requiredKeys: [] },
        ),
        (values) => {
          try {
            const c = readConfig(context({ alarmEmail: 'none', ...values }), programme);
            expect(Number.isInteger(c.retentionDays) && c.retentionDays >= 1 && c.retentionDays <= 3650).toBe(
              true,
            );
            expect(Number.isInteger(c.sendConcurrency) && c.sendConcurrency >= 2).toBe(true);
            expect(['retain', 'destroy']).toContain(c.removalPolicy);
            const { rateLimit, burstLimit } = c.apiThrottle;
            expect(Number.isInteger(rateLimit) && rateLimit >= 1 && rateLimit <= 10_000).toBe(true);
            expect(Number.isInteger(burstLimit) && burstLimit >= 1 && burstLimit <= 5_000).toBe(true);
            if (c.publicBaseUrl !== undefined) expect(c.publicBaseUrl).toMatch(/^https:\/\/[^?#]*[^/]$/);
          } catch (e) {
            expect(e).toBeInstanceOf(ConfigError);
          }
        },
      ),
    );
  });
});

describe('identityCovers', () => {
  it('should let a domain identity send from its addresses and its subdomains only', () => {
    expect(identityCovers('example.com', 'survey@example.com')).toBe(true);
    expect(identityCovers('example.com', 'survey@mail.example.com')).toBe(true);
    expect(identityCovers('example.com', 'survey@badexample.com')).toBe(false);
    expect(identityCovers('example.com', 'survey@example.com.evil.test')).toBe(false);
  });

  it('should let an address identity send as that address only', () => {
    expect(identityCovers('survey@example.com', 'Survey@Example.com')).toBe(true);
    expect(identityCovers('survey@example.com', 'other@example.com')).toBe(false);
  });
});

describe('Synth: a sender SES can never verify', () => {
  it('should say so when the campaigns send from a reserved example domain, and not for a real one', async () => {
    const { isReservedDomain, reservedSenderWarning } = await import('../../lib/csat-app.ts');
    expect(
      ['example.com', 'survey@example.org', 'mail.example.net', 'a.test', 'x.example'].map(isReservedDomain),
    ).toEqual([true, true, true, true, true]);
    expect(
      ['acme.com', 'survey@example-corp.com', 'examples.com', 'testing.io'].map(isReservedDomain),
    ).toEqual([false, false, false, false]);
    expect(reservedSenderWarning('example.com')).toMatch(/example\.com.*never verify.*sender\.from/);
  });
});
