import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTaskState } from '../../src/emulator/model/transitions';
import type { TaskRecord } from '../../src/emulator/model/types';
import { FileStore, TASKS_PER_BUCKET } from '../../src/emulator/store/fileStore';

function newTask(jobId: string, seq: number): TaskRecord {
  const now = new Date().toISOString();
  return {
    jobId,
    id: `t${seq}`,
    spec: { commandLine: 'true', outputFiles: [{ filePattern: '*.txt', destination: { container: { containerUrl: 'http://x/c?sig=s' } }, uploadOptions: { uploadCondition: 'taskcompletion' } }] },
    state: 'active',
    stateTransitionTime: now,
    creationTime: now,
    lastModified: now,
    eTag: '0x1',
    seq,
  };
}

const bucketFiles = (dir: string) => {
  const tasks = path.join(dir, 'state', 'tasks');
  return Object.fromEntries(fs.readdirSync(tasks).map((name) => [name, fs.statSync(path.join(tasks, name)).mtimeMs]));
};

describe('the journaled store', () => {
  test('a compaction rewrites only the task buckets that changed, and everything reads back after a reopen', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-store-test-'));
    try {
      const log: string[] = [];
      const store = FileStore.open(dir, (line) => log.push(line), { compactAfterEntries: 2 * TASKS_PER_BUCKET });
      // Three buckets' worth of tasks: the first compaction writes all three.
      for (let seq = 1; seq <= 3 * TASKS_PER_BUCKET; seq++) store.saveTask(newTask('job', store.nextSequence()));
      await store.flush();
      await store.compacted();
      const first = bucketFiles(dir);
      expect(Object.keys(first).sort()).toEqual(['0.json', '1.json', '2.json', '3.json']);

      // Then only tasks of the middle bucket change, enough times to compact again.
      await new Promise((resolve) => setTimeout(resolve, 20));
      for (let round = 0; round < 3; round++) {
        for (let seq = TASKS_PER_BUCKET; seq < 2 * TASKS_PER_BUCKET; seq++) {
          const task = store.getTask('job', `t${seq}`)!;
          setTaskState(task, round % 2 ? 'active' : 'completed', new Date());
          store.saveTask(task);
        }
        await store.flush();
      }
      await store.compacted();
      const second = bucketFiles(dir);
      expect(second['1.json']).toBeGreaterThan(first['1.json']);
      expect([second['0.json'], second['2.json'], second['3.json']]).toEqual([first['0.json'], first['2.json'], first['3.json']]);
      store.deleteTask('job', 't5');
      await store.close();
      expect(log).toEqual([]);

      const reopened = FileStore.open(dir, () => undefined);
      expect(reopened.listTasks('job')).toHaveLength(3 * TASKS_PER_BUCKET - 1);
      expect(reopened.getTask('job', 't5')).toBeUndefined();
      expect(reopened.getTask('job', `t${TASKS_PER_BUCKET}`)?.state).toBe('completed');
      expect(reopened.getTask('job', `t${2 * TASKS_PER_BUCKET - 1}`)?.state).toBe('completed');
      expect(reopened.getTask('job', 't1')?.spec).toEqual(newTask('job', 1).spec);
      expect(reopened.nextSequence()).toBe(3 * TASKS_PER_BUCKET + 1);
      await reopened.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a version 1 snapshot (every task in snapshot.json) is read and moved into bucket files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-store-test-'));
    try {
      fs.mkdirSync(path.join(dir, 'state'));
      const tasks = [newTask('old', 1), newTask('old', 2)];
      fs.writeFileSync(path.join(dir, 'state', 'snapshot.json'), JSON.stringify({ version: 1, pools: [], nodes: [], jobs: [], tasks }));
      const store = FileStore.open(dir, () => undefined);
      expect(store.listTasks('old').map((task) => task.id)).toEqual(['t1', 't2']);
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'state', 'snapshot.json'), 'utf8')).tasks).toBeUndefined();
      expect(fs.readdirSync(path.join(dir, 'state', 'tasks'))).toEqual(['0.json']);
      await store.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
