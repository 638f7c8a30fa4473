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
final class JSONArena {
    /// Plain memory, so the allocator callback does no reference counting. Chunks form a
    /// list through their first word.
    struct State {
        var head: UnsafeMutableRawPointer?
        var next: UnsafeMutableRawPointer?
        var remaining: Int
        var chunkSize: Int
    }

    private let state: UnsafeMutablePointer<State>

    init(expectedBytes: Int) {
        state = .allocate(capacity: 1)
        // A parsed document takes a few times its text; start there and grow.
        state.initialize(to: State(head: nil, next: nil, remaining: 0, chunkSize: max(16 * 1024, min(expectedBytes * 4, 4 * 1024 * 1024))))
    }

    deinit {
        var c = state.pointee.head
        while let chunk = c {
            c = chunk.load(as: UnsafeMutableRawPointer?.self)
            free(chunk)
        }
        state.deallocate()
    }

    static func allocate(_ s: UnsafeMutablePointer<State>, _ size: Int) -> UnsafeMutableRawPointer? {
        let n = (size + 15) & ~15
        if n > s.pointee.remaining {
            let size = max(s.pointee.chunkSize, n + 16)
            guard let c = malloc(size) else { return nil }
            c.storeBytes(of: s.pointee.head, as: UnsafeMutableRawPointer?.self)
            s.pointee.head = c
            s.pointee.next = c + 16
            s.pointee.remaining = size - 16
            s.pointee.chunkSize = min(s.pointee.chunkSize * 2, 16 * 1024 * 1024)
        }
        let p = s.pointee.next!
        s.pointee.next = p + n
        s.pointee.remaining -= n
        return p
    }

    // MARK: the calling thread's current arena

    nonisolated(unsafe) private static var key: pthread_key_t = 0

    /// Installs the allocator once; must run before any other jansson call.
    static let installed: Void = {
        pthread_key_create(&key, nil)
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
