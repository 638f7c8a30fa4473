import Foundation
import GavelCore

/// Runs a program (no shell) and captures its output, with a time limit and a bound on what
/// is read.
///
/// - The program gets a minimal environment (`ChildEnvironment.minimal`), never Gavel's own:
///   a token in Gavel's environment stays there.
/// - It runs in a process group of its own, so that when it overruns, SIGTERM and then, after
///   a grace period, SIGKILL reach the programs it started too (a shell's children hold the
///   output pipes open after the shell is gone).
/// - At most `outputLimit` bytes of each stream are kept; a program writing more is stopped
///   and the run is an error, never a truncated success.
///
/// Foundation's `Process` can neither start a process group nor kill one, so the program is
/// started with posix_spawn and its pipes read with poll.
public enum Subprocess {
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// What is read from each of stdout and stderr at most. `nginx -T` of a large front-end
    /// is a few MB, `php -i` a few hundred KB.
    public static let defaultOutputLimit = 64 << 20
    /// How long a program has to exit after SIGTERM before its group is killed.
    static let killGrace: TimeInterval = 2

    /// `stdin` is a file the program reads as its standard input (default /dev/null), e.g. the
    /// binary `collect fleet` sends to a host through ssh.
    public static func run(
        _ executable: String, _ arguments: [String], timeout: TimeInterval = 60,
        environment: [String: String]? = nil, stdin: String? = nil,
        outputLimit: Int = defaultOutputLimit
    ) throws -> Output {
        let path = executable.contains("/") ? executable : (which(executable) ?? executable)
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Diagnostic(.programNotFound, "cannot run \(executable): not found or not executable")
        }
        let env = (environment ?? ChildEnvironment.minimal()).map { "\($0.key)=\($0.value)" }
        let child = try spawn(path, [path] + arguments, env, stdin: stdin ?? "/dev/null")
        var streams = [Stream(fd: child.stdout), Stream(fd: child.stderr)]
        enum Stop { case timedOut, tooLarge }
        var stop: Stop?
        var killAt: Date?, giveUpAt: Date?
        let deadline = Date().addingTimeInterval(timeout)
        func terminate(_ why: Stop) {
            guard stop == nil else { return }
            stop = why
            kill(-child.pid, SIGTERM)
            killAt = Date().addingTimeInterval(killGrace)
        }
        while streams.contains(where: { $0.open }) {
            let now = Date()
            if stop == nil, now >= deadline { terminate(.timedOut) }
            if let k = killAt, now >= k {
                kill(-child.pid, SIGKILL)
                killAt = nil
                giveUpAt = now.addingTimeInterval(1)  // a program that left the group keeps its pipe: stop waiting
            }
            if let g = giveUpAt, now >= g { break }
            let wake = [stop == nil ? deadline : nil, killAt, giveUpAt].compactMap { $0 }.min() ?? now.addingTimeInterval(1)
            var fds = streams.map { pollfd(fd: $0.open ? $0.fd : -1, events: Int16(POLLIN), revents: 0) }
            let ms = Int32(max(0, min(1000, wake.timeIntervalSince(now) * 1000)).rounded(.up))
            let n = poll(&fds, nfds_t(fds.count), ms)
            if n < 0, errno != EINTR { break }
            for i in streams.indices where streams[i].open && fds[i].revents != 0 {
                if !streams[i].readSome(limit: outputLimit) { terminate(.tooLarge) }
            }
        }
        for s in streams { close(s.fd) }
        var status: Int32 = 0
        while waitpid(child.pid, &status, 0) < 0 && errno == EINTR {}
        switch stop {
        case .timedOut:
            throw Diagnostic(.programTimeout, "\(executable) did not finish within \(Int(timeout)) s")
        case .tooLarge:
            throw Diagnostic(.programOutput, "\(executable) wrote more than \(outputLimit >> 20) MiB; its output is not read")
        case nil:
            // WIFEXITED / WEXITSTATUS, or the signal that ended it as a negative status.
            let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -(status & 0x7f)
            return Output(
                status: code, stdout: String(decoding: streams[0].data, as: UTF8.self),
                stderr: String(decoding: streams[1].data, as: UTF8.self))
        }
    }

    /// One output pipe and what was read from it.
    private struct Stream {
        var fd: Int32
        var open = true
        var data: [UInt8] = []

        init(fd: Int32) { self.fd = fd }

        /// Reads what is there; false once the limit is passed (the rest is read and dropped).
        mutating func readSome(limit: Int) -> Bool {
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            let r = read(fd, &buffer, buffer.count)
            if r < 0 { if errno != EINTR && errno != EAGAIN { open = false }; return true }
            if r == 0 { open = false; return true }
            guard data.count + r <= limit else { return false }
            data.append(contentsOf: buffer[..<r])
            return true
        }
    }

    private struct Child { var pid: pid_t; var stdout: Int32; var stderr: Int32 }

    /// posix_spawn with stdin from a file (/dev/null unless given), stdout and stderr to
    /// pipes, in a new process group, with default signal handling and nothing else inherited
    /// (descriptors are close-on-exec in Gavel).
    private static func spawn(_ path: String, _ argv: [String], _ env: [String], stdin: String) throws -> Child {
        guard access(stdin, R_OK) == 0 else { throw Diagnostic(.programInput, "cannot read \(stdin): \(String(cString: strerror(errno)))") }
        var out: [Int32] = [-1, -1], err: [Int32] = [-1, -1]
        guard pipe(&out) == 0 else { throw spawnError(path, errno) }
        guard pipe(&err) == 0 else { close(out[0]); close(out[1]); throw spawnError(path, errno) }
        for fd in out + err { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        defer { close(out[1]); close(err[1]) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup($0) } + [nil]
        defer { for p in cArgs + cEnv { free(p) } }
        let rc = posix_spawn(&pid, path, &actions, &attr, cArgs, cEnv)
        guard rc == 0 else {
            close(out[0]); close(err[0])
            throw spawnError(path, rc)
        }
        return Child(pid: pid, stdout: out[0], stderr: err[0])
    }

    private static func spawnError(_ path: String, _ code: Int32) -> Diagnostic {
        Diagnostic(.programNotFound, "cannot run \(path): \(String(cString: strerror(code)))")
    }

    public static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }
}
