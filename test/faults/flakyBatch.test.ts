import { FaultStack } from './support/faultStack';
import { expectExactOutcome, submitBoth } from './support/scenario';

/** Batch answers a fifth of all calls with 500/503/429 and every call takes 25 ms more: still 100% correct. */
describe('faults: a flaky, slow Batch service', () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await FaultStack.start('flaky', { emulatorArgs: ['--error-rate', '0.2', '--latency-ms', '25'] });
  }, 300_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('20% injected 5xx/429 and 25 ms latency: exact results, one Azure job, the expected tasks', async () => {
    const submitted = await submitBoth(stack, 60, 1);
    await expectExactOutcome(stack, submitted);
  }, 600_000);
});
