/// Escaping for XML 1.0 attribute values and text. Characters XML 1.0 cannot carry at all
/// (control characters other than tab, newline and carriage return, and U+FFFE/U+FFFF)
/// become U+FFFD.
package enum XMLText {
    package static func escape(_ s: String) -> String {
        ByteEscaping.replacing(s) { b, i in
            switch b[i] {
            case 0x26: return ("&amp;", 1)
            case 0x3C: return ("&lt;", 1)
            case 0x3E: return ("&gt;", 1)
            case 0x22: return ("&quot;", 1)
            case 0x27: return ("&apos;", 1)
            case 0x09, 0x0A, 0x0D: return nil
            case 0x00..<0x20: return ("\u{FFFD}", 1)
            case 0xEF where i + 2 < b.count && b[i + 1] == 0xBF && (b[i + 2] == 0xBE || b[i + 2] == 0xBF):
                return ("\u{FFFD}", 3)  // U+FFFE, U+FFFF
            default: return nil
            }
        }
    }
}
