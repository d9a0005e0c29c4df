/** Batch's facts about a task, as the Batch gateway reports them. */
export interface TaskObservation {
  state: 'active' | 'preparing' | 'running' | 'completed';
  exitCode?: number;
  result?: 'success' | 'failure';
  failure?: {
    category?: string;
    code?: string;
    message?: string;
    /** The blob a download or upload failure is about (Batch's FilePath detail): its container and name, never its URL's SAS. */
    blob?: { container: string; name: string };
  };
  startTime?: string;
  endTime?: string;
  /** Times Batch reran the task after a nonzero exit (MaxRetries) in its latest round. */
  retryCount?: number;
  /** Times Batch requeued the task (a preempted, lost or removed node); it only grows. */
  requeueCount?: number;
  /** Set when the job was terminated (e.g. by an abort) before the task ended. */
  jobTerminateReason?: string;
  /** Known only when the job was looked at too. */
  jobCompleted?: boolean;
}
