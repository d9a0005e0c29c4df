/**
 * Runs inside the task (bundled together with the user's module): reads the
 * arguments, calls the export, writes `result.json` and `evaluation.json`.
 * Exit codes: 0 success, 1 the function threw, 2 bad export, 3 result not JSON.
 */
import fs from 'node:fs';
import { toStrictJson } from '../model/json';
import { evaluationFileName, processorCountVariable, resultFileName } from '../model/conventions';
import { scriptArgsFileName, defaultExportName } from '../model/scriptJob';
import { elementFileVariable, inlineElementVariable, spanSizeVariable } from '../model/arrayJob';

export interface LoggedMessage {
  level: 'log' | 'info' | 'warn' | 'error';
  time: string;
  text: string;
}

export interface ScriptJobContext {
  processorCount: number;
  jobId?: string;
  taskId?: string;
}

const maxMessages = 1000;

function captureConsole(messages: LoggedMessage[]): void {
  for (const level of ['log', 'info', 'warn', 'error'] as const) {
    const original = console[level].bind(console);
    console[level] = (...parts: unknown[]) => {
      if (messages.length < maxMessages) {
        messages.push({ level, time: new Date().toISOString(), text: parts.map(formatPart).join(' ') });
      }
      original(...parts);
    };
  }
}

function formatPart(part: unknown): string {
  if (typeof part === 'string') return part;
  try {
    return JSON.stringify(part) ?? String(part);
  } catch {
    return String(part);
  }
}

/** The result as JSON, or a TypeError saying which part of it is not JSON-serialisable. */
export function serializeResult(value: unknown): string {
  try {
    return toStrictJson(value, 'result');
  } catch (error) {
    throw new TypeError(`the result is not JSON-serialisable: ${(error as Error).message.replace(/, which is not JSON-serialisable$/, '')}`);
  }
}

export async function runScriptJob(userModule: Record<string, unknown>): Promise<void> {
  const exportName = process.argv[2] || defaultExportName;
  const messages: LoggedMessage[] = [];
  const startedAt = new Date();
  const writeEvaluation = (extra: Record<string, unknown>) => {
    const endedAt = new Date();
    fs.writeFileSync(
      evaluationFileName,
      JSON.stringify({
        timing: { startedAt: startedAt.toISOString(), endedAt: endedAt.toISOString(), durationMs: endedAt.getTime() - startedAt.getTime() },
        messages,
        ...extra,
      }),
    );
  };

  const exported = exportName === 'default' ? (userModule.default ?? userModule) : userModule[exportName];
  const fn = typeof exported === 'function' ? exported : (exported as { default?: unknown })?.default;
  if (typeof fn !== 'function') {
    const message = `The script has no function export named '${exportName}'.`;
    console.error(message);
    writeEvaluation({ error: message });
    process.exitCode = 2;
    return;
  }

  captureConsole(messages);
  const elementFile = process.env[elementFileVariable];
  const spanSize = Number(process.env[spanSizeVariable] ?? 1);
  // An array child's element is inline in its environment when small, else in its element file.
  const elementText = elementFile ? (process.env[inlineElementVariable] ?? fs.readFileSync(elementFile, 'utf8')) : undefined;
  // It calls the function with its element, or once per element of its span.
  const calls: unknown[][] =
    elementText !== undefined
      ? spanSize > 1
        ? (JSON.parse(elementText) as unknown[]).map((element) => [element])
        : [[JSON.parse(elementText)]]
      : [fs.existsSync(scriptArgsFileName) ? JSON.parse(fs.readFileSync(scriptArgsFileName, 'utf8')) : []];
  const context: ScriptJobContext = {
    processorCount: Number(process.env[processorCountVariable] ?? 1),
    jobId: process.env.AZ_BATCH_JOB_ID,
    taskId: process.env.AZ_BATCH_TASK_ID,
  };
  let result: unknown;
  try {
    const results: unknown[] = [];
    for (const args of calls) results.push(await fn.apply(context, args));
    result = elementFile && spanSize > 1 ? results : results[0];
  } catch (error) {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    writeEvaluation({ error: error instanceof Error ? error.message : String(error) });
    process.exitCode = 1;
    return;
  }
  let text: string;
  try {
    text = serializeResult(result);
  } catch (error) {
    const message = `The job's ${(error as Error).message}.`;
    console.error(message);
    writeEvaluation({ error: message });
    process.exitCode = 3;
    return;
  }
  fs.writeFileSync(resultFileName, text);
  writeEvaluation({});
}
