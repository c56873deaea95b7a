import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE } from '../domain/actions/event-types.ts';
import type { CsatEvent } from '../domain/actions/events.ts';
import type { EventPublisher } from '../domain/actions/ports.ts';

/** PutEvents takes at most 10 entries a call. */
const MAX_ENTRIES = 10;

/** Some entries were refused (EventBridge answers 200 and lists them): the error names the codes only. */
export class EventsNotPublishedError extends Error {
  constructor(readonly codes: string[]) {
    super(`EventBridge refused ${codes.length} event(s): ${[...new Set(codes)].join(', ')}`);
    this.name = 'EventsNotPublishedError';
  }
}

/** csat's events on an EventBridge bus (the account's default bus unless `busName`), source `csat`. */
export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName = 'default',
  ) {}

  async publish(events: readonly CsatEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += MAX_ENTRIES) {
      const chunk = events.slice(i, i + MAX_ENTRIES);
      const out = await this.client.send(
        new PutEventsCommand({
          Entries: chunk.map((e) => ({
            EventBusName: this.busName,
            Source: EVENT_SOURCE,
            DetailType: e.detailType,
            Detail: JSON.stringify(e.detail),
          })),
        }),
      );
      if (out.FailedEntryCount) {
        throw new EventsNotPublishedError(
          (out.Entries ?? []).filter((e) => e.ErrorCode).map((e) => e.ErrorCode ?? 'unknown'),
        );
      }
    }
  }
}
