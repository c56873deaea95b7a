import type { Invitation, SendStep, StoredResponse, Wave } from './model.ts';
import type { Customer } from './programme.ts';

/** Persistence the use cases need; functions/adapters/dynamo-store.ts implements it on DynamoDB. */
export interface SurveyStore {
  /** Creates the wave unless it exists; returns the stored one either way. */
  putWave(wave: Wave): Promise<{ created: boolean; wave: Wave }>;
  getWave(campaignId: string, waveId: string): Promise<Wave | undefined>;
  /** Waves of a campaign, newest first. */
  listWaves(campaignId: string): Promise<Wave[]>;
  /** Creates the invitation unless one with its id exists. */
  putInvitation(invitation: Invitation): Promise<boolean>;
  getInvitation(id: string): Promise<Invitation | undefined>;
  listInvitations(waveId: string): Promise<Invitation[]>;
  /**
   * Records, before sending, that a step's email goes out now, and returns the invitation to send.
   * Only the first caller claims it; a step already sent, an unsubscribed or expired invitation, or an
   * unknown id returns undefined. So no step is ever emailed twice, whatever the queue redelivers.
   */
  claimSend(id: string, step: SendStep, at: string): Promise<Invitation | undefined>;
  /** Undoes a claim whose send failed, so the job can be retried. */
  releaseSend(id: string, step: SendStep, at: string): Promise<void>;
  /**
   * Stores the response unless the invitation already has one, has expired at `now`, or is unknown.
   * Exactly one of any number of concurrent calls for an invitation returns `stored`.
   * With `wave`, also only if the invitation belongs to that wave: for a caller that validated the answers
   * against a wave it did not read from the invitation (the survey submit, to save a round trip).
   */
  saveResponse(
    id: string,
    response: StoredResponse,
    now: string,
    wave?: { campaignId: string; waveId: string },
  ): Promise<'stored' | 'unavailable'>;
  /** Marks the invitation and the customer unsubscribed (idempotent). */
  unsubscribe(id: string, at: string): Promise<'done' | 'gone'>;
  putCustomers(customers: Customer[]): Promise<void>;
  listCustomers(): Promise<Array<Customer & { unsubscribedAt?: string }>>;
}

export interface OutgoingEmail {
  /** Complete RFC 5322 message. */
  raw: Uint8Array;
  from: string;
  to: string[];
}

export interface Mailer {
  /** Hands one message to the mail service; returns its message id. */
  send(email: OutgoingEmail): Promise<string>;
}

export interface BlobStore {
  put(key: string, body: string | Uint8Array, contentType: string): Promise<void>;
  /** A time-limited https link to read the object. */
  presign(key: string, expiresInSeconds: number): Promise<string>;
}

export interface SendQueue {
  enqueue(jobs: import('./model.ts').SendJob[]): Promise<void>;
}

export interface Clock {
  now(): Date;
}
