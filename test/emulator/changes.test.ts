import { addJob, startHarness, waitFor } from './harness';

/**
 * "What changed since T" (`stateTransitionTime ge/gt datetime'…'`) is answered from an index
 * by state-transition time; these check that it answers exactly what a scan would.
 */
describe('listing the tasks that changed since a time', () => {
  test('gives exactly the tasks that changed, in submission order, paged, combined with other conditions, and again after a restart', async () => {
    const first = await startHarness({ pools: [{ id: 'idle', nodeCount: 0, taskSlotsPerNode: 1 }] });
    const jobId = await addJob(first.client, { poolInfo: { poolId: 'idle' } });
    await first.client.task.addCollection(jobId, Array.from({ length: 30 }, (_, i) => ({ id: `t${String(i).padStart(2, '0')}`, commandLine: 'true' })));
    const added = await first.client.task.get(jobId, 't29');
    const wireTime = (await first.client.task.list(jobId, { taskListOptions: { filter: "id eq 't29'", select: 'stateTransitionTime' } }))[0];
    expect(wireTime.stateTransitionTime?.getTime()).toBe(added.stateTransitionTime!.getTime());

    // Terminated in an order other than submission order: t25, t03, t17, then t03 is changed again by a delete.
    const since = new Date(Date.now() - 1).toISOString();
    for (const id of ['t25', 't03', 't17', 't08']) await first.client.task.terminate(jobId, id);
    await first.client.task.deleteMethod(jobId, 't08');
    const ids = async (filter: string, maxResults?: number) => {
      const page = await first.client.task.list(jobId, { taskListOptions: { filter, maxResults } });
      const all = [...page];
      let link = page.odatanextLink;
      while (link) {
        const next = await first.client.task.listNext(link);
        all.push(...next);
        link = next.odatanextLink;
      }
      return all.map((task) => task.id);
    };
    const changed = `stateTransitionTime ge datetime'${since}'`;
    expect(await ids(changed)).toEqual(['t03', 't17', 't25']);
    expect(await ids(changed, 2)).toEqual(['t03', 't17', 't25']);
    expect(await ids(`${changed} and id ne 't17'`)).toEqual(['t03', 't25']);
    expect(await ids(`(${changed}) or id eq 't00'`)).toEqual(['t00', 't03', 't17', 't25']);
    expect(await ids(`not (${changed})`)).toHaveLength(26);
    expect(await ids(`stateTransitionTime lt datetime'${since}' and startswith(id, 't2')`)).toEqual(['t20', 't21', 't22', 't23', 't24', 't26', 't27', 't28', 't29']);

    // A later change moves a task past a newer bound; an older bound still finds it once.
    const later = new Date(Date.now() - 1).toISOString();
    await first.client.task.terminate(jobId, 't11');
    expect(await ids(`stateTransitionTime gt datetime'${later}'`)).toEqual(['t11']);
    expect(await ids(changed)).toEqual(['t03', 't11', 't17', 't25']);
    await first.close(false);

    const second = await startHarness({ dataDir: first.dataDir, pools: [{ id: 'idle', nodeCount: 0, taskSlotsPerNode: 1 }] });
    try {
      const after = await second.client.task.list(jobId, { taskListOptions: { filter: changed } });
      expect(after.map((task) => task.id)).toEqual(['t03', 't11', 't17', 't25']);
      // And the index keeps up with changes made after the restart.
      await second.client.task.terminate(jobId, 't01');
      await waitFor(
        () => second.client.task.list(jobId, { taskListOptions: { filter: changed } }),
        (tasks) => tasks.map((task) => task.id).join() === 't01,t03,t11,t17,t25',
      );
    } finally {
      await second.close();
    }
  });
});
