/// RFC 6901 JSON Pointers, as snapshots use them for `provenance` and `unavailable`
/// (`/ini/session.cookie_secure`, `/a~1b` for the key `a/b`).
public enum JSONPointer {
    /// One reference token, escaped: `~` becomes `~0`, `/` becomes `~1`.
    public static func escape(_ token: String) -> String {
        guard token.utf8.contains(where: { $0 == 126 || $0 == 47 }) else { return token }
        return token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// The unescaped reference tokens of `pointer` (none for "" or a string not starting with /).
    public static func tokens(_ pointer: String) -> [String] {
        guard pointer.hasPrefix("/") else { return [] }
        return pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }
}
