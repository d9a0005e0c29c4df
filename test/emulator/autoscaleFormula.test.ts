import { compileFormula, runFormula, type FormulaInputs, type FormulaRun } from '../../src/emulator/autoscale/formula';

/** The autoscale formula language on its own: parsing, evaluation, errors, results as Batch writes them. */
const NOW = Date.parse('2024-01-05T06:16:56Z');

function inputs(overrides: Partial<FormulaInputs> = {}): FormulaInputs {
  const series = (values: number[]) => ({ periodMs: 30_000, samples: values.map((value, i) => ({ time: NOW - (values.length - 1 - i) * 30_000, value })) });
  return {
    now: NOW,
    targetDedicatedNodes: 2,
    targetLowPriorityNodes: 0,
    doubles: { $CurrentDedicatedNodes: 2, $CurrentLowPriorityNodes: 0, $TaskSlotsPerNode: 4, $UsableNodeCount: 2, $PreemptedNodeCount: 0 },
    samples: { $ActiveTasks: series([2, 4, 6, 8]), $PendingTasks: series([10, 12]), $CPUPercent: series([50, 70, 90]) },
    random: () => 0.25,
    ...overrides,
  };
}

const run = (formula: string, given = inputs()): FormulaRun => runFormula(compileFormula(formula), given);
const value = (formula: string, name = '$x', given = inputs()): string | undefined => {
  const result = run(formula, given);
  if (result.error) throw new Error(result.error.values[0].value);
  return new Map(result.results.split(';').map((pair) => pair.split('=') as [string, string])).get(name);
};
const errorOf = (formula: string, given = inputs()): string | undefined => run(formula, given).error?.values[0].value;
const syntaxErrorOf = (formula: string): string => {
  try {
    compileFormula(formula);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`'${formula}' parsed`);
};

describe('results', () => {
  test('service variables first, with the pool\'s targets and requeue as start values, then user variables in order', () => {
    expect(run('$TargetDedicatedNodes=3').results).toBe('$TargetDedicatedNodes=3;$TargetLowPriorityNodes=0;$NodeDeallocationOption=requeue');
    expect(run('$b = 1; $a = 2; $TargetLowPriorityNodes = $a + $b').results).toBe('$TargetDedicatedNodes=2;$TargetLowPriorityNodes=3;$NodeDeallocationOption=requeue;$b=1;$a=2');
  });

  test('the targets a run applies: rounded to whole nodes, with the deallocation option', () => {
    expect(run('$TargetDedicatedNodes = 2.6; $TargetLowPriorityNodes = 1; $NodeDeallocationOption = taskcompletion').targets).toEqual({
      dedicated: 3,
      lowPriority: 1,
      nodeDeallocationOption: 'taskcompletion',
    });
  });

  test('an undefined symbol is an evaluation error naming line and column; the results keep the start values', () => {
    expect(run('$something_useless')).toEqual({
      results: '$TargetDedicatedNodes=2;$TargetLowPriorityNodes=0;$NodeDeallocationOption=requeue',
      error: { code: 'AutoScalingFormulaEvaluationError', message: 'The specified auto-scaling formula has evaluation error', values: [{ name: 'Message', value: 'Line 1, Col 1: Undefined symbol: $something_useless' }] },
    });
    expect(errorOf('$a = 1;\n$TargetDedicatedNodes = $a +\n  $missing')).toBe('Line 3, Col 3: Undefined symbol: $missing');
  });

  test('targets must be non-negative numbers and the deallocation option one Batch knows', () => {
    expect(errorOf('$TargetDedicatedNodes = -1')).toMatch(/\$TargetDedicatedNodes must be a number of nodes ≥ 0, not -1/);
    expect(errorOf('$TargetDedicatedNodes = 1 / 0')).toMatch(/\$TargetDedicatedNodes must be a number of nodes/);
    expect(errorOf('$NodeDeallocationOption = "later"')).toMatch(/\$NodeDeallocationOption must be one of requeue, terminate, taskcompletion, retaineddata/);
    expect(run('$NodeDeallocationOption = "Terminate"').targets?.nodeDeallocationOption).toBe('terminate');
  });

  test('read-only service variables cannot be assigned; stop() ends the run where it is', () => {
    expect(errorOf('$CurrentDedicatedNodes = 5')).toMatch(/read-only/);
    expect(run('$TargetDedicatedNodes = 4; stop(); $TargetDedicatedNodes = 9').targets?.dedicated).toBe(4);
  });
});

