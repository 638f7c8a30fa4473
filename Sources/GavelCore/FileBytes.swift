import Foundation

/// A whole file read straight into a byte array. `FileManager.contents` gives `Data`, and
/// copying that into `[UInt8]` holds the file twice at the peak: 660 MB for a fleet's
/// 330 MB results document.
public enum FileBytes {
    /// Why a file could not be read: the system's words for errno ("No such file or
    /// directory", "Is a directory", "Permission denied").
    public struct ReadError: Error, CustomStringConvertible {
        public var code: Int32
        public init(code: Int32) { self.code = code }
        public var description: String { String(cString: strerror(code)) }
    }

    /// nil when the file cannot be opened or read.
    public static func read(_ path: String) -> [UInt8]? {
        try? contents(path)
    }

    /// The whole file; a device or pipe (`/dev/null`, `/dev/stdin`) is read to its end.
    public static func contents(_ path: String) throws(ReadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ReadError(code: errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ReadError(code: errno) }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw ReadError(code: EISDIR) }
        // A pipe or a device has no size to go by: it is all read in pieces below.
        let size = (st.st_mode & S_IFMT) == S_IFREG ? Int(st.st_size) : 0
        var failure: Int32 = 0
        var bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let r = Foundation.read(fd, buffer.baseAddress! + count, size - count)
                if r < 0, errno == EINTR { continue }
                if r < 0 { failure = errno }
                if r <= 0 { break }
                count += r
            }
        }
        // What the size did not cover (a pipe, or a file that grew meanwhile), to its end.
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while failure == 0 {
            let r = Foundation.read(fd, &chunk, chunk.count)
            if r < 0, errno == EINTR { continue }
            if r < 0 { failure = errno }
            if r <= 0 { break }
            bytes.append(contentsOf: chunk[..<r])
        }
        if failure != 0 { throw ReadError(code: failure) }
        return bytes
    }
}
