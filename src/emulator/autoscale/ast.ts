import type { Position } from './errors';

/** A formula is statements, each an assignment (`$name = expression`) or a bare expression. */
export type Statement = (Assignment | { kind: 'expression'; expression: Expression }) & { at: Position };

export interface Assignment {
  kind: 'assignment';
  name: string;
  expression: Expression;
}

export type Expression = (
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'name'; name: string }
  | { kind: 'unary'; operator: '-' | '!'; operand: Expression }
  | { kind: 'binary'; operator: string; left: Expression; right: Expression }
  | { kind: 'conditional'; condition: Expression; then: Expression; otherwise: Expression }
  | { kind: 'call'; name: string; args: Expression[] }
  | { kind: 'method'; target: Expression; name: string; args: Expression[] }
  | { kind: 'member'; target: Expression; name: string }
) & { at: Position };
