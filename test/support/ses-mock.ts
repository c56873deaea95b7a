import { GetSendQuotaCommand } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { sesClient } from '../../functions/adapters/ses-client.ts';

/**
 * The handlers' SES client mocked to inject what the local SES endpoint cannot produce (a 500, a socket
 * reset, a refusal), and still answering GetSendQuota as the endpoint does (1,000 a second, 1,000,000 a
 * day): the pacer asks again whenever its cached quota is older than five minutes, which a slow run
 * reaches, and an unmocked command would answer nothing.
 */
export function mockSes() {
  const mock = mockClient(sesClient());
  mock.on(GetSendQuotaCommand).resolves({ MaxSendRate: 1000, Max24HourSend: 1_000_000, SentLast24Hours: 0 });
  return mock;
}
