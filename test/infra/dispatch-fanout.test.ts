import { beforeAll, describe, expect, it } from 'vitest';
import { DIRECTORY_SHARDS } from '../../functions/adapters/dynamo-keys.ts';
import {
  DISPATCH_MAX_RECEIVE_COUNT,
  DISPATCH_TASK_BATCH_SIZE,
  DISPATCH_WORKER_TIMEOUT,
} from '../../lib/dispatch-fanout.ts';
import { id, resourcesOf, type Synthesised, synthCsat } from './synth.ts';

describe('Dispatch fan-out (lib/dispatch-fanout.ts)', () => {
  let s: Synthesised;

  beforeAll(() => {
    s = synthCsat();
  });

  const resource = (construct: { node: { defaultChild?: unknown } }) =>
    resourcesOf(s.statelessTemplate)[id(construct)]!;

  describe('dispatch queue', () => {
    it('should encrypt the queue and its DLQ with SQS-managed keys and keep their messages 14 days', () => {
      for (const q of [s.stateless.dispatchQueue, s.stateless.dispatchDeadLetterQueue]) {
        expect(resource(q).Properties).toMatchObject({
          SqsManagedSseEnabled: true,
          MessageRetentionPeriod: 14 * 24 * 3600,
        });
      }
    });

    it('should move a task to its own DLQ after five receives', () => {
      const { RedrivePolicy } = resource(s.stateless.dispatchQueue).Properties;
      expect(RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [id(s.stateless.dispatchDeadLetterQueue), 'Arn'] },
        maxReceiveCount: DISPATCH_MAX_RECEIVE_COUNT,
      });
      expect(DISPATCH_MAX_RECEIVE_COUNT).toBe(5);
    });

    it('should keep a task invisible for at least six times the worker timeout', () => {
      const timeout = resource(s.stateless.dispatchWorker.fn).Properties.Timeout as number;
      const visibility = resource(s.stateless.dispatchQueue).Properties.VisibilityTimeout as number;
      expect(visibility).toBeGreaterThanOrEqual(6 * timeout);
    });
  });

  describe('dispatch worker', () => {
    it('should run each task alone, for up to five minutes, with the memory of the dispatch', () => {
      const worker = resource(s.stateless.dispatchWorker.fn).Properties;
      const dispatch = resource(s.stateless.dispatch.fn).Properties;
      expect(worker.Timeout).toBe(DISPATCH_WORKER_TIMEOUT.toSeconds());
      expect(worker.Timeout).toBe(300);
      expect(worker.MemorySize).toBe(dispatch.MemorySize);
    });

    it('should consume the dispatch queue one task at a time, reporting failed tasks, one worker per shard at most', () => {
      const mappings = Object.values(resourcesOf(s.statelessTemplate)).filter(
        (r) =>
          r.Type === 'AWS::Lambda::EventSourceMapping' &&
          JSON.stringify(r.Properties.FunctionName) ===
            JSON.stringify({ Ref: id(s.stateless.dispatchWorker.fn) }),
      );
      expect(mappings.map((m) => m.Properties)).toEqual([
        {
          EventSourceArn: { 'Fn::GetAtt': [id(s.stateless.dispatchQueue), 'Arn'] },
          FunctionName: { Ref: id(s.stateless.dispatchWorker.fn) },
          BatchSize: DISPATCH_TASK_BATCH_SIZE,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          ScalingConfig: { MaximumConcurrency: DIRECTORY_SHARDS },
        },
      ]);
      expect(DISPATCH_TASK_BATCH_SIZE).toBe(1);
    });

    it('should not be invoked by any schedule: only the dispatch queue feeds it', () => {
      const schedules = Object.values(resourcesOf(s.statelessTemplate)).filter(
        (r) => r.Type === 'AWS::Scheduler::Schedule',
      );
      expect(schedules.length).toBeGreaterThan(0);
      for (const sch of schedules) {
        expect(JSON.stringify(sch.Properties.Target.Arn)).not.toContain(id(s.stateless.dispatchWorker.fn));
      }
    });
  });
});
