import { abortable } from '../../../src/client/abort';

describe("a client call under the caller's abortSignal", () => {
  it('adds no listener to the caller\'s signal, however many calls share it at once', async () => {
    const caller = new AbortController();
    const added = jest.spyOn(caller.signal, 'addEventListener');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const calls = Array.from({ length: 30 }, () =>
      abortable(caller.signal, async (signal) => {
        // What the Temporal client does per request: a listener it never removes.
        for (let i = 0; i < 20; i++) signal!.addEventListener('abort', () => undefined);
        await gate;
        return 'done';
      }),
    );
    release();
    await expect(Promise.all(calls)).resolves.toHaveLength(30);
    expect(added).not.toHaveBeenCalled();
  });

  it("rejects with the signal's reason once it fires, whatever the cut-off request threw", async () => {
    const caller = new AbortController();
    const call = abortable(caller.signal, (signal) => new Promise((_, reject) => signal!.addEventListener('abort', () => reject(new Error('14 UNAVAILABLE: cancelled')))));
    caller.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    await expect(abortable(caller.signal, async () => 'never')).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('runs as it is without a signal', async () => {
    await expect(abortable(undefined, async (signal) => signal)).resolves.toBeUndefined();
  });
});
