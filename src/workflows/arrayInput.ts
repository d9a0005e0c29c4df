import { type ArrayJobInput, childCountOf, maxArrayChildren, maxArrayElements } from '../model/arrayJob';
import { invalid } from './jobSetup';

const isWhole = (value: unknown, least: number): value is number => typeof value === 'number' && Number.isInteger(value) && value >= least;

/**
 * The array's own fields, checked before anything is created. A bad one fails
 * the workflow at once (non-retryable InvalidInput naming the field), rather
 * than failing its workflow task again and again.
 */
export function validateArrayInput(input: ArrayJobInput): void {
  if (!isWhole(input.elementCount, 1) || input.elementCount > maxArrayElements) {
    throw invalid(`elementCount must be a whole number from 1 to ${maxArrayElements}; got ${JSON.stringify(input.elementCount)}.`);
  }
  if (input.spanSize !== undefined && !isWhole(input.spanSize, 1)) {
    throw invalid(`spanSize must be a whole number of elements per child, at least 1; got ${JSON.stringify(input.spanSize)}.`);
  }
  const children = childCountOf(input.elementCount, input.spanSize ?? 1);
  if (children > maxArrayChildren) {
    throw invalid(`elementCount ${input.elementCount} in spans of ${input.spanSize ?? 1} makes ${children} children; an array job has at most ${maxArrayChildren}.`);
  }
  if (input.turnsPerRun !== undefined && !isWhole(input.turnsPerRun, 1)) {
    throw invalid(`turnsPerRun must be a whole number, at least 1; got ${JSON.stringify(input.turnsPerRun)}.`);
  }
}
