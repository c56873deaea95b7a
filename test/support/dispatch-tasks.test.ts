import { describe, expect, it } from 'vitest';
import type { DispatchTask } from '../../functions/domain/selection/task.ts';
import { MemoryDispatchTasks } from './dispatch-tasks.ts';

const task = (shard: number, chunk = 0): DispatchTask => ({
  campaignId: 'demo',
  waveId: 'demo-20260301T0100',
  round: 0,
  shard,
  chunk,
});

describe('Class: MemoryDispatchTasks (test support)', () => {
  it('should run the tasks in order, and the ones they queue, until none is left', async () => {
    // Arrange: each task of chunk 0 queues its shard's chunk 1.
    const tasks = new MemoryDispatchTasks();
    await tasks.enqueue([task(0), task(1)]);

    // Act
    const ran = await tasks.drain(async (t) => {
      if (t.chunk === 0) await tasks.enqueue([task(t.shard, 1)]);
    });

    // Assert
    expect(ran.map((t) => `${t.shard}/${t.chunk}`)).toEqual(['0/0', '1/0', '0/1', '1/1']);
    expect(tasks.queued).toEqual([]);
    expect(tasks.history).toHaveLength(4);
  });

  it('should stop after `limit` tasks with the rest still queued, and go on from there', async () => {
    const tasks = new MemoryDispatchTasks();
    await tasks.enqueue([task(0), task(1), task(2)]);

    expect(await tasks.drain(async () => {}, { limit: 2 })).toHaveLength(2);
    expect(tasks.queued).toEqual([task(2)]);
    expect(await tasks.drain(async () => {})).toEqual([task(2)]);
  });

  it('should keep a task whose run throws first in the queue, as SQS delivers it again', async () => {
    const tasks = new MemoryDispatchTasks();
    await tasks.enqueue([task(0), task(1)]);

    await expect(
      tasks.drain(async (t) => {
        if (t.shard === 1) throw new Error('boom');
      }),
    ).rejects.toThrow('boom');

    expect(tasks.queued).toEqual([task(1)]);
  });

  it('should hold copies: a caller changing its task afterwards changes nothing queued', async () => {
    const tasks = new MemoryDispatchTasks();
    const mine = task(0);
    await tasks.enqueue([mine]);

    mine.shard = 9;

    expect(tasks.queued).toEqual([task(0)]);
  });

  it('should refuse to run forever when tasks keep queuing tasks', async () => {
    const tasks = new MemoryDispatchTasks();
    await tasks.enqueue([task(0)]);

    await expect(
      tasks.drain((t) => tasks.enqueue([task(t.shard, t.chunk + 1)]), { maxTasks: 50 }),
    ).rejects.toThrow(/after 50 ran/);
  });
});
