/// RFC 6901 JSON Pointers, as snapshots use them for `provenance` and `unavailable`
/// (`/ini/session.cookie_secure`, `/a~1b` for the key `a/b`).
public enum JSONPointer {
    /// One reference token, escaped: `~` becomes `~0`, `/` becomes `~1`.
    public static func escape(_ token: String) -> String {
        guard token.utf8.contains(where: { $0 == 126 || $0 == 47 }) else { return token }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(token.utf8.count + 4)
        for b in token.utf8 {
            switch b {
            case 126: bytes += [126, 48]  // ~ -> ~0
            case 47: bytes += [126, 49]  // / -> ~1
            default: bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The unescaped reference tokens of `pointer` (none for "" or a string not starting with /).
    public static func tokens(_ pointer: String) -> [String] {
        guard pointer.hasPrefix("/") else { return [] }
        return pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }
}
