import CJansson
import Glibc

/// Memory for one parsed document, handed out by bumping a pointer and released all at once.
///
/// jansson allocates every value, key and hash bucket with its own `malloc` and frees them
/// one by one on `json_decref`. For snapshots that are parsed, read once and dropped, that
/// allocator traffic is a large share of the parse. While `JSONDocument.parse` runs, jansson's
/// allocator (installed once, process-wide) takes memory from the calling thread's current
/// arena; frees during the parse are no-ops. The document then owns the arena and drops it
/// whole instead of calling `json_decref`. Outside a parse, jansson uses malloc and free.
///
/// Arenas are made of 256 KB chunks. A dropped document's chunks go back to a small shared
/// pool and the next parse takes them from there: their pages are already mapped, so a fleet
/// of snapshots does not pay a page fault for every page of every parse. An allocation too
/// large for a chunk gets a chunk of its own, which is freed rather than pooled.
final class JSONArena {
    static let chunkSize = 256 * 1024
    /// Chunk header: the link to the previous chunk and the chunk's size.
    static let header = 16

    /// `next`/`remaining` of the current chunk, `refill`, and `head`, the newest chunk; the
    /// chunks form a list through their first word. The allocation fast path is C (CJansson's
    /// shim), so it reads this through a C thread-local rather than `pthread_getspecific`.
    private let state: UnsafeMutablePointer<gavel_arena>

    init() {
        state = .allocate(capacity: 1)
        state.initialize(to: gavel_arena(next: nil, remaining: 0, refill: { arena, size in JSONArena.refill(arena!, size) }, head: nil))
    }

    deinit {
        var c = state.pointee.head
        while let chunk = c {
            c = chunk.load(as: UnsafeMutableRawPointer?.self)
            if chunk.load(fromByteOffset: 8, as: Int.self) == JSONArena.chunkSize {
                JSONArena.recycle(chunk)
            } else {
                free(chunk)
            }
        }
        state.deallocate()
    }

    /// Whether `pointer` lies in one of this arena's chunks (for tests: a parse whose memory
    /// did not come from its arena would leak it, since a parsed tree is never freed node by node).
    func holds(_ pointer: UnsafeRawPointer) -> Bool {
        var c = state.pointee.head
        while let chunk = c {
            let size = chunk.load(fromByteOffset: 8, as: Int.self)
            if pointer >= UnsafeRawPointer(chunk) && pointer < UnsafeRawPointer(chunk + size) { return true }
            c = chunk.load(as: UnsafeMutableRawPointer?.self)
        }
        return false
    }

    /// The slow path: `size` (already rounded to 16) does not fit what is left of the current
    /// chunk. Takes a new chunk (a pooled one if there is one), or a chunk of its own for an
    /// allocation larger than a chunk, and allocates from it.
    static func refill(_ s: UnsafeMutablePointer<gavel_arena>, _ n: Int) -> UnsafeMutableRawPointer? {
        let size = n + header <= chunkSize ? chunkSize : n + header
        guard let c = size == chunkSize ? reuse() ?? malloc(size) : malloc(size) else { return nil }
        c.storeBytes(of: s.pointee.head, as: UnsafeMutableRawPointer?.self)
        c.storeBytes(of: size, toByteOffset: 8, as: Int.self)
        s.pointee.head = c
        let p = c + header
        s.pointee.next = (p + n).assumingMemoryBound(to: CChar.self)
        s.pointee.remaining = size - header - n
        return p
    }

    // MARK: the pool of dropped chunks

    /// At most this many chunks wait for reuse (16 MB); more than the documents in flight
    /// on a large machine need.
    static let poolLimit = 64
    /// Chunk addresses, behind a pthread mutex: ThreadSanitizer follows pthread locks, but
    /// not the futex under `Synchronization.Mutex` on Linux, and reported every pool access as
    /// a race (scripts/sanitize.sh thread).
    private final class Pool: @unchecked Sendable {
        private var chunks: [UnsafeMutableRawPointer] = []
        private let lock: UnsafeMutablePointer<pthread_mutex_t> = {
            let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
            pthread_mutex_init(m, nil)
            return m
        }()

        func take() -> UnsafeMutableRawPointer? {
            pthread_mutex_lock(lock)
            defer { pthread_mutex_unlock(lock) }
            return chunks.popLast()
        }

        func put(_ chunk: UnsafeMutableRawPointer) -> Bool {
            pthread_mutex_lock(lock)
            defer { pthread_mutex_unlock(lock) }
            guard chunks.count < JSONArena.poolLimit else { return false }
            chunks.append(chunk)
            return true
        }
    }

    private static let pool = Pool()

    private static func reuse() -> UnsafeMutableRawPointer? { pool.take() }

    private static func recycle(_ chunk: UnsafeMutableRawPointer) {
        if !pool.put(chunk) { free(chunk) }
    }

    // MARK: the calling thread's current arena

    /// Installs the allocator once; must run before any other jansson call.
    static let installed: Void = gavel_arena_install()

    /// Runs `body` with this arena as the thread's allocator.
    func with<R>(_ body: () -> R) -> R {
        _ = JSONKeyHash.seed  // installs the allocator and sets the hash seed
        gavel_arena_enter(state)
        defer { gavel_arena_leave() }
        return body()
    }
}
