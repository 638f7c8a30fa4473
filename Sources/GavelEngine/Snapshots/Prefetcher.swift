import Foundation

/// Asks the kernel to start reading the units the workers will take next, so that on a
/// fleet whose files are not in the page cache (a nightly run hours after collection) disk
/// reads overlap parsing instead of stalling a worker each time.
///
/// One thread walks the units in order, at most `window` units ahead of the workers (waking
/// once per half window), and calls `action` on each (for a folder: list it, `posix_fadvise(WILLNEED)` each file).
/// It never reads the data itself and never reports errors: the worker that loads the
/// unit does both. `finish()` stops it and waits for it.
final class Prefetcher: @unchecked Sendable {
    private let count: Int
    private let window: Int
    /// The prefetcher wakes once per `batch` units taken, not once per unit.
    private let batch: Int
    private let action: @Sendable (Int) -> Void
    private let room = DispatchSemaphore(value: 0)
    private let done = DispatchGroup()
    private let lock = NSLock()
    private var stopped = false
    private var prefetched = 0

    init(count: Int, window: Int, action: @escaping @Sendable (Int) -> Void) {
        self.count = count
        self.window = max(2, window)
        batch = max(1, self.window / 2)
        self.action = action
    }

    /// How many units have been prefetched so far.
    var progress: Int { lock.withLock { prefetched } }

    func start() {
        done.enter()
        Thread.detachNewThread { [self] in
            defer { done.leave() }
            var allowed = window
            while true {
                while lock.withLock({ !stopped && prefetched < min(allowed, count) }) {
                    action(prefetched)
                    lock.withLock { prefetched += 1 }
                }
                if lock.withLock({ stopped || prefetched >= count }) { return }
                room.wait()
                allowed += batch
            }
        }
    }

    /// A worker has taken unit `i`: every `batch` units the prefetcher may go `batch` further.
    func taken(_ i: Int) {
        if i > 0 && i % batch == 0 { room.signal() }
    }

    func finish() {
        lock.withLock { stopped = true }
        room.signal()
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
