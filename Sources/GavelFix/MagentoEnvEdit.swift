import GavelCollectors

/// Sets a value in the array Magento's app/etc/env.php returns, keeping everything else byte
/// for byte: the value at the path is replaced, or the missing part of the path is added as
/// nested arrays after the last element of the deepest array that exists, in the file's
/// indentation and line ends. Nil when the path runs into a value that is not an array, or
/// ends at an array.
public enum MagentoEnvEdit {
    public static func set(_ text: String, path: [String], literal: String) throws -> String? {
        var bytes = Array(text.utf8)
        guard !path.isEmpty, var node = try PHPArrayLayout.returned(in: bytes) else { return nil }
        let eol = text.contains("\r\n") ? "\r\n" : "\n"
        // The file's indentation step, from the returned array's first element.
        var fileStep = "    "
        if let first = node.elements.first {
            let outer = indentation(bytes, at: node.open), inner = indentation(bytes, at: first.start)
            if inner.count > outer.count { fileStep = String(inner.dropFirst(outer.count)) }
        }
        for (k, key) in path.enumerated() {
            if let e = node.elements.first(where: { $0.key == key }) {
                if k == path.count - 1 {
                    guard e.array == nil else { return nil }
                    bytes.replaceSubrange(e.valueStart..<e.valueEnd, with: Array(literal.utf8))
                    return String(decoding: bytes, as: UTF8.self)
                }
                guard let sub = e.array else { return nil }
                node = sub
                continue
            }
            // Add the rest of the path here.
            let outer = indentation(bytes, at: node.open)
            let inner = node.elements.first.map { indentation(bytes, at: $0.start) } ?? outer + fileStep
            let step = inner.count > outer.count ? String(inner.dropFirst(outer.count)) : fileStep
            func nest(_ keys: ArraySlice<String>, _ indent: String) -> String {
                let head = quote(keys.first!) + " => "
                if keys.count == 1 { return head + literal }
                return head + "[" + eol + indent + step + nest(keys.dropFirst(), indent + step) + eol + indent + "]"
            }
            let added = nest(path[k...], inner)
            if let last = node.elements.last {
                if let comma = node.trailingComma {
                    bytes.insert(contentsOf: Array((eol + inner + added + ",").utf8), at: comma + 1)
                } else {
                    bytes.insert(contentsOf: Array(("," + eol + inner + added).utf8), at: last.valueEnd)
                }
            } else {
                bytes.insert(contentsOf: Array((eol + inner + added + eol + outer).utf8), at: node.close)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        return nil
    }

    /// The leading blanks of the line holding byte `at`.
    static func indentation(_ bytes: [UInt8], at: Int) -> String {
        var start = at
        while start > 0, bytes[start - 1] != 0x0A { start -= 1 }
        var end = start
        while end < bytes.count, bytes[end] == 0x20 || bytes[end] == 0x09 { end += 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    static func quote(_ key: String) -> String {
        "'" + key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}
