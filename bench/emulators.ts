/*
 * The emulators for the benchmark, in a process of their own: in AWS, DynamoDB and SES are other
 * machines, so their work must not share the event loop of the code being measured. Prints one line of
 * JSON with the endpoints, then runs until killed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamo } from '../local/dynamo.ts';
import { startEvents } from '../local/events-server.ts';
import { startS3 } from '../local/s3.ts';
import { startSes } from '../local/ses-server.ts';

const dir = await mkdtemp(join(tmpdir(), 'csat-bench-'));
const [dynamo, s3, ses, events] = await Promise.all([
  startDynamo(),
  startS3({ directory: join(dir, 's3'), buckets: [] }),
  startSes({ directory: join(dir, 'mail') }),
  // A submit publishes Response Submitted: EventBridge is another machine too.
  startEvents(),
]);
process.stdout.write(
  `${JSON.stringify({ dynamodb: dynamo.endpoint, s3: s3.endpoint, ses: ses.endpoint, events: events.endpoint })}\n`,
);

const stop = async () => {
  await Promise.all([dynamo.close(), s3.close(), ses.close(), events.close()]);
  await rm(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
