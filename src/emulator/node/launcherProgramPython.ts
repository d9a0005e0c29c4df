/**
 * The launcher program in Python, run with `python3 -c`, used when a Python 3.9+ is at hand on
 * Linux. Same protocol and duties as the Node one (launcherProgram.ts); the difference is the
 * start itself: `os.posix_spawn` starts a program without copying the launcher (glibc uses a
 * vfork-style clone), about a third of the CPU of Node's spawn, which forks the whole launcher.
 * The child gets the task's working directory (the launcher changes into it first, so a
 * relative program path resolves there), a program found on the task's own PATH, stdin from
 * /dev/null, stdout/stderr to the task's files, its own session, and default signal handling.
 */
export const PYTHON_LAUNCHER_PROGRAM = String.raw`
import errno, json, os, selectors, shutil, signal, sys
for s in (signal.SIGINT, signal.SIGTERM):
    signal.signal(s, signal.SIG_IGN)
RESET = (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE, signal.SIGXFSZ)
selector = selectors.DefaultSelector()
groups = set()
out = sys.stdout.buffer

def send(message):
    out.write(json.dumps(message, separators=(',', ':')).encode() + b'\n')
    out.flush()

def fail(rid, error):
    send({'id': rid, 'error': {'code': errno.errorcode.get(error.errno or 0, 'EIO'), 'message': str(error)}})
    send({'id': rid, 'exit': None, 'signal': None})

def launch(request):
    rid = request['id']
    try:
        os.makedirs(request['cwd'], exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC
        stdout = os.open(request['stdout'], flags, 0o666)
        stderr = os.open(request['stderr'], flags, 0o666)
    except OSError as error:
        return fail(rid, error)
    try:
        env = request['env']
        program = request['file']
        os.chdir(request['cwd'])
        if '/' not in program:
            found = shutil.which(program, path=env.get('PATH', os.defpath))
            if found is None:
                raise FileNotFoundError(errno.ENOENT, 'spawn %s ENOENT' % program)
            program = found
        actions = [(os.POSIX_SPAWN_OPEN, 0, '/dev/null', os.O_RDONLY, 0), (os.POSIX_SPAWN_DUP2, stdout, 1), (os.POSIX_SPAWN_DUP2, stderr, 2)]
        pid = os.posix_spawn(program, [request['file']] + request['args'], env, file_actions=actions, setsid=True, setsigdef=RESET)
    except OSError as error:
        return fail(rid, error)
    finally:
        os.close(stdout)
        os.close(stderr)
    groups.add(pid)
    selector.register(os.pidfd_open(pid), selectors.EVENT_READ, (rid, pid))
    send({'id': rid, 'pid': pid})

def ended(key):
    rid, pid = key.data
    selector.unregister(key.fd)
    os.close(key.fd)
    _, status = os.waitpid(pid, 0)
    groups.discard(pid)
    # Whatever the command left running in the background ends with it.
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
    if os.WIFSIGNALED(status):
        send({'id': rid, 'exit': None, 'signal': signal.Signals(os.WTERMSIG(status)).name})
    else:
        send({'id': rid, 'exit': os.waitstatus_to_exitcode(status), 'signal': None})

def stop():
    for pid in groups:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
    sys.exit(0)

buffer = b''
selector.register(0, selectors.EVENT_READ, None)
while True:
    for key, _ in selector.select():
        if key.data is not None:
            ended(key)
            continue
        chunk = os.read(0, 1 << 16)
        if not chunk:
            stop()
        buffer += chunk
        while b'\n' in buffer:
            line, buffer = buffer.split(b'\n', 1)
            if line:
                launch(json.loads(line))
`;
