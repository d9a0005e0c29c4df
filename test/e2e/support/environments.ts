import { batchEnvironment } from '../../../src/client';

/**
 * The test stack's two pools as environments, closed after the suite:
 * `local` (2 nodes × 4 slots) and `single` (1 node × 1 slot, for jobs that must queue).
 */
export function stackEnvironments() {
  const environments = { local: batchEnvironment({ poolId: 'local' }), single: batchEnvironment({ poolId: 'single' }) };
  afterAll(async () => {
    await environments.local.close();
    await environments.single.close();
  });
  return environments;
}
