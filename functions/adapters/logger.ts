import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured logger per process (Powertools). Log ids and counts, never personal data: no names,
 * email addresses, answers or comments (DESIGN.md §3).
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'csat' });
