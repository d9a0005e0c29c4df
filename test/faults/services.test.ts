import { FaultStack, type ServiceName } from './support/faultStack';
import { expectExactOrNamedLoss, expectExactOutcome, submitBoth, untilArrayCompleted, untilInputsSaved, waitUntilUnderway } from './support/scenario';

/**
 * Each service of the local stack killed for real (SIGKILL, no chance to clean
 * up) while a single job and an array run; the stack's supervisor restarts it.
 * Nobody does anything by hand, and the answers come out exactly right.
 */
describe('faults: a service dies mid-job', () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await FaultStack.start('services');
  }, 300_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const services: [string, ServiceName][] = [
    ['the worker', 'remote-batch worker'],
    ['Temporal', 'Temporal server'],
    ['storage (Azurite)', 'Azurite (Blob Storage)'],
    ['the Batch emulator', 'Azure Batch emulator'],
  ];

  it.each(services)('%s SIGKILLed and restarted: exact results, one Azure job, the expected tasks', async (_, service) => {
    const submitted = await submitBoth(stack, 40 + services.findIndex(([, name]) => name === service));
    await waitUntilUnderway(submitted);
    await stack.killAndAwaitRestart(service);
    await expectExactOutcome(stack, submitted);
    expect(stack.restartLog.some((line) => line.startsWith(`${service} restarted`))).toBe(true);
  }, 600_000);

  it('storage SIGKILLed the moment an array completed: exact results, or, for what the kill lost, an error naming it', async () => {
    // Azurite loses what it accepted since its last save; Azure Storage does not. Nothing repairs it: a reader is told.
    const submitted = await submitBoth(stack, 48, 1);
    await untilInputsSaved(submitted);
    await untilArrayCompleted(submitted);
    await stack.killAndAwaitRestart('Azurite (Blob Storage)');
    await expectExactOrNamedLoss(stack, submitted);
  }, 600_000);

  it('the whole stack stopped and started again on the same data: exact results', async () => {
    const submitted = await submitBoth(stack, 50);
    await waitUntilUnderway(submitted);
    await stack.restartWhole();
    await expectExactOutcome(stack, submitted);
  }, 600_000);
});
