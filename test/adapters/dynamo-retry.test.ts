import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { isThrottling, retryThrottled } from '../../functions/adapters/dynamo-retry.ts';
import { StoreBusyError } from '../../functions/domain/store-busy.ts';

const throttle = () => new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} });
const named = (name: string) => Object.assign(new Error(name), { name });

describe('retryThrottled', () => {
  it('should know the three throttling answers and nothing else', () => {
    for (const name of [
      'ProvisionedThroughputExceededException',
      'ThrottlingException',
      'RequestLimitExceeded',
    ])
      expect(isThrottling(named(name))).toBe(true);
    for (const e of [named('ConditionalCheckFailedException'), named('TimeoutError'), undefined, 'x'])
      expect(isThrottling(e)).toBe(false);
    expect(isThrottling(throttle())).toBe(true);
  });

  it('should retry while throttled and return the first success', async () => {
    // Arrange
    let calls = 0;
    const call = async () => {
      calls += 1;
      if (calls < 3) throw throttle();
      return 'stored';
    };

    // Act
    const result = await retryThrottled(call, { attempts: 4, baseDelayMs: 5, budgetMs: 1_000 });

    // Assert
    expect(result).toBe('stored');
    expect(calls).toBe(3);
  });

  it('should give up after its attempts with StoreBusyError, the throttle as its cause', async () => {
    // Arrange
    let calls = 0;
    const error = throttle();

    // Act
    const run = retryThrottled(
      async () => {
        calls += 1;
        throw error;
      },
      { attempts: 3, baseDelayMs: 5, budgetMs: 1_000 },
    );

    // Assert
    await expect(run).rejects.toBeInstanceOf(StoreBusyError);
    await expect(run).rejects.toMatchObject({ cause: error });
    expect(calls).toBe(3);
  });

  it('should start no attempt after its time budget', async () => {
    // Arrange: a budget shorter than the first wait can be.
    let calls = 0;

    // Act
    const run = retryThrottled(
      async () => {
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw throttle();
      },
      { attempts: 100, baseDelayMs: 5, budgetMs: 10 },
    );

    // Assert
    await expect(run).rejects.toBeInstanceOf(StoreBusyError);
    expect(calls).toBe(1);
  });

  it('should not retry any other error', async () => {
    // Arrange
    let calls = 0;
    const error = named('ConditionalCheckFailedException');

    // Act
    const run = retryThrottled(async () => {
      calls += 1;
      throw error;
    });

    // Assert
    await expect(run).rejects.toBe(error);
    expect(calls).toBe(1);
  });
});
