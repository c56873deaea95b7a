import type { CsatEvent } from './events.ts';
import type { ActionChange } from './lifecycle.ts';
import type { ActionStatus, CorrectiveAction } from './model.ts';

/** Persistence of corrective actions; functions/adapters/dynamo-actions.ts implements it on DynamoDB. */
export interface ActionStore {
  /** Stores a new action unless one with its id exists: true when this call stored it. */
  openAction(action: CorrectiveAction): Promise<boolean>;
  getAction(id: string): Promise<CorrectiveAction | undefined>;
  /**
   * Applies the change if the stored action still satisfies its conditions, appending its history line;
   * returns the action as it is after the change, or undefined when the conditions did not hold (another
   * click, retry or sweep made it first, or the action is unknown).
   */
  apply(id: string, change: ActionChange): Promise<CorrectiveAction | undefined>;
  /**
   * Claims one action email (notices[key]) before it is sent: only the first caller gets the action back,
   * so each email goes out once whatever the queue redelivers.
   */
  claimNotice(id: string, key: string, at: string): Promise<CorrectiveAction | undefined>;
  /** Undoes a claim whose email certainly did not go out, so the job can be retried. */
  releaseNotice(id: string, key: string, at: string): Promise<void>;
  /**
   * Erases the customer from a response's action (an erasure request, use-cases/erase-customer.ts): their
   * contact, their comments and the invitation's id go, the scores and the history stay. False when there is no such action.
   */
  eraseCustomer(id: string, at: string): Promise<boolean>;
  /** A campaign's actions opened in `[from, to)` (ISO instants), a page at a time, oldest first. */
  actionPages(campaignId: string, range?: { from?: string; to?: string }): AsyncIterable<CorrectiveAction[]>;
  /** A campaign's actions that are not final yet (not verified or closed), a page at a time. */
  liveActionPages(campaignId: string): AsyncIterable<CorrectiveAction[]>;
}

/** Publishes csat's events (EventBridge, source `csat`) for teams to route with no code. */
export interface EventPublisher {
  publish(events: readonly CsatEvent[]): Promise<void>;
}

export type { ActionStatus };

/** Where action emails are queued: the send queue, which sends them at the account's pace. */
export interface ActionQueue {
  enqueue(jobs: import('./model.ts').ActionSendJob[]): Promise<void>;
}
