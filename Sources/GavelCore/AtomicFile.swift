import Foundation

/// Writes output files so a reader never sees half a file and a failed run leaves the old one.
public enum AtomicFile {
    public struct WriteError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Writes `data` to a temporary file beside `path`, flushes it, then renames it over `path`.
    public static func write(_ data: Data, to path: String) throws {
        try write(to: path) { emit in try emit(data) }
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    /// Streams a file: `body` hands its content to `emit` in pieces, which go to a temporary
    /// file beside `path`; when `body` returns, the file is flushed and renamed over `path`.
    /// If `body` or a write fails, the temporary file is removed and `path` is untouched.
    public static func write(to path: String, _ body: (_ emit: (Data) throws -> Void) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw WriteError(description: "cannot write \(path): directory \(dir) does not exist")
        }
        let tmp = dir + "/." + url.lastPathComponent + ".tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw WriteError(description: "cannot write \(path): cannot create \(tmp): \(String(cString: strerror(errno)))") }
        do {
            try body { data in
                try data.withUnsafeBytes { raw in
                    var done = 0
                    while done < raw.count {
                        let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
                        if n < 0 {
                            if errno == EINTR { continue }
                            throw WriteError(description: "cannot write \(path): \(String(cString: strerror(errno)))")
                        }
                        done += n
                    }
                }
            }
            guard fsync(fd) == 0 else { throw WriteError(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
        close(fd)
        if rename(tmp, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw WriteError(description: "cannot write \(path): \(reason)")
        }
    }
}
