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
    private var chunks: [UnsafeMutableRawPointer] = []
    private var next: UnsafeMutableRawPointer?
    private var remaining = 0
    private var chunkSize: Int

    init(expectedBytes: Int) {
        // A parsed document takes a few times its text; start there and grow.
        chunkSize = max(16 * 1024, min(expectedBytes * 4, 4 * 1024 * 1024))
    }

    deinit { for c in chunks { free(c) } }

    func allocate(_ size: Int) -> UnsafeMutableRawPointer? {
        let n = (size + 15) & ~15
        if n > remaining {
            let size = max(chunkSize, n)
            guard let c = malloc(size) else { return nil }
            chunks.append(c)
            next = c
            remaining = size
            chunkSize = min(chunkSize * 2, 16 * 1024 * 1024)
        }
        let p = next!
        next = p + n
        remaining -= n
        return p
    }

    // MARK: the calling thread's current arena

    nonisolated(unsafe) private static var key: pthread_key_t = 0

    /// Installs the allocator once; must run before any other jansson call.
    static let installed: Void = {
        pthread_key_create(&key, nil)
        json_set_alloc_funcs({ size in
            if let raw = pthread_getspecific(JSONArena.key) {
                return Unmanaged<JSONArena>.fromOpaque(raw).takeUnretainedValue().allocate(size)
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
        pthread_setspecific(JSONArena.key, Unmanaged.passUnretained(self).toOpaque())
        defer { pthread_setspecific(JSONArena.key, nil) }
        return body()
    }
}
