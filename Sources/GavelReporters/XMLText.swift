/// Escaping for XML 1.0 attribute values and text. Characters XML 1.0 cannot carry at all
/// (control characters other than tab, newline and carriage return, and U+FFFE/U+FFFF)
/// become U+FFFD.
enum XMLText {
    /// Works on the UTF-8 bytes: a string with nothing to escape (most of a report) is
    /// returned as it is, and one with something copies the runs between replacements.
    static func escape(_ s: String) -> String {
        var s = s
        let escaped: String? = s.withUTF8 { b in
            var out: [UInt8] = []
            var run = 0
            var i = 0
            while i < b.count {
                let c = b[i]
                let replacement: StaticString
                var width = 1
                switch c {
                case 0x26: replacement = "&amp;"
                case 0x3C: replacement = "&lt;"
                case 0x3E: replacement = "&gt;"
                case 0x22: replacement = "&quot;"
                case 0x27: replacement = "&apos;"
                case 0x09, 0x0A, 0x0D:
                    i += 1
                    continue
                case 0x00..<0x20: replacement = "\u{FFFD}"
                case 0xEF where i + 2 < b.count && b[i + 1] == 0xBF && (b[i + 2] == 0xBE || b[i + 2] == 0xBF):
                    replacement = "\u{FFFD}"   // U+FFFE, U+FFFF
                    width = 3
                default:
                    i += 1
                    continue
                }
                if out.isEmpty { out.reserveCapacity(b.count + 32) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<i]))
                out.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
                i += width
                run = i
            }
            if run == 0 { return nil }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run...]))
            return String(decoding: out, as: UTF8.self)
        }
        return escaped ?? s
    }
}
