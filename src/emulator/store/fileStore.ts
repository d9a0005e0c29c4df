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

/** Everything but tasks; version 1 also held every task. */
interface Snapshot {
  version: 1 | 2;
  pools: PoolRecord[];
  nodes: NodeRecord[];
  jobs: JobRecord[];
  tasks?: TaskRecord[];
}

/** Journal lines after which changed task buckets are folded into their files. */
const COMPACT_AFTER_ENTRIES = 100_000;

export interface FileStoreOptions {
  /** Default 100,000. */
  compactAfterEntries?: number;
}
/** Tasks per bucket file, by submission sequence: a compaction rewrites only buckets that changed. */
export const TASKS_PER_BUCKET = 1_000;
const FLUSH_DELAY_MS = 20;

const bucketOf = (task: TaskRecord): number => Math.floor(task.seq / TASKS_PER_BUCKET);

/**
 * The in-memory store plus a write-ahead journal in `<dataDir>/state/`: every save appends one
 * JSON line (batched; `flush()` makes them durable, and the HTTP layer awaits it before
 * acknowledging a change). Tasks rest in bucket files of 1,000 by submission order
 * (`tasks/<n>.json`), everything else in `snapshot.json`. A compaction starts a new journal,
 * rewrites only the buckets changed since the last one, then drops the old journal, so its
 * cost follows the changes, not the size of the state. On open: snapshot, buckets, then the
 * journals are replayed.
 */
export class FileStore extends MemoryStore {
  private pending: string[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private compacting: Promise<void> | undefined;
  /** Kept open between appends (opening the file per batch cost more than writing it). */
  private journal: fs.promises.FileHandle | undefined;
  private journalEntries = 0;
  private dirtyBuckets = new Set<number>();
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly log: (line: string) => void,
    private readonly compactAfterEntries: number,
  ) {
    super();
  }

  static open(dataDir: string, log: (line: string) => void, options: FileStoreOptions = {}): FileStore {
    const store = new FileStore(path.join(dataDir, 'state'), log, options.compactAfterEntries ?? COMPACT_AFTER_ENTRIES);
    fs.mkdirSync(path.join(store.dir, 'tasks'), { recursive: true });
    const replayed = store.load();
    if (replayed || store.dirtyBuckets.size > 0) store.compactSync();
    return store;
  }

  private get snapshotPath(): string {
    return path.join(this.dir, 'snapshot.json');
  }
  private get journalPath(): string {
    return path.join(this.dir, 'journal.ndjson');
  }
  /** The journal a running compaction is folding in; replayed before the current one. */
  private get previousJournalPath(): string {
    return path.join(this.dir, 'journal.compacting.ndjson');
  }
  private bucketPath(bucket: number): string {
    return path.join(this.dir, 'tasks', `${bucket}.json`);
  }

  /** Reads everything back; true when a journal had entries. */
  private load(): boolean {
    if (fs.existsSync(this.snapshotPath)) {
      const snapshot = JSON.parse(fs.readFileSync(this.snapshotPath, 'utf8')) as Snapshot;
      for (const pool of snapshot.pools) super.savePool(pool);
      for (const node of snapshot.nodes) super.saveNode(node);
      for (const job of snapshot.jobs) super.saveJob(job);
      // A version 1 snapshot kept the tasks itself: they move to bucket files now.
      for (const task of snapshot.tasks ?? []) this.applyTask(task);
    }
    for (const name of fs.readdirSync(path.join(this.dir, 'tasks'))) {
      if (!/^\d+\.json$/.test(name)) continue;
      const tasks = JSON.parse(fs.readFileSync(path.join(this.dir, 'tasks', name), 'utf8')) as TaskRecord[];
      for (const task of tasks) super.saveTask(task);
    }
    const replayed = this.replay(this.previousJournalPath) + this.replay(this.journalPath);
    for (const job of this.jobs.values()) this.sequence = Math.max(this.sequence, job.seq);
    for (const tasks of this.tasks.values()) for (const task of tasks.values()) this.sequence = Math.max(this.sequence, task.seq);
    return replayed > 0;
  }

