import CJansson
import Glibc
import Synchronization

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
    /// Plain memory, so the allocator callback does no reference counting. Chunks form a
    /// list through their first word.
    struct State {
        var head: UnsafeMutableRawPointer?
        var next: UnsafeMutableRawPointer?
        var remaining: Int
    }

    static let chunkSize = 256 * 1024
    /// Chunk header: the link to the previous chunk and the chunk's size.
    static let header = 16

    private let state: UnsafeMutablePointer<State>

    init() {
        state = .allocate(capacity: 1)
        state.initialize(to: State(head: nil, next: nil, remaining: 0))
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

    static func allocate(_ s: UnsafeMutablePointer<State>, _ size: Int) -> UnsafeMutableRawPointer? {
        let n = (size + 15) & ~15
        if n > s.pointee.remaining {
            let size = n + header <= chunkSize ? chunkSize : n + header
            guard let c = size == chunkSize ? reuse() ?? malloc(size) : malloc(size) else { return nil }
            c.storeBytes(of: s.pointee.head, as: UnsafeMutableRawPointer?.self)
            c.storeBytes(of: size, toByteOffset: 8, as: Int.self)
            s.pointee.head = c
            s.pointee.next = c + header
            s.pointee.remaining = size - header
        }
        let p = s.pointee.next.unsafelyUnwrapped
        s.pointee.next = p + n
        s.pointee.remaining -= n
        return p
    }

    // MARK: the pool of dropped chunks

    /// At most this many chunks wait for reuse (16 MB); more than the documents in flight
    /// on a large machine need.
    static let poolLimit = 64
    /// Chunk addresses (as integers, which are Sendable).
    private static let pool = Mutex<[UInt]>([])

    private static func reuse() -> UnsafeMutableRawPointer? {
        UnsafeMutableRawPointer(bitPattern: pool.withLock { $0.popLast() } ?? 0)
    }

    private static func recycle(_ chunk: UnsafeMutableRawPointer) {
        let address = UInt(bitPattern: chunk)
        let kept = pool.withLock { chunks in
            guard chunks.count < poolLimit else { return false }
            chunks.append(address)
            return true
        }
        if !kept { free(chunk) }
    }

    // MARK: the calling thread's current arena

    /// A constant, so reading it on every allocation needs no exclusivity check.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Installs the allocator once; must run before any other jansson call.
    static let installed: Void = {
        _ = key
        json_set_alloc_funcs({ size in
            if let raw = pthread_getspecific(JSONArena.key) {
                return JSONArena.allocate(raw.assumingMemoryBound(to: State.self), size)
            }
            return malloc(size)
        }, { pointer in
            // During a parse every pointer jansson frees came from the arena.
            if pthread_getspecific(JSONArena.key) == nil { free(pointer) }
        })
    }()

    /// Runs `body` with this arena as the thread's allocator.
    func with<R>(_ body: () -> R) -> R {
        _ = JSONArena.installed
        pthread_setspecific(JSONArena.key, UnsafeRawPointer(state))
        defer { pthread_setspecific(JSONArena.key, nil) }
        return body()
    }
}
