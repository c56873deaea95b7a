/*
 * CloudWatch metrics as embedded metric format (EMF) fields on a structured log line: Lambda's log
 * group turns them into metrics with no SDK call and no extra permission. (Powertools Metrics would
 * write the same format, but csat does not depend on it.)
 */

/** Remind decisions that rested on a year the calendar has no official notice for (lib/operations.ts). */
export const PROVISIONAL_CALENDAR_METRIC = 'ProvisionalCalendarDecisions';

/** The namespace of csat's own metrics for a stack; the functions get it as METRICS_NAMESPACE. */
export const metricsNamespace = (stackName: string): string => `csat/${stackName}`;

/**
 * The fields that make a log line an EMF document publishing `metrics` (counts, no dimensions) in
 * `namespace` at `now`. Spread them into the log line's attributes.
 */
export function emfFields(
  namespace: string,
  metrics: Record<string, number>,
  now: Date,
): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: now.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [[]],
          Metrics: Object.keys(metrics).map((Name) => ({ Name, Unit: 'Count' })),
        },
      ],
    },
    ...metrics,
  };
}
