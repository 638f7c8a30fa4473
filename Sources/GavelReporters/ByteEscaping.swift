/// Escaping by replacing bytes of a string's UTF-8: the one mechanism behind the reporters'
/// escapes (XML, Markdown cells, GitHub workflow commands, CSV quotes). A string with nothing
/// to replace (most of any report) is returned as it is; one with something copies the runs
/// between replacements.
enum ByteEscaping {
    /// `s` with each match of `replacement` replaced: given the bytes and a position, it
    /// returns the text to write there and how many bytes it stands for, or nil to keep the
    /// byte.
    @inline(__always)
    static func replacing(_ s: String, _ replacement: (UnsafeBufferPointer<UInt8>, Int) -> (StaticString, width: Int)?) -> String {
        var s = s
        let escaped: String? = s.withUTF8 { b in
            var out: [UInt8] = []
            var run = 0
            var i = 0
            while i < b.count {
                guard let (text, width) = replacement(b, i) else {
                    i += 1
                    continue
                }
                if out.isEmpty { out.reserveCapacity(b.count + 32) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<i]))
                out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
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