describe('expressions', () => {
  test.each([
    ['1 + 2 * 3', '7'],
    ['(1 + 2) * 3', '9'],
    ['10 / 4', '2.5'],
    ['10 % 4', '2'],
    ['-3 + 1', '-2'],
    ['2 * -3', '-6'],
    ['1.5e2', '150'],
    ['.5 + .25', '0.75'],
    ['3 > 2', '1'],
    ['3 <= 2', '0'],
    ['2 == 2 && 1 != 1', '0'],
    ['0 || 5', '1'],
    ['!0', '1'],
    ['!3', '0'],
    ['1 < 2 ? 10 : 20', '10'],
    ['0 ? 10 : 1 ? 20 : 30', '20'],
    ['$CurrentDedicatedNodes * $TaskSlotsPerNode', '8'],
  ])('%s is %s', (expression, expected) => {
    expect(value(`$x = ${expression}`)).toBe(expected);
  });

  test('&& and || do not evaluate their right side when the left decides', () => {
    expect(value('$x = 0 && $undefined')).toBe('0');
    expect(value('$x = 1 || $undefined')).toBe('1');
  });

  test('the ternary operator evaluates only the branch it takes', () => {
    expect(value('$x = 1 ? 2 : $undefined')).toBe('2');
  });

  test('doubleVec arithmetic is element by element; mismatched types are evaluation errors', () => {
    expect(value('$x = $ActiveTasks.GetSample(2) * 2')).toBe('[16,12]');
    expect(value('$x = 1 + $ActiveTasks.GetSample(2)')).toBe('[9,7]');
    expect(errorOf('$x = "a" + 1')).toMatch(/\+ does not apply to string and double/);
    expect(errorOf('$x = !"a"')).toMatch(/! applies to a double/);
  });

  test('a sample series is read through its methods, not as a number', () => {
    expect(errorOf('$x = $ActiveTasks + 1')).toBe('Line 1, Col 6: $ActiveTasks is a sample series; read it with GetSample(…)');
  });
});

describe('functions', () => {
  test.each([
    ['avg(2, 4, 6)', '4'],
    ['avg($ActiveTasks.GetSample(4))', '5'],
    ['max($ActiveTasks.GetSample(4), 100)', '100'],
    ['min(3, $ActiveTasks.GetSample(4))', '2'],
    ['sum($ActiveTasks.GetSample(4))', '20'],
    ['count($ActiveTasks.GetSample(3))', '3'],
    ['len(1, 2, 3, 4)', '4'],
    ['range(2, 9, 5)', '7'],
    ['norm(3, 4)', '5'],
    ['std(2, 4, 4, 4, 5, 5, 7, 9)', '2'],
    ['lg(8)', '3'],
    ['ln(1)', '0'],
    ['log(1000)', '3'],
    ['pow(2, 10)', '1024'],
    ['sqrt(81)', '9'],
    ['round(2.5)', '3'],
    ['ceil(2.1)', '3'],
    ['floor(2.9)', '2'],
    ['abs(-4)', '4'],
    ['floor($ActiveTasks.GetSample(2) / 3)', '[2,2]'],
    ['percentile($ActiveTasks.GetSample(4), 50)', '4'],
    ['val($ActiveTasks.GetSample(4), 0)', '8'],
    ['rand()', '0.25'],
  ])('%s is %s', (call, expected) => {
    expect(value(`$x = ${call}`)).toBe(expected);
  });

  test('bad calls are evaluation errors that say why', () => {
    expect(errorOf('$x = avg()')).toMatch(/avg of an empty list/);
    expect(errorOf('$x = nosuch(1)')).toMatch(/Undefined function: nosuch/);
    expect(errorOf('$x = pow(2)')).toMatch(/pow takes two doubles/);
    expect(errorOf('$x = val($ActiveTasks.GetSample(2), 5)')).toMatch(/index 5 is outside the doubleVec of 2/);
    expect(errorOf('$x = avg("a")')).toMatch(/avg takes doubles and doubleVecs, not string/);
  });
});

describe('samples', () => {
  test('GetSample(count) gives the most recent samples first; more than the history has is an error', () => {
    expect(value('$x = $ActiveTasks.GetSample(1)')).toBe('[8]');
    expect(value('$x = $ActiveTasks.GetSample(3)')).toBe('[8,6,4]');
    expect(errorOf('$x = $ActiveTasks.GetSample(10)')).toMatch(/\$ActiveTasks has 4 sample\(s\), fewer than the 10 asked for/);
  });

  test('GetSample(interval) looks back from now; a percentage asks for that much of the interval to be sampled', () => {
    expect(value('$x = $ActiveTasks.GetSample(TimeInterval_Minute)')).toBe('[8,6]');
    expect(value('$x = $ActiveTasks.GetSample(TimeInterval_Minute * 2, TimeInterval_Second * 15)')).toBe('[6,4,2]');
    expect(value('$x = $ActiveTasks.GetSample(TimeInterval_Minute * 2, 100)')).toBe('[8,6,4,2]');
    expect(errorOf('$x = $ActiveTasks.GetSample(TimeInterval_Minute * 10, 70)')).toMatch(/samples for 20% of the time asked for, less than the 70% required/);
  });

  test('GetSamplePercent, Count, GetSamplePeriod and HistoryBeginTime describe the history', () => {
    expect(value('$x = $ActiveTasks.GetSamplePercent(TimeInterval_Minute * 4)')).toBe('50');
    expect(value('$x = $ActiveTasks.Count()')).toBe('4');
    expect(value('$x = $ActiveTasks.GetSamplePeriod()')).toBe('PT30S');
    expect(value('$x = $ActiveTasks.HistoryBeginTime()')).toBe(new Date(NOW - 90_000).toISOString());
    expect(errorOf('$x = $ActiveTasks.Median()')).toMatch(/\$ActiveTasks has no method Median/);
  });

  test('a metric with no history yet is an error only when a formula asks for samples', () => {
    const empty = inputs({ samples: { $PendingTasks: { periodMs: 30_000, samples: [] } } });
    expect(errorOf('$x = $PendingTasks.GetSample(1)', empty)).toMatch(/fewer than the 1 asked for/);
    expect(value('$x = $PendingTasks.Count()', '$x', empty)).toBe('0');
  });
});

