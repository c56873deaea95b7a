import type { AnonymousResponse } from './anonymity.ts';
import type { DirectoryCustomer } from './audience.ts';
import type { Invitation, InvitedCustomer, SendStep, StoredResponse, Wave } from './model.ts';
import type { Customer } from './programme.ts';
import type { ShardRecord } from './selection/dispatch-state.ts';

/** Persistence the use cases need; functions/adapters/dynamo-store.ts implements it on DynamoDB. */
export interface SurveyStore {
  /** Creates the wave unless it exists; returns the stored one either way. */
  putWave(wave: Wave): Promise<{ created: boolean; wave: Wave }>;
  /**
   * `consistent`: a strongly consistent read, for a wave's dispatch, whose plan moves on between tasks
   * milliseconds apart (an eventually consistent read could see the round before).
   */
  getWave(campaignId: string, waveId: string, options?: { consistent?: boolean }): Promise<Wave | undefined>;
  /** Waves of a campaign, newest first. */
  listWaves(campaignId: string): Promise<Wave[]>;
  /**
   * Records on the wave when its final report was sent, unless a time is recorded already (the first
   * stays). Returns whether this call recorded it; an unknown wave is left alone and returns false.
   */
  markFinalReport(campaignId: string, waveId: string, at: string): Promise<boolean>;
  /** Creates the invitation unless one with its id exists. */
  putInvitation(invitation: Invitation): Promise<boolean>;
  getInvitation(id: string): Promise<Invitation | undefined>;
  listInvitations(waveId: string): Promise<Invitation[]>;
  /** A wave's invitations a page at a time (in no set order), so a caller can go through any number of them. */
  invitationPages(waveId: string): AsyncIterable<Invitation[]>;
  /**
   * Records, before sending, that a step's email goes out now, and returns the invitation to send.
   * Only the first caller claims it; a step already sent, an unsubscribed or expired invitation, or an
   * unknown id returns undefined. So no step is ever emailed twice, whatever the queue redelivers.
   * A reminder is also refused once the invitation has a response, or before the step before it was sent.
   */
  claimSend(id: string, step: SendStep, at: string): Promise<Invitation | undefined>;
  /** Undoes a claim whose email certainly did not go out, so the job can be retried. */
  releaseSend(id: string, step: SendStep, at: string): Promise<void>;
  /** Closes the invitation (unsubscribedAt, the first time only): no step of it is claimed again. */
  closeInvitation(id: string, at: string): Promise<void>;
  /**
   * Records the mail service's id for the email of the claim made at `at`: the proof it went out. A claim
   * without one was never confirmed (the send failed ambiguously, or the function died mid-send).
   */
  confirmSend(id: string, step: SendStep, at: string, messageId: string): Promise<void>;
  /**
   * Marks the claim made at `at` as sent-or-not: the send failed in a way that leaves open whether the
   * mail service took the message. The claim stays, so the email goes out at most once, never twice.
   */
  markSendUncertain(id: string, step: SendStep, at: string): Promise<void>;
  /**
   * Stores the response unless the invitation already has one, has expired at `now`, or is unknown.
   * Exactly one of any number of concurrent calls for an invitation returns `stored`.
   * Also only if the invitation belongs to `wave` (the survey submit validates the answers against a wave
   * it did not read from the invitation, to save a round trip); the campaign also files the answer under
   * its date for rollups (`listAnswered`).
   */
  saveResponse(
    id: string,
    response: StoredResponse,
    now: string,
    wave: { campaignId: string; waveId: string },
  ): Promise<'stored' | 'unavailable'>;
  /**
   * An anonymous campaign's answer (anonymity.ts): stores it apart from the invitation, under its own id;
   * the invitation is not written. `unavailable` on the same terms as saveResponse; of any number of
   * concurrent or repeated calls for an invitation exactly one stores.
   */
  saveAnonymousResponse(
    invitationId: string,
    answer: AnonymousResponse,
    now: string,
  ): Promise<'stored' | 'unavailable'>;
  /** Whether an anonymous response of this id (anonymousResponseId) is stored: a single read. */
  hasAnonymousResponse(id: string): Promise<boolean>;
  /** Which of these anonymous response ids are stored (batched reads). */
  anonymousResponsesAmong(ids: readonly string[]): Promise<Set<string>>;
  /** A wave's anonymous responses, in an order that says nothing about when they came. */
  listAnonymousResponses(waveId: string): Promise<AnonymousResponse[]>;
  /** The same as listAnonymousResponses (in the same order), a page at a time. */
  anonymousResponsePages(waveId: string): AsyncIterable<AnonymousResponse[]>;
  /**
   * The campaign's answered invitations with `from <= answeredAt < to` (ISO instants), in answer order;
   * an anonymous response comes as a customerless answered invitation dated at its day's midnight UTC.
   */
  listAnswered(campaignId: string, from: string, to: string): Promise<Invitation[]>;
  /** The same as listAnswered, a page at a time, so a caller can go through any number of them. */
  answeredPages(campaignId: string, from: string, to: string): AsyncIterable<Invitation[]>;
  /** Marks the invitation and the customer unsubscribed (idempotent): whom it invited, or undefined when it is gone. */
  unsubscribe(id: string, at: string): Promise<InvitedCustomer | undefined>;
  /**
   * Writes (creates or updates) directory profiles. When a write fails it throws CustomersWriteError
   * (customers/write-error.ts) saying how many of them were written all the same.
   */
  putCustomers(customers: Customer[]): Promise<void>;
  /** The whole directory in memory: only for small jobs; anything that grows with it reads `customerPage`. */
  listCustomers(): Promise<DirectoryCustomer[]>;
  /** How many shards the directory is split into (0 … directoryShards − 1): the unit dispatch fans out over. */
  readonly directoryShards: number;
  /**
   * Up to `limit` customers of one directory shard, from where `cursor` (the previous page's) left off;
   * the page after has a cursor, the last page none. Cursors are opaque text a queue message can carry.
   */
  customerPage(
    shard: number,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ customers: DirectoryCustomer[]; cursor?: string }>;
  /**
   * Which of these customer ids the directory marks unsubscribed (batched reads of just those customers);
   * an id the directory does not have is not in the set.
   */
  unsubscribedAmong(customerIds: readonly string[]): Promise<Set<string>>;
  /** One customer of the directory, with what csat recorded (suppressedAt, …); undefined when unknown. */
  getCustomer(customerId: string): Promise<DirectoryCustomer | undefined>;
  /**
   * The frequency rule's claim: records that `waveId` (at its time `at`) surveys the customer, only if
   * they exist, are neither unsubscribed nor suppressed, and were last surveyed at or before `cutoff` or
   * by this same wave (so a retry of the wave keeps its customers). Exactly one of several campaigns
   * claiming a customer at the same moment wins. Returns whether the claim holds.
   */
  claimContact(customerId: string, claim: { waveId: string; at: string; cutoff: string }): Promise<boolean>;
  /** A directory shard's progress in one round of a wave's dispatch (selection/dispatch-state.ts). */
  getShardRecord(waveId: string, round: number, shard: number): Promise<ShardRecord | undefined>;
  /**
   * Stores a shard's progress after chunk `record.chunk − 1`, only if the stored record is at that chunk
   * (or, for the first chunk, there is none): of two runs of one task, one stores. True when stored.
   */
  putShardRecord(waveId: string, record: ShardRecord): Promise<boolean>;
  /** Every shard's record of a round (at most one per shard). */
  shardRecords(waveId: string, round: number): Promise<ShardRecord[]>;
  /**
   * Moves a wave's dispatch on: sets `change` on the wave only while its dispatch is still at `from`
   * (the plan's round and the state). True when this call moved it.
   */
  updateWaveDispatch(
    campaignId: string,
    waveId: string,
    from: { round: number; state: string },
    change: Pick<Wave, 'dispatch'> & Partial<Pick<Wave, 'invited' | 'invitedBy' | 'selection'>>,
  ): Promise<boolean>;
  /** Stops all email to a customer (a bounce or complaint); the first time stays. False for an unknown id. */
  suppressCustomer(customerId: string, at: string): Promise<boolean>;
}

