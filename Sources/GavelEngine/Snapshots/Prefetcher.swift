import Foundation

/// Asks the kernel to start reading the units the workers will take next, so that on a
/// fleet whose files are not in the page cache (a nightly run hours after collection) disk
/// reads overlap parsing instead of stalling a worker each time.
///
/// A few threads walk the units in order, at most `window` units ahead of the workers
/// (waking once per half window), and call `action` on each (for a folder: list it, `posix_fadvise(WILLNEED)` each file).
/// It never reads the data itself and never reports errors: the worker that loads the
/// unit does both. `finish()` stops it and waits for it.
final class Prefetcher: @unchecked Sendable {
    private let count: Int
    private let window: Int
    /// The prefetchers wake once per `batch` units taken, not once per unit.
    private let batch: Int
    private let threads: Int
    private let action: @Sendable (Int) -> Void
    private let cond = NSCondition()
    private let done = DispatchGroup()
    private var stopped = false
    /// Units handed out so far, how far the workers allow, units finished.
    private var next = 0
    private var allowed: Int
    private var completed = 0

    /// `threads` threads share the work: opening a file whose metadata is not cached waits
    /// on the disk, and a single thread falls behind the workers.
    init(count: Int, window: Int, threads: Int = 4, action: @escaping @Sendable (Int) -> Void) {
        self.count = count
        self.window = max(2, window)
        batch = max(1, self.window / 2)
        self.threads = max(1, threads)
        allowed = self.window
        self.action = action
    }

    /// How many units have been prefetched so far.
    var progress: Int { cond.withLock { completed } }

    func start() {
        for _ in 0..<threads {
            done.enter()
            Thread.detachNewThread { [self] in
                defer { done.leave() }
                while let i = nextUnit() {
                    action(i)
                    cond.withLock { completed += 1 }
                }
            }
        }
    }

    private func nextUnit() -> Int? {
        cond.lock()
        defer { cond.unlock() }
        while !stopped && next < count && next >= allowed { cond.wait() }
        if stopped || next >= count { return nil }
        next += 1
        return next - 1
    }

    /// A worker has taken unit `i`: every `batch` units the prefetchers may go `batch` further.
    func taken(_ i: Int) {
        guard i > 0 && i % batch == 0 else { return }
        cond.withLock {
            allowed += batch
            cond.broadcast()
        }
    }

    func finish() {
        cond.withLock {
            stopped = true
            cond.broadcast()
        }
        done.wait()
    }
}

extension SnapshotUnit {
    /// Starts the kernel's read-ahead of this unit's files; loose files and standard input
    /// were read when the plan was made.
    func prefetch() {
        guard case .folder(let dir) = self, case .success(let files) = SnapshotUnit.jsonFiles(under: dir) else { return }
        for f in files {
            let fd = open(f, O_RDONLY | O_CLOEXEC)
            if fd < 0 { continue }
            _ = posix_fadvise(fd, 0, 0, POSIX_FADV_WILLNEED)
            close(fd)
        }
    }
}
