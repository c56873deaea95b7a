/**
 * One unit of a wave's fan-out (use-cases/dispatch-task.ts): up to a chunk of one directory shard, in one
 * round of the wave's dispatch. Rounds 0 … n−1 count the directory (what the sample needs to be exact),
 * the last invites. A task is idempotent: run twice (a queue redelivery, a resumed dispatch), it changes
 * nothing the first run did not.
 */
export interface DispatchTask {
  campaignId: string;
  waveId: string;
  /** The dispatch round the task belongs to (the wave's plan says which rounds there are). */
  round: number;
  /** The directory shard (0 … directoryShards − 1). */
  shard: number;
  /** Which chunk of the shard: 0 for the first, then one more per continuation. */
  chunk: number;
  /** Where in the shard the chunk starts (the store's opaque page cursor); absent for chunk 0. */
  cursor?: string;
}

/** Where dispatch tasks go to be run by the dispatch worker (SQS on AWS, the local queue under npm start). */
export interface DispatchTaskQueue {
  enqueue(tasks: readonly DispatchTask[]): Promise<void>;
}
