import type { Expression, Statement } from './ast';
import { FormulaSyntaxError } from './errors';
import { tokenize, type Token } from './lexer';

/** Binary operators by precedence, loosest first; all associate to the left. */
const LEVELS = [['||'], ['&&'], ['==', '!='], ['<', '<=', '>', '>='], ['+', '-'], ['*', '/', '%']];

/**
 * Reads an autoscale formula: statements separated by `;` (a trailing `;` is allowed), each
 * `$name = expression` or an expression; expressions with `?:`, `|| &&`, comparisons,
 * `+ - * / %`, unary `- !`, calls `f(…)`, methods `$x.GetSample(…)` and members `$t.hour`.
 */
export function parseFormula(formula: string): Statement[] {
  return new Parser(tokenize(formula)).formula();
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  formula(): Statement[] {
    const statements: Statement[] = [];
    while (!this.at('end')) {
      if (this.accept(';')) continue;
      statements.push(this.statement());
      if (!this.at('end')) this.expect(';');
    }
    if (!statements.length) throw new FormulaSyntaxError(this.peek(), 'The formula has no statement');
    return statements;
  }

  private statement(): Statement {
    const first = this.peek();
    const next = this.tokens[this.index + 1];
    if (first.kind === 'name' && next?.kind === 'operator' && next.text === '=') {
      if (!first.text.startsWith('$')) throw new FormulaSyntaxError(first, `'${first.text}' cannot be assigned: variable names start with $`);
      this.index += 2;
      return { kind: 'assignment', name: first.text, expression: this.expression(), at: first };
    }
    return { kind: 'expression', expression: this.expression(), at: first };
  }

  private expression(): Expression {
    const condition = this.binary(0);
    const question = this.peek();
    if (!this.accept('?')) return condition;
    const then = this.expression();
    this.expect(':');
    return { kind: 'conditional', condition, then, otherwise: this.expression(), at: question };
  }

  private binary(level: number): Expression {
    if (level === LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'operator' || !LEVELS[level].includes(token.text)) return left;
      this.index++;
      left = { kind: 'binary', operator: token.text, left, right: this.binary(level + 1), at: token };
    }
  }

  private unary(): Expression {
    const token = this.peek();
    if (token.kind === 'operator' && (token.text === '-' || token.text === '!')) {
      this.index++;
      return { kind: 'unary', operator: token.text, operand: this.unary(), at: token };
    }
    return this.postfix(this.primary());
  }

  private postfix(target: Expression): Expression {
    for (;;) {
      const dot = this.peek();
      if (!this.accept('.')) return target;
      const name = this.take();
      if (name.kind !== 'name' || name.text.startsWith('$')) throw new FormulaSyntaxError(name, 'A method or property name is expected after .');
      target = this.accept('(') ? { kind: 'method', target, name: name.text, args: this.args(), at: dot } : { kind: 'member', target, name: name.text, at: dot };
    }
  }

  private primary(): Expression {
    const token = this.take();
    if (token.kind === 'number') return { kind: 'number', value: Number(token.text), at: token };
    if (token.kind === 'string') return { kind: 'string', value: token.text, at: token };
    if (token.kind === 'name') {
      if (this.accept('(')) return { kind: 'call', name: token.text, args: this.args(), at: token };
      return { kind: 'name', name: token.text, at: token };
    }
    if (token.kind === 'operator' && token.text === '(') {
      const inner = this.expression();
      this.expect(')');
      return inner;
    }
    throw new FormulaSyntaxError(token, token.kind === 'end' ? 'The formula ends where an expression is expected' : `Unexpected '${token.text}'`);
  }

  /** Arguments after `(`, up to and including `)`. */
  private args(): Expression[] {
    const args: Expression[] = [];
    if (this.accept(')')) return args;
    do args.push(this.expression());
    while (this.accept(','));
    this.expect(')');
    return args;
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private take(): Token {
    const token = this.tokens[this.index];
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private at(kind: Token['kind']): boolean {
    return this.peek().kind === kind;
  }

  private accept(operator: string): boolean {
    const token = this.peek();
    if (token.kind !== 'operator' || token.text !== operator) return false;
    this.index++;
    return true;
  }

  private expect(operator: string): void {
    const token = this.peek();
    if (!this.accept(operator)) {
      throw new FormulaSyntaxError(token, `'${operator}' is expected${token.kind === 'end' ? ' before the end of the formula' : `, not '${token.text}'`}`);
    }
  }
}