describe('time', () => {
  test('time intervals have arithmetic and comparisons', () => {
    expect(value('$x = TimeInterval_Minute * 15')).toBe('PT15M');
    expect(value('$x = TimeInterval_Hour / TimeInterval_Minute')).toBe('60');
    expect(value('$x = TimeInterval_Day - TimeInterval_Hour')).toBe('PT23H');
    expect(value('$x = 2 * TimeInterval_Second > TimeInterval_Millisecond * 1500')).toBe('1');
    expect(value('$x = TimeInterval_Week / TimeInterval_Day')).toBe('7');
  });

  test('time() is now, or parses a date; timestamps have parts and subtract to intervals', () => {
    expect(value('$x = time()')).toBe(new Date(NOW).toISOString());
    expect(value('$x = time().hour')).toBe('6');
    expect(value('$x = time().weekday')).toBe('5');
    expect(value('$x = time() - time("2024-01-05T05:16:56Z")')).toBe('PT1H');
    expect(value('$x = time("2024-01-05T05:16:56Z") + TimeInterval_Minute * 30 < time()')).toBe('1');
    expect(errorOf('$x = time("not a date")')).toMatch(/'not a date' is not a date and time/);
    expect(errorOf('$x = time().century')).toMatch(/A timestamp has no member century/);
  });

  test('a working-hours formula, as the Batch documentation shapes them', () => {
    const formula = [
      '$curTime = time();',
      '$workHours = $curTime.hour >= 8 && $curTime.hour < 18;',
      '$isWeekday = $curTime.weekday >= 1 && $curTime.weekday <= 5;',
      '$isWorkingWeekdayHour = $workHours && $isWeekday;',
      '$TargetDedicatedNodes = $isWorkingWeekdayHour ? 20 : 10;',
      '$NodeDeallocationOption = taskcompletion;',
    ].join('\n');
    const early = run(formula);
    expect(early.targets).toEqual({ dedicated: 10, lowPriority: 0, nodeDeallocationOption: 'taskcompletion' });
    expect(early.results).toContain('$isWeekday=1');
    expect(run(formula, inputs({ now: NOW + 4 * 3_600_000 })).targets?.dedicated).toBe(20);
  });

  test('a queue-driven formula: nodes for the pending tasks, bounded, with a fallback when samples are thin', () => {
    const formula = [
      '$samples = $PendingTasks.GetSamplePercent(TimeInterval_Minute * 1);',
      '$tasks = $samples < 70 ? max(0, $PendingTasks.GetSample(1)) : max($PendingTasks.GetSample(1), avg($PendingTasks.GetSample(TimeInterval_Minute * 1)));',
      '$targetVMs = $tasks > 0 ? $tasks / $TaskSlotsPerNode : max(0, $TargetDedicatedNodes / 2);',
      '$TargetDedicatedNodes = max(0, min($targetVMs, 25));',
    ].join(' ');
    expect(run(formula).targets?.dedicated).toBe(3);
    expect(run(formula).results).toContain('$samples=100');
  });
});

describe('syntax', () => {
  test.each([
    ['$TargetDedicatedNodes = ', 'Line 1, Col 25: The formula ends where an expression is expected'],
    ['$x = (1 + 2', "Line 1, Col 12: ')' is expected before the end of the formula"],
    ['$x = 1 $y = 2', "Line 1, Col 8: ';' is expected, not '$y'"],
    ['x = 1', "Line 1, Col 1: 'x' cannot be assigned: variable names start with $"],
    ['$x = 1 # 2', "Line 1, Col 8: Unexpected character '#'"],
    ['$x = "open', 'Line 1, Col 6: The string is not closed with "'],
    ['$x = max(1,)', "Line 1, Col 12: Unexpected ')'"],
    ['$x = $ActiveTasks.', 'Line 1, Col 19: A method or property name is expected after .'],
    ['', 'Line 1, Col 1: The formula has no statement'],
  ])('%j: %s', (formula, message) => {
    expect(syntaxErrorOf(formula)).toBe(message);
  });

  test('statements may span lines; empty statements and a trailing ; are allowed', () => {
    expect(value('$x = 1;;\n$x = $x\n  + 1;\n', '$x')).toBe('2');
  });
});

test('TimeInterval_Minute is 60,000 milliseconds', () => {
  expect(value('$x = TimeInterval_Minute / TimeInterval_Millisecond')).toBe('60000');
});
