import type { Statement } from './ast';
import { FormulaSyntaxError } from './errors';
import { evaluate, type FormulaInputs } from './evaluator';
import { parseFormula } from './parser';
import { formatValue } from './values';

export { FormulaSyntaxError } from './errors';
export type { FormulaInputs } from './evaluator';
export type { SampleSeries } from './values';

/** What one evaluation gives: Batch's AutoScaleRun (`results`, `error`) and, without error, the targets to apply. */
export interface FormulaRun {
  results: string;
  error?: { code: 'AutoScalingFormulaEvaluationError'; message: string; values: Array<{ name: string; value: string }> };
  targets?: { dedicated: number; lowPriority: number; nodeDeallocationOption: 'requeue' | 'terminate' | 'taskcompletion' | 'retaineddata' };
}

/** Parses a formula; a formula Batch cannot read throws FormulaSyntaxError (its message says where). */
export function compileFormula(formula: string): Statement[] {
  return parseFormula(formula);
}

/** Evaluates a compiled formula against the pool's inputs. */
export function runFormula(statements: Statement[], inputs: FormulaInputs): FormulaRun {
  const evaluation = evaluate(statements, inputs);
  const results = evaluation.variables.map(([name, value]) => `${name}=${formatValue(value)}`).join(';');
  if (evaluation.error) {
    return {
      results,
      error: {
        code: 'AutoScalingFormulaEvaluationError',
        message: 'The specified auto-scaling formula has evaluation error',
        values: [{ name: 'Message', value: evaluation.error.message }],
      },
    };
  }
  const get = (name: string) => evaluation.variables.find(([key]) => key === name)![1];
  const numberOf = (name: string): number => {
    const value = get(name);
    return value.type === 'double' ? Math.round(value.value) : 0;
  };
  const option = get('$NodeDeallocationOption');
  return {
    results,
    targets: {
      dedicated: numberOf('$TargetDedicatedNodes'),
      lowPriority: numberOf('$TargetLowPriorityNodes'),
      nodeDeallocationOption: (option.type === 'string' ? option.value.toLowerCase() : 'requeue') as NonNullable<FormulaRun['targets']>['nodeDeallocationOption'],
    },
  };
}

export function isFormulaSyntaxError(error: unknown): error is FormulaSyntaxError {
  return error instanceof FormulaSyntaxError;
}
