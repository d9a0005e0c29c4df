/** Where in the formula something went wrong, as Batch reports it: `Line 1, Col 1: …`. */
export interface Position {
  line: number;
  col: number;
}

/** The formula cannot be read (Batch's AutoScalingFormulaSyntaxError). */
export class FormulaSyntaxError extends Error {
  constructor(
    readonly position: Position,
    readonly reason: string,
  ) {
    super(`Line ${position.line}, Col ${position.col}: ${reason}`);
  }
}

/** The formula was read but could not be evaluated (Batch's AutoScalingFormulaEvaluationError). */
export class FormulaEvaluationError extends Error {
  constructor(
    readonly position: Position,
    readonly reason: string,
  ) {
    super(`Line ${position.line}, Col ${position.col}: ${reason}`);
  }
}
