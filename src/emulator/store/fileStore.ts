import fs from 'node:fs';
import path from 'node:path';
import type { JobRecord, NodeRecord, PoolRecord, TaskRecord } from '../model/types';
import { MemoryStore } from './memoryStore';

type JournalEntry =
  | { op: 'pool'; record: PoolRecord }
  | { op: 'node'; record: NodeRecord }
  | { op: 'job'; record: JobRecord }
  | { op: 'task'; record: TaskRecord }
  | { op: 'deletePool'; id: string }
  | { op: 'deleteNode'; poolId: string; id: string }
  | { op: 'deleteJob'; id: string }
  | { op: 'deleteTask'; jobId: string; id: string };

interface Snapshot {
  version: 1;
  pools: PoolRecord[];
  nodes: NodeRecord[];
  jobs: JobRecord[];
  tasks: TaskRecord[];
}

/** Journal lines after which the journal is folded into a new snapshot. */
const COMPACT_AFTER_ENTRIES = 100_000;
const FLUSH_DELAY_MS = 20;

/**
 * The in-memory store plus a write-ahead journal in `<dataDir>/state/`: every save
 * appends one JSON line; on open the snapshot is loaded, the journal replayed, and
 * both folded into a fresh snapshot. Writes are batched; `flush()` makes them durable
 * (the HTTP layer awaits it before acknowledging a change).
 */
export class FileStore extends MemoryStore {
  private pending: string[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private journalEntries = 0;
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly log: (line: string) => void,
  ) {
    super();
  }

  static open(dataDir: string, log: (line: string) => void): FileStore {
    const store = new FileStore(path.join(dataDir, 'state'), log);
    fs.mkdirSync(store.dir, { recursive: true });
    store.load();
    store.writeSnapshotSync();
    return store;
  }

  private get snapshotPath(): string {
    return path.join(this.dir, 'snapshot.json');
  }
  private get journalPath(): string {
    return path.join(this.dir, 'journal.ndjson');
  }

  private load(): void {
    if (fs.existsSync(this.snapshotPath)) {
      const snapshot = JSON.parse(fs.readFileSync(this.snapshotPath, 'utf8')) as Snapshot;
      for (const pool of snapshot.pools) super.savePool(pool);
      for (const node of snapshot.nodes) super.saveNode(node);
      for (const job of snapshot.jobs) super.saveJob(job);
      for (const task of snapshot.tasks) super.saveTask(task);
    }
    if (fs.existsSync(this.journalPath)) {
      const lines = fs.readFileSync(this.journalPath, 'utf8').split('\n');
      for (const [index, line] of lines.entries()) {
        if (!line.trim()) continue;
        let entry: JournalEntry;
        try {
          entry = JSON.parse(line) as JournalEntry;
        } catch {
          // Only the last line can be torn (the process died mid-write); anything else is damage worth a word.
          if (index < lines.length - 2) this.log(`batch emulator: skipped unreadable journal line ${index + 1} in ${this.journalPath}`);
          continue;
        }
        this.apply(entry);
      }
    }
    for (const job of this.jobs.values()) this.sequence = Math.max(this.sequence, job.seq);
    for (const tasks of this.tasks.values()) for (const task of tasks.values()) this.sequence = Math.max(this.sequence, task.seq);
  }

  private apply(entry: JournalEntry): void {
    switch (entry.op) {
      case 'pool':
        return super.savePool(entry.record);
      case 'node':
        return super.saveNode(entry.record);
      case 'job':
        return super.saveJob(entry.record);
      case 'task':
        return super.saveTask(entry.record);
      case 'deletePool':
        return super.deletePool(entry.id);
      case 'deleteNode':
        return super.deleteNode(entry.poolId, entry.id);
      case 'deleteJob':
        return super.deleteJob(entry.id);
      case 'deleteTask':
        return super.deleteTask(entry.jobId, entry.id);
    }
  }

  private snapshot(): Snapshot {
    const nodes: NodeRecord[] = [];
    for (const pool of this.nodes.values()) nodes.push(...pool.values());
    const tasks: TaskRecord[] = [];
    for (const job of this.tasks.values()) tasks.push(...job.values());
    return { version: 1, pools: [...this.pools.values()], nodes, jobs: [...this.jobs.values()], tasks };
  }

  private writeSnapshotSync(): void {
    const temporary = `${this.snapshotPath}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(this.snapshot()));
    fs.renameSync(temporary, this.snapshotPath);
    fs.writeFileSync(this.journalPath, '');
    this.journalEntries = 0;
  }

  private record(entry: JournalEntry): void {
    if (this.closed) return;
    this.pending.push(JSON.stringify(entry));
    this.flushTimer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
  }

  override savePool(pool: PoolRecord): void {
    super.savePool(pool);
    this.record({ op: 'pool', record: pool });
  }
  override deletePool(id: string): void {
    super.deletePool(id);
    this.record({ op: 'deletePool', id });
  }
  override saveNode(node: NodeRecord): void {
    super.saveNode(node);
    this.record({ op: 'node', record: node });
  }
  override deleteNode(poolId: string, nodeId: string): void {
    super.deleteNode(poolId, nodeId);
    this.record({ op: 'deleteNode', poolId, id: nodeId });
  }
  override saveJob(job: JobRecord): void {
    super.saveJob(job);
    this.record({ op: 'job', record: job });
  }
  override deleteJob(id: string): void {
    super.deleteJob(id);
    this.record({ op: 'deleteJob', id });
  }
  override saveTask(task: TaskRecord): void {
    super.saveTask(task);
    this.record({ op: 'task', record: task });
  }
  override deleteTask(jobId: string, taskId: string): void {
    super.deleteTask(jobId, taskId);
    this.record({ op: 'deleteTask', jobId, id: taskId });
  }

  override flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.length === 0) return this.writing;
    const lines = this.pending;
    this.pending = [];
    this.writing = this.writing.then(async () => {
      try {
        await fs.promises.appendFile(this.journalPath, lines.join('\n') + '\n');
        this.journalEntries += lines.length;
        if (this.journalEntries > COMPACT_AFTER_ENTRIES && !this.closed) this.writeSnapshotSync();
      } catch (error) {
        this.log(`batch emulator: could not write the state journal ${this.journalPath}: ${(error as Error).message}`);
      }
    });
    return this.writing;
  }

  override async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }
}