  private replay(file: string): number {
    if (!fs.existsSync(file)) return 0;
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    let count = 0;
    for (const [index, line] of lines.entries()) {
      if (!line.trim()) continue;
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
      } catch {
        // Only the last line can be torn (the process died mid-write); anything else is damage worth a word.
        if (index < lines.length - 2) this.log(`batch emulator: skipped unreadable journal line ${index + 1} in ${file}`);
        continue;
      }
      this.apply(entry);
      count++;
    }
    return count;
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
        return this.applyTask(entry.record);
      case 'deletePool':
        return super.deletePool(entry.id);
      case 'deleteNode':
        return super.deleteNode(entry.poolId, entry.id);
      case 'deleteJob':
        this.markJobBuckets(entry.id);
        return super.deleteJob(entry.id);
      case 'deleteTask':
        this.markTaskBucket(entry.jobId, entry.id);
        return super.deleteTask(entry.jobId, entry.id);
    }
  }

  private applyTask(task: TaskRecord): void {
    super.saveTask(task);
    this.dirtyBuckets.add(bucketOf(task));
  }

  private markTaskBucket(jobId: string, taskId: string): void {
    const task = super.getTask(jobId, taskId);
    if (task) this.dirtyBuckets.add(bucketOf(task));
  }

  private markJobBuckets(jobId: string): void {
    for (const task of super.listTasks(jobId)) this.dirtyBuckets.add(bucketOf(task));
  }

  private metaSnapshot(): Snapshot {
    const nodes: NodeRecord[] = [];
    for (const pool of this.nodes.values()) nodes.push(...pool.values());
    return { version: 2, pools: [...this.pools.values()], nodes, jobs: [...this.jobs.values()] };
  }

  /** The tasks now in each of the given buckets (one pass over the tasks, no copies of the others). */
  private bucketContents(buckets: Set<number>): Map<number, TaskRecord[]> {
    const contents = new Map<number, TaskRecord[]>();
    for (const bucket of buckets) contents.set(bucket, []);
    for (const job of this.tasks.values()) {
      for (const task of job.values()) contents.get(bucketOf(task))?.push(task);
    }
    return contents;
  }

  /** At open, before anything else runs: fold the journals in and start an empty one. */
  private compactSync(): void {
    for (const [bucket, tasks] of this.bucketContents(this.dirtyBuckets)) {
      if (tasks.length === 0) fs.rmSync(this.bucketPath(bucket), { force: true });
      else writeFileAtomicSync(this.bucketPath(bucket), JSON.stringify(tasks));
    }
    this.dirtyBuckets.clear();
    writeFileAtomicSync(this.snapshotPath, JSON.stringify(this.metaSnapshot()));
    fs.writeFileSync(this.journalPath, '');
    fs.rmSync(this.previousJournalPath, { force: true });
    this.journalEntries = 0;
  }

  /** Resolves when no compaction runs (tests and shutdown). */
  compacted(): Promise<void> {
    return this.compacting ?? Promise.resolve();
  }

  /**
   * Called between journal appends: the journal so far becomes the previous one, appends go
   * to a fresh journal, and the changed buckets are written in the background, one at a time.
   */
  private async startCompaction(): Promise<void> {
    if (this.compacting) return;
    await this.journal?.close();
    this.journal = undefined;
    if (fs.existsSync(this.previousJournalPath)) {
      // The last compaction failed and its journal is still needed: this one goes after it.
      fs.appendFileSync(this.previousJournalPath, fs.readFileSync(this.journalPath));
    } else {
      fs.renameSync(this.journalPath, this.previousJournalPath);
    }
    fs.writeFileSync(this.journalPath, '');
    this.journalEntries = 0;
    const dirty = this.dirtyBuckets;
    this.dirtyBuckets = new Set();
    this.compacting = (async () => {
      for (const [bucket, tasks] of this.bucketContents(dirty)) {
        if (tasks.length === 0) await fs.promises.rm(this.bucketPath(bucket), { force: true });
        else await writeFileAtomic(this.bucketPath(bucket), JSON.stringify(tasks));
      }
      await writeFileAtomic(this.snapshotPath, JSON.stringify(this.metaSnapshot()));
      await fs.promises.rm(this.previousJournalPath, { force: true });
    })()
      .catch((error: Error) => {
        // The previous journal stays, so nothing is lost; its buckets are tried again next time.
        for (const bucket of dirty) this.dirtyBuckets.add(bucket);
        this.log(`batch emulator: could not compact the state in ${this.dir}: ${error.message}`);
      })
      .finally(() => {
        this.compacting = undefined;
      });
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
    this.markJobBuckets(id);
    super.deleteJob(id);
    this.record({ op: 'deleteJob', id });
  }
  override saveTask(task: TaskRecord): void {
    this.applyTask(task);
    this.record({ op: 'task', record: task });
  }
  override deleteTask(jobId: string, taskId: string): void {
    this.markTaskBucket(jobId, taskId);
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
        this.journal ??= await fs.promises.open(this.journalPath, 'a');
        await this.journal.appendFile(lines.join('\n') + '\n');
        this.journalEntries += lines.length;
        if (this.journalEntries > this.compactAfterEntries && !this.closed) await this.startCompaction();
      } catch (error) {
        this.log(`batch emulator: could not write the state journal ${this.journalPath}: ${(error as Error).message}`);
      }
    });
    return this.writing;
  }

  override async close(): Promise<void> {
    await this.flush();
    await this.compacted();
    this.closed = true;
    await this.journal?.close();
    this.journal = undefined;
  }
}

function writeFileAtomicSync(file: string, text: string): void {
  fs.writeFileSync(`${file}.tmp`, text);
  fs.renameSync(`${file}.tmp`, file);
}

async function writeFileAtomic(file: string, text: string): Promise<void> {
  await fs.promises.writeFile(`${file}.tmp`, text);
  await fs.promises.rename(`${file}.tmp`, file);
}
