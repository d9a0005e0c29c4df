import { FormulaSyntaxError, type Position } from './errors';

export type TokenKind = 'number' | 'string' | 'name' | 'operator' | 'end';

export interface Token extends Position {
  kind: TokenKind;
  text: string;
}

/** Longest first, so `<=` is not read as `<` then `=`. */
const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '+', '-', '*', '/', '%', '(', ')', ',', ';', '=', '<', '>', '!', '?', ':', '.'];
const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^\$?[A-Za-z_][A-Za-z0-9_]*/;

/** Splits a formula into tokens, each with its line and column (1-based, as Batch counts them). */
export function tokenize(formula: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let col = 1;
  let i = 0;
  const advance = (count: number): void => {
    for (let k = 0; k < count; k++) {
      if (formula[i + k] === '\n') {
        line++;
        col = 1;
      } else col++;
    }
    i += count;
  };
  while (i < formula.length) {
    const rest = formula.slice(i);
    const char = formula[i];
    if (/\s/.test(char)) {
      advance(1);
      continue;
    }
    const start = { line, col };
    const number = NUMBER.exec(rest);
    if (number && !(char === '.' && !/\d/.test(rest[1] ?? ''))) {
      tokens.push({ kind: 'number', text: number[0], ...start });
      advance(number[0].length);
      continue;
    }
    const name = NAME.exec(rest);
    if (name) {
      tokens.push({ kind: 'name', text: name[0], ...start });
      advance(name[0].length);
      continue;
    }
    if (char === '"') {
      const end = formula.indexOf('"', i + 1);
      if (end < 0) throw new FormulaSyntaxError(start, 'The string is not closed with "');
      tokens.push({ kind: 'string', text: formula.slice(i + 1, end), ...start });
      advance(end - i + 1);
      continue;
    }
    const operator = OPERATORS.find((candidate) => rest.startsWith(candidate));
    if (!operator) throw new FormulaSyntaxError(start, `Unexpected character '${char}'`);
    tokens.push({ kind: 'operator', text: operator, ...start });
    advance(operator.length);
  }
  tokens.push({ kind: 'end', text: '', line, col });
  return tokens;
}
