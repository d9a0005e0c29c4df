import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManagedProcess } from '../../../src/stack/managedProcess';
import { supervise } from '../../../src/stack/supervisor';
import { waitFor } from '../../support/waitFor';

/** A real child process, killed for real: the supervisor starts it again and says so on the terminal and in the stack log. */
describe('service supervision', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-supervisor-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const startSleeper = () =>
    ManagedProcess.start({
      name: 'sleeper',
      command: process.execPath,
      args: ['-e', 'setInterval(() => {}, 1000)'],
      logFile: path.join(dir, 'sleeper.log'),
      isReady: async () => true,
    });

  it('restarts a service that was SIGKILLed, reports it, and stops it for good when asked', async () => {
    const lines: string[] = [];
    const stackLogFile = path.join(dir, 'stack.log');
    const service = supervise('sleeper', await startSleeper(), startSleeper, { log: (line) => lines.push(line), stackLogFile });
    const firstPid = service.current().pid!;
    process.kill(-firstPid, 'SIGKILL');
    await waitFor(async () => service.restarts(), (restarts) => restarts === 1, { what: 'a restart' });
    const secondPid = service.current().pid!;
    expect(secondPid).not.toBe(firstPid);
    expect(lines).toEqual(['sleeper exited (killed by a signal); restarting in 0.5s', `sleeper restarted (pid ${secondPid})`]);
    expect(fs.readFileSync(stackLogFile, 'utf8')).toContain(`sleeper restarted (pid ${secondPid})`);

    await service.stop();
    expect(service.current().running).toBe(false);
    expect(service.restarts()).toBe(1);
  });

  it('restarts a service at once when asked (restartTemporal), without calling it a death', async () => {
    const lines: string[] = [];
    const service = supervise('sleeper', await startSleeper(), startSleeper, { log: (line) => lines.push(line), stackLogFile: path.join(dir, 'asked.log') });
    const firstPid = service.current().pid!;
    await service.restartNow();
    const secondPid = service.current().pid!;
    expect(secondPid).not.toBe(firstPid);
    expect(service.current().running).toBe(true);
    expect(lines).toEqual([`sleeper restarted on request (pid ${secondPid})`]);
    await service.stop();
    expect(service.current().running).toBe(false);
  });
});
