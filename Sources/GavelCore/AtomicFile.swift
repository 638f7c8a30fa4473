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
        let dir = PathNames.folder(of: path)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw WriteError(description: "cannot write \(path): directory \(dir) does not exist")
        }
        // The temporary file gets an unpredictable name and is created exclusively (mkstemp:
        // O_CREAT|O_EXCL, which also refuses a symbolic link planted under that name), so
        // another user of a shared folder can neither guess it nor redirect the write.
        var template = Array(PathNames.join(dir, "." + PathNames.lastComponent(of: path) + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        let tmp = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        guard fd >= 0 else {
            throw WriteError(description: "cannot write \(path): cannot create a temporary file in \(dir): \(String(cString: strerror(errno)))")
        }
        // Everything Gavel writes can describe a site's weaknesses (evidence, observed values,
        // provenance), so a new file is readable by its owner only. A file that exists keeps
        // the mode its owner gave it.
        var st = stat()
        let mode: mode_t = stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG ? st.st_mode & 0o7777 : 0o600
        guard fchmod(fd, mode) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            unlink(tmp)
            throw WriteError(description: "cannot write \(path): \(reason)")
        }
        do {
            try body { data in try data.withUnsafeBytes { try writeAll(fd, $0, path) } }
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

    /// Writes all of `raw` to `fd` (for `path`, in the error), however many calls it takes.
    static func writeAll(_ fd: Int32, _ raw: UnsafeRawBufferPointer, _ path: String) throws {
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
