/** How a script job is laid out in the task's working directory and started. */
export const scriptBundleFileName = 'remote-batch-job.js';
export const scriptArgsFileName = 'remote-batch-args.json';
/** The export called when the caller names none. */
export const defaultExportName = 'default';

const exportNamePattern = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function isValidExportName(name: string): boolean {
  return exportNamePattern.test(name);
}

/** No shell: Batch runs the command line as an argument vector. */
export function scriptCommandLine(exportName: string = defaultExportName): string {
  return `node ${scriptBundleFileName} ${exportName}`;
}
