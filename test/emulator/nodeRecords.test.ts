import { DEFAULT_SUBSCRIPTION_ID } from '../../src/emulator';
import { batchError, detail, signedFetch, startHarness, uniqueId, waitForPoolSteady, type Harness } from './harness';

/** Compute node records and the checks Batch makes on a pool's placement, as the recorded service answers them. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ persistence: 'memory', resizeDurationMs: 0, pools: [{ id: 'local', nodeCount: 2, taskSlotsPerNode: 1 }] });
});
afterAll(() => h.close());

const ubuntu = { publisher: 'canonical', offer: '0001-com-ubuntu-server-jammy', sku: '22_04-lts' };
const vmConfiguration = { imageReference: ubuntu, nodeAgentSKUId: 'batch.node.ubuntu 22.04' };

async function vmPool(extra: object = {}): Promise<string> {
  const id = uniqueId('vm');
  await h.client.pool.add({ id, vmSize: 'standard_d2s_v3', targetDedicatedNodes: 1, virtualMachineConfiguration: vmConfiguration, ...extra });
  await waitForPoolSteady(h.client, id);
  return id;
}

describe('node records', () => {
  test('a node reports the image it runs in virtualMachineInfo, with the version latest resolved to', async () => {
    const poolId = await vmPool();
    const [node] = await h.client.computeNode.list(poolId);
    expect(node.virtualMachineInfo?.imageReference).toMatchObject({ ...ubuntu, version: 'latest' });
    expect(node.virtualMachineInfo?.imageReference?.exactVersion).toBeDefined();
  });

  test('a booted node carries the pool\'s certificate references (an empty list when it has none) until 2024-07-01.20.0', async () => {
    const certificateReferences = [{ thumbprint: 'cff2ab63c8c955aaf71989efa641b906558d9fb7', thumbprintAlgorithm: 'sha1' }];
    const poolId = await vmPool({ certificateReferences });
    const [node] = await h.client.computeNode.list(poolId);
    expect(node.certificateReferences).toEqual([expect.objectContaining(certificateReferences[0])]);
    expect((await h.client.computeNode.list('local'))[0].certificateReferences).toEqual([]);
    const newer = await signedFetch(`${h.emulator.url}/pools/${poolId}/nodes/${node.id}?api-version=2024-07-01.20.0`, 'GET');
    expect(newer.json()).not.toHaveProperty('certificateReferences');
  });

  test('scheduling changes and a reboot name their own URL in DataServiceId', async () => {
    const poolId = await vmPool();
    const [node] = await h.client.computeNode.list(poolId);
    const dataServiceId = (result: { _response: { headers: { get(name: string): string | undefined } } }) => result._response.headers.get('dataserviceid');
    expect(dataServiceId(await h.client.computeNode.disableScheduling(poolId, node.id!))).toMatch(new RegExp(`/nodes/${node.id}/disablescheduling$`));
    expect(dataServiceId(await h.client.computeNode.enableScheduling(poolId, node.id!))).toMatch(/\/enablescheduling$/);
    expect(dataServiceId(await h.client.computeNode.reboot(poolId, node.id!))).toMatch(/\/reboot$/);
  });

  test('reimage on a virtual machine pool answers 409 OperationNotValidOnNode before 2024-07-01.20.0, and reimages from it', async () => {
    const poolId = await vmPool();
    const [node] = await h.client.computeNode.list(poolId);
    const error = await batchError(h.client.computeNode.reimage(poolId, node.id!));
    expect([error.statusCode, error.code]).toEqual([409, 'OperationNotValidOnNode']);
    const newer = await signedFetch(`${h.emulator.url}/pools/${poolId}/nodes/${node.id}/reimage?api-version=2024-07-01.20.0`, 'POST');
    expect(newer.status).toBe(202);
    expect((await h.client.computeNode.get(poolId, node.id!)).state).toMatch(/^(reimaging|idle)$/);
  });

  test('reimage on a cloud service pool is accepted', async () => {
    const poolId = uniqueId('cloud');
    await h.client.pool.add({ id: poolId, vmSize: 'standard_d2s_v3', targetDedicatedNodes: 1, cloudServiceConfiguration: { osFamily: '6' } });
    await waitForPoolSteady(h.client, poolId);
    const [node] = await h.client.computeNode.list(poolId);
    expect((await h.client.computeNode.reimage(poolId, node.id!))._response.status).toBe(202);
  });

  test('node user accounts: add (201, DataServiceId and Location), update, delete; a second add is 409 NodeUserExists, an unknown user 404', async () => {
    const [node] = await h.client.computeNode.list('local');
    const added = await h.client.computeNode.addUser('local', node.id!, { name: 'analyst', isAdmin: false, password: 'fake-Passw0rd' });
    expect(added._response.status).toBe(201);
    expect(added._response.headers.get('location')).toMatch(new RegExp(`/nodes/${node.id}/users/analyst$`));
    expect((await batchError(h.client.computeNode.addUser('local', node.id!, { name: 'Analyst', password: 'x' }))).code).toBe('NodeUserExists');
    const updated = await h.client.computeNode.updateUser('local', node.id!, 'analyst', { password: 'fake-Passw0rd2' });
    expect(updated._response.headers.get('dataserviceid')).toMatch(/\/users\/analyst$/);
    await h.client.computeNode.deleteUser('local', node.id!, 'analyst');
    expect((await batchError(h.client.computeNode.deleteUser('local', node.id!, 'analyst'))).code).toBe('NodeUserNotFound');
  });
});

describe('pool placement checks', () => {
  const subnet = (subscription: string) => `/subscriptions/${subscription}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default`;

  test('a subnet in the account\'s subscription is accepted; one in another subscription or malformed is 400 InvalidPropertyValue naming subnetId', async () => {
    await h.client.pool.add({ id: uniqueId('vnet'), vmSize: 'standard_d2s_v3', virtualMachineConfiguration: vmConfiguration, networkConfiguration: { subnetId: subnet(DEFAULT_SUBSCRIPTION_ID) } });
    for (const subnetId of [subnet('00000000-0000-0000-0000-000000000000'), 'default']) {
      const error = await batchError(h.client.pool.add({ id: uniqueId('vnet'), vmSize: 'standard_d2s_v3', virtualMachineConfiguration: vmConfiguration, networkConfiguration: { subnetId } }));
      expect([error.statusCode, error.code, detail(error, 'PropertyName')]).toEqual([400, 'InvalidPropertyValue', 'subnetId']);
    }
  });

  test('the subscription is the one the emulator is configured with', async () => {
    const other = '11111111-2222-3333-4444-555555555555';
    const elsewhere = await startHarness({ persistence: 'memory', subscriptionId: other, pools: [] });
    try {
      const client = elsewhere.client;
      await client.pool.add({ id: 'p', vmSize: 'standard_d2s_v3', virtualMachineConfiguration: vmConfiguration, networkConfiguration: { subnetId: subnet(other) } });
      expect((await batchError(client.pool.add({ id: 'q', vmSize: 'standard_d2s_v3', networkConfiguration: { subnetId: subnet(DEFAULT_SUBSCRIPTION_ID) } }))).code).toBe('InvalidPropertyValue');
    } finally {
      await elsewhere.close();
    }
  });

  test('a malformed virtualMachineImageId, or a managed image of another subscription, is 400 InvalidPropertyValue naming it; a gallery image is accepted', async () => {
    const configuration = (virtualMachineImageId: string) => ({ imageReference: { virtualMachineImageId }, nodeAgentSKUId: 'batch.node.ubuntu 22.04' });
    const images = [
      'not-an-image',
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/test/providers/Microsoft.Compute/images/FakeImage',
    ];
    for (const image of images) {
      const error = await batchError(h.client.pool.add({ id: uniqueId('img'), vmSize: 'standard_d2s_v3', virtualMachineConfiguration: configuration(image) }));
      expect([error.statusCode, error.code, detail(error, 'PropertyName')]).toEqual([400, 'InvalidPropertyValue', 'virtualMachineImageId']);
    }
    const gallery = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/test/providers/Microsoft.Compute/galleries/shared/images/ubuntu/versions/1.0.0';
    await h.client.pool.add({ id: uniqueId('img'), vmSize: 'standard_d2s_v3', virtualMachineConfiguration: configuration(gallery) });
  });
});
