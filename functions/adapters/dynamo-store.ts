import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AnonymousResponse } from '../domain/anonymity.ts';
import type { DirectoryCustomer } from '../domain/audience.ts';
import type { Invitation, InvitedCustomer, SendStep, StoredResponse, Wave } from '../domain/model.ts';
import type { SurveyStore } from '../domain/ports.ts';
import type { Customer } from '../domain/programme.ts';
import type { ShardRecord } from '../domain/selection/dispatch-state.ts';
import { CustomerItems } from './dynamo-customers.ts';
import { DispatchItems } from './dynamo-dispatch.ts';
import { InvitationItems } from './dynamo-invitations.ts';
import { DIRECTORY_SHARDS } from './dynamo-keys.ts';
import { ResponseItems } from './dynamo-responses.ts';
import type { DynamoStoreOptions } from './dynamo-table.ts';
import { WaveItems } from './dynamo-waves.ts';

export { GSI1, GSI2, TABLE_KEYS } from './dynamo-keys.ts';
export type { DynamoStoreOptions } from './dynamo-table.ts';

/**
 * The SurveyStore on one DynamoDB table (layout in dynamo-keys.ts), composed of one item class per
 * aggregate: waves, invitations and their sends, responses, customers.
 */
export class DynamoStore implements SurveyStore {
  private readonly waves: WaveItems;
  private readonly invitations: InvitationItems;
  private readonly responses: ResponseItems;
  private readonly customers: CustomerItems;
  private readonly dispatches: DispatchItems;

  constructor(ddb: DynamoDBDocumentClient, table: string, options: DynamoStoreOptions = {}) {
    this.waves = new WaveItems(ddb, table, options);
    this.invitations = new InvitationItems(ddb, table, options);
    this.responses = new ResponseItems(ddb, table, options);
    this.customers = new CustomerItems(ddb, table, options);
    this.dispatches = new DispatchItems(ddb, table, options);
  }

  putWave(wave: Wave): Promise<{ created: boolean; wave: Wave }> {
    return this.waves.putWave(wave);
  }

  getWave(campaignId: string, waveId: string, options?: { consistent?: boolean }): Promise<Wave | undefined> {
    return this.waves.getWave(campaignId, waveId, options);
  }

  listWaves(campaignId: string): Promise<Wave[]> {
    return this.waves.listWaves(campaignId);
  }

  markFinalReport(campaignId: string, waveId: string, at: string): Promise<boolean> {
    return this.waves.markFinalReport(campaignId, waveId, at);
  }

  putInvitation(invitation: Invitation): Promise<boolean> {
    return this.invitations.putInvitation(invitation);
  }

  getInvitation(id: string): Promise<Invitation | undefined> {
    return this.invitations.getInvitation(id);
  }

  listInvitations(waveId: string): Promise<Invitation[]> {
    return this.invitations.listInvitations(waveId);
  }

  invitationPages(waveId: string): AsyncIterable<Invitation[]> {
    return this.invitations.invitationPages(waveId);
  }

  claimSend(id: string, step: SendStep, at: string): Promise<Invitation | undefined> {
    return this.invitations.claimSend(id, step, at);
  }

  releaseSend(id: string, step: SendStep, at: string): Promise<void> {
    return this.invitations.releaseSend(id, step, at);
  }

  confirmSend(id: string, step: SendStep, at: string, messageId: string): Promise<void> {
    return this.invitations.confirmSend(id, step, at, messageId);
  }

  markSendUncertain(id: string, step: SendStep, at: string): Promise<void> {
    return this.invitations.markSendUncertain(id, step, at);
  }

  saveResponse(
    id: string,
    response: StoredResponse,
    now: string,
    wave: { campaignId: string; waveId: string },
  ): Promise<'stored' | 'unavailable'> {
    return this.responses.saveResponse(id, response, now, wave);
  }

  saveAnonymousResponse(
    invitationId: string,
    answer: AnonymousResponse,
    now: string,
  ): Promise<'stored' | 'unavailable'> {
    return this.responses.saveAnonymousResponse(invitationId, answer, now);
  }

  hasAnonymousResponse(id: string): Promise<boolean> {
    return this.responses.hasAnonymousResponse(id);
  }

  anonymousResponsesAmong(ids: readonly string[]): Promise<Set<string>> {
    return this.responses.anonymousResponsesAmong(ids);
  }

  listAnonymousResponses(waveId: string): Promise<AnonymousResponse[]> {
    return this.responses.listAnonymousResponses(waveId);
  }

  anonymousResponsePages(waveId: string): AsyncIterable<AnonymousResponse[]> {
    return this.responses.anonymousResponsePages(waveId);
  }

  listAnswered(campaignId: string, from: string, to: string): Promise<Invitation[]> {
    return this.responses.listAnswered(campaignId, from, to);
  }

  answeredPages(campaignId: string, from: string, to: string): AsyncIterable<Invitation[]> {
    return this.responses.answeredPages(campaignId, from, to);
  }

  async closeInvitation(id: string, at: string): Promise<void> {
    await this.invitations.unsubscribeInvitation(id, at);
  }

  /** Unsubscribes the invitation, then its customer: one who has left the directory since is no matter. */
  async unsubscribe(id: string, at: string): Promise<InvitedCustomer | undefined> {
    const invitation = await this.invitations.unsubscribeInvitation(id, at);
    if (!invitation) return undefined;
    await this.customers.markCustomer(invitation.customer.id, 'unsubscribedAt', at);
    return invitation.customer;
  }

  putCustomers(customers: Customer[]): Promise<void> {
    return this.customers.putCustomers(customers);
  }

  claimContact(customerId: string, claim: { waveId: string; at: string; cutoff: string }): Promise<boolean> {
    return this.customers.claimContact(customerId, claim);
  }

  suppressCustomer(customerId: string, at: string): Promise<boolean> {
    return this.customers.markCustomer(customerId, 'suppressedAt', at);
  }

  getCustomer(customerId: string): Promise<DirectoryCustomer | undefined> {
    return this.customers.getCustomer(customerId);
  }

  readonly directoryShards = DIRECTORY_SHARDS;

  customerPage(
    shard: number,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ customers: DirectoryCustomer[]; cursor?: string }> {
    return this.customers.customerPage(shard, cursor, limit);
  }

  unsubscribedAmong(customerIds: readonly string[]): Promise<Set<string>> {
    return this.customers.unsubscribedAmong(customerIds);
  }

  listCustomers(): Promise<DirectoryCustomer[]> {
    return this.customers.listCustomers();
  }

  getShardRecord(waveId: string, round: number, shard: number): Promise<ShardRecord | undefined> {
    return this.dispatches.getShardRecord(waveId, round, shard);
  }

  putShardRecord(waveId: string, record: ShardRecord): Promise<boolean> {
    return this.dispatches.putShardRecord(waveId, record);
  }

  shardRecords(waveId: string, round: number): Promise<ShardRecord[]> {
    return this.dispatches.shardRecords(waveId, round);
  }

  updateWaveDispatch(
    campaignId: string,
    waveId: string,
    from: { round: number; state: string },
    change: Pick<Wave, 'dispatch'> & Partial<Pick<Wave, 'invited' | 'invitedBy' | 'selection'>>,
  ): Promise<boolean> {
    return this.dispatches.updateWaveDispatch(campaignId, waveId, from, change);
  }
}
