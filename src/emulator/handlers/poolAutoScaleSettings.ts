import { ErrorFactory } from '../errors/errorFactory';
import { checkFormula, evaluationInterval } from './autoScaleHandler';

interface AutoScaleSettings {
  enableAutoScale?: boolean;
  autoScaleFormula?: string;
  autoScaleEvaluationInterval?: string;
  targetDedicatedNodes?: number;
  targetLowPriorityNodes?: number;
}

/**
 * A pool added with `enableAutoScale` sizes itself by its formula: the formula is required and
 * must read, the interval must be from PT5M to PT168H, and fixed targets are refused; without
 * autoscale a formula or interval is refused. Each refusal names the property.
 */
export function checkAutoScaleSettings(body: AutoScaleSettings): void {
  if (body.enableAutoScale !== true) {
    for (const name of ['autoScaleFormula', 'autoScaleEvaluationInterval'] as const) {
      if (body[name] !== undefined) throw ErrorFactory.invalidPropertyValue(name, String(body[name]), `${name} can be given only with enableAutoScale true.`);
    }
    return;
  }
  if (body.autoScaleFormula === undefined) throw ErrorFactory.missingRequiredProperty('autoScaleFormula');
  for (const name of ['targetDedicatedNodes', 'targetLowPriorityNodes'] as const) {
    if (body[name] !== undefined) throw ErrorFactory.invalidPropertyValue(name, String(body[name]), `${name} cannot be given with enableAutoScale true: the formula sets it.`);
  }
  const interval = body.autoScaleEvaluationInterval;
  if (interval !== undefined && !evaluationInterval.safeParse(interval).success) {
    throw ErrorFactory.invalidPropertyValue('autoScaleEvaluationInterval', interval, 'The evaluation interval must be an ISO 8601 duration from PT5M to PT168H.');
  }
  checkFormula(body.autoScaleFormula);
}
