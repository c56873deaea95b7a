import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { eventBridgeClient } from '../../functions/adapters/eventbridge-client.ts';
import { EventBridgePublisher } from '../../functions/adapters/eventbridge-publisher.ts';
import { actionEvent, type CsatEvent } from '../../functions/domain/actions/events.ts';
import { authorizationRequests } from '../iam/requests.ts';
import { sampleAction } from '../support/actions.ts';
import { publishedEvents } from '../support/events.ts';

describe('EventBridgePublisher on the local PutEvents endpoint', () => {
  it('should publish any number of events in calls of ten, in order, from source csat on the default bus', async () => {
    // Arrange
    const before = publishedEvents().length;
    const events = Array.from(
      { length: 12 },
      (_, i) => actionEvent(sampleAction(`pub-${i}`, new Date('2026-12-01T02:00:00Z'))) as CsatEvent,
    );

    // Act
    await new EventBridgePublisher(eventBridgeClient()).publish(events);

    // Assert
    const published = publishedEvents().slice(before);
    expect(published.map((e) => (e.detail as { actionId: string }).actionId)).toEqual(
      events.map((_, i) => `pub-${i}`),
    );
    expect(new Set(published.map((e) => `${e.source} ${e.eventBusName} ${e['detail-type']}`))).toEqual(
      new Set(['csat default Action Opened']),
    );
  });

  it('should report entries EventBridge refuses, as AWS does, with a 200 and per-entry errors', async () => {
    // Act
    const out = await eventBridgeClient().send(
      new PutEventsCommand({
        Entries: [
          { Source: 'csat', DetailType: 'Action Opened', Detail: '[1]' },
          { Source: 'csat', DetailType: 'Action Opened', Detail: '{"ok":true}' },
        ],
      }),
    );

    // Assert
    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries?.[0]?.ErrorCode).toBe('MalformedDetail');
    expect(out.Entries?.[1]?.EventId).toBeTruthy();
  });

  it('should authorise PutEvents per entry on its bus, with the source and detail type as condition keys', () => {
    // Act
    const requests = authorizationRequests(
      'EventBridge',
      'PutEvents',
      {
        Entries: [
          { Source: 'csat', DetailType: 'Action Opened', Detail: '{}' },
          { Source: 'x', DetailType: 'y', EventBusName: 'other' },
        ],
      },
      { region: 'eu-west-1', verifiedIdentities: [] },
    );

    // Assert
    expect(requests).toEqual([
      {
        action: 'events:PutEvents',
        resource: expect.stringMatching(/^arn:aws:events:eu-west-1:\d{12}:event-bus\/default$/),
        context: { 'events:source': 'csat', 'events:detail-type': 'Action Opened' },
      },
      {
        action: 'events:PutEvents',
        resource: expect.stringMatching(/:event-bus\/other$/),
        context: { 'events:source': 'x', 'events:detail-type': 'y' },
      },
    ]);
    expect(() =>
      authorizationRequests('EventBridge', 'PutRule', {}, { region: 'eu-west-1', verifiedIdentities: [] }),
    ).toThrow(/no IAM mapping/);
  });
});
