/** What a retry reads of the run it retries (an activity fetches it from Temporal). */
export interface PreviousRun {
  /** The job's own input (a retry's input is followed back to the run that had one). */
  input: unknown;
  /** The run's final state, from its memo. */
  state: unknown;
  /** The type of the run retried (e.g. the reconciler's `closeOrphanedJob`). */
  workflowType?: string;
}
