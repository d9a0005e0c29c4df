import { InvalidArgumentError } from 'commander';
import { closestName } from '../model/errors';
import { environmentVariableNameProblem } from '../model/settings';
import { nameProblem, parseLabelAssignment, parseNamePattern } from '../model/labels';

/** Arguments of a script job: JSON where it parses (12, true, {"a":1}, "\"12\""), plain text otherwise. */
export function parseScriptArgument(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// Decimal numbers as people write them; Number() would also read 0x1, 0b1, 1_0 (no), '', ' 1 ' and Infinity.
const decimalNumber = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const wholeNumber = /^\+?\d+$/;

/** A number flag; commander reports the error as "option '--x <n>' argument '…' is invalid. <message>". */
export function numberOption(what: string) {
  return (text: string): number => {
    if (!decimalNumber.test(text)) throw new InvalidArgumentError(`${what} must be a number written in decimal, such as 2 or 0.5; got '${text}'.`);
    return Number(text);
  };
}

/** Seconds (--timeout, --retry-window): a decimal number above 0, or 0 or more when `allowed` says so. */
export function secondsOption(what: string, allowed: 'positive' | 'zero or more' = 'positive') {
  return (text: string): number => {
    const value = decimalNumber.test(text) ? Number(text) : NaN;
    if (!(allowed === 'positive' ? value > 0 : value >= 0) || !Number.isFinite(value)) {
      throw new InvalidArgumentError(`${what} must be a number of seconds ${allowed === 'positive' ? 'above 0' : '(0 or more)'}, such as 30 or 1.5; got '${text}'.`);
    }
    return value;
  };
}

export function positiveIntegerOption(what: string, max?: number) {
  return (text: string): number => {
    const value = wholeNumber.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(value) || value < 1 || (max !== undefined && value > max)) {
      throw new InvalidArgumentError(`${what} must be a whole number ${max !== undefined ? `from 1 to ${max}` : 'of at least 1'}; got '${text}'.`);
    }
    return value;
  };
}

/** A whole number flag whose range the settings check (MaxParallel, `throttle`): only its form is checked here. */
export function wholeNumberText(text: string): number | undefined {
  return wholeNumber.test(text) ? Number(text) : undefined;
}

/** Repeatable `--env NAME=VALUE`, collected into an object. */
export function environmentAssignment(text: string, previous: Record<string, string> = {}): Record<string, string> {
  const equals = text.indexOf('=');
  if (equals <= 0) throw new InvalidArgumentError(`expected NAME=VALUE, such as MY_VAR=1; got '${text}'.`);
  const name = text.slice(0, equals);
  const problem = environmentVariableNameProblem(name);
  if (problem) throw new InvalidArgumentError(problem);
  return { ...previous, [name]: text.slice(equals + 1) };
}

/** Repeatable string flags. */
export function collect(text: string, previous: string[] = []): string[] {
  return [...previous, text];
}

/** `--after`: job ids, comma-separated, the flag repeatable; each id is checked with the rest of the input. */
export function jobIdList(text: string, previous: string[] = []): string[] {
  const ids = text.split(',').map((id) => id.trim());
  if (ids.some((id) => id === '')) throw new InvalidArgumentError('job ids go separated by commas, e.g. rb-1a2b,rb-3c4d.');
  return [...previous, ...ids];
}

/** One of a fixed set of words, case-insensitively, spelled back the canonical way. */
export function choiceOption<T extends string>(what: string, choices: readonly T[]) {
  return (text: string): T => {
    const found = choices.find((choice) => choice.toLowerCase() === text.toLowerCase());
    if (found) return found;
    const suggestion = closestName(text, choices);
    throw new InvalidArgumentError(`${what} must be one of ${choices.join(', ')}.${suggestion ? ` Did you mean ${suggestion}?` : ''}`);
  };
}

/** A repeatable flag whose every value goes through `parse`. */
export function collectChoices<T>(parse: (text: string) => T) {
  return (text: string, previous: T[] = []): T[] => [...previous, parse(text)];
}

/** `--name`: a job's name, checked before anything is reached. */
export function jobNameOption(text: string): string {
  const problem = nameProblem(text);
  if (problem) throw new InvalidArgumentError(problem);
  return text;
}

/** Repeatable `--label KEY=VALUE`, collected into an object; refused, naming what is wrong, when Temporal or Batch could not hold it. */
export function labelAssignment(text: string, previous: Record<string, string> = {}): Record<string, string> {
  try {
    const [key, value] = parseLabelAssignment(text);
    return { ...previous, [key]: value };
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** `ls --name`: a name, or the start of one and `*`. */
export function namePatternOption(text: string): string {
  try {
    parseNamePattern(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return text;
}

/** `137,143,200-210`: exit codes and ranges, as RetryOn takes them (their range is checked with the other settings). */
export function exitCodeList(text: string): (number | { Start: number; End: number })[] {
  return text.split(',').map((part) => {
    const word = part.trim();
    const range = /^(\d+)-(\d+)$/.exec(word);
    if (range) return { Start: Number(range[1]), End: Number(range[2]) };
    if (!/^-?\d+$/.test(word)) throw new InvalidArgumentError(`'${word}' is not an exit code or a range such as 130-143; give a comma-separated list (137,143,200-210).`);
    return Number(word);
  });
}