export interface OutgoingEmail {
  /** Complete RFC 5322 message. */
  raw: Uint8Array;
  from: string;
  to: string[];
  /**
   * Message tags: SES hands them back on bounce and complaint events, which is how an event finds its
   * invitation. Names and values use [A-Za-z0-9_.-] only.
   */
  tags?: Record<string, string>;
}

export interface Mailer {
  /**
   * Hands one message to the mail service; returns its message id. Throws MailNotSentError (or a
   * subclass) when the service certainly did not take the message; any other error leaves that open.
   */
  send(email: OutgoingEmail): Promise<string>;
}

export interface BlobStore {
  put(
    key: string,
    body: string | Uint8Array,
    contentType: string,
    metadata?: Record<string, string>,
  ): Promise<void>;
  /** Writes an object from text as it comes (in parts when it is large), never holding all of it. */
  putStream(key: string, body: AsyncIterable<string>, contentType: string): Promise<void>;
  /** The object's text (UTF-8), or undefined when there is no such object. */
  find(key: string): Promise<string | undefined>;
  /** A time-limited https link to read the object (GET), or to ask for its headers (HEAD). */
  presign(key: string, expiresInSeconds: number, method?: 'GET' | 'HEAD'): Promise<string>;
}

export interface SendQueue {
  enqueue(jobs: import('./model.ts').SendJob[]): Promise<void>;
}

export interface Clock {
  now(): Date;
}
