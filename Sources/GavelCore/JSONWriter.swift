/// Writes `Value` as JSON text. Member order is kept, so output is deterministic.
public enum JSONWriter {
    public static func string(_ v: Value, pretty: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(256)
        write(v, into: &out, pretty: pretty, indent: 0)
        return out
    }

    public static func write(_ v: Value, into out: inout String, pretty: Bool, indent: Int) {
        switch v {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += formatDouble(d)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (n, item) in items.enumerated() {
                if n > 0 { out += "," }
                if pretty { newline(&out, indent + 1) }
                write(item, into: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { newline(&out, indent) }
            out += "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (n, m) in members.enumerated() {
                if n > 0 { out += "," }
                if pretty { newline(&out, indent + 1) }
                writeString(m.key, into: &out)
                out += pretty ? ": " : ":"
                write(m.value, into: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { newline(&out, indent) }
            out += "}"
        }
    }

    private static func newline(_ out: inout String, _ indent: Int) {
        out += "\n"
        out += String(repeating: "  ", count: indent)
    }

    public static func formatDouble(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) + ".0" }
        return "\(d)"
    }

    /// Runs of characters that need no escape are appended whole; this is the hot loop of
    /// every results document.
    public static func writeString(_ s: String, into out: inout String) {
        out += "\""
        let utf8 = s.utf8
        var runStart = utf8.startIndex
        var i = runStart
        while i != utf8.endIndex {
            let b = utf8[i]
            if b == 0x22 || b == 0x5C || b < 0x20 {
                if runStart != i { out += s[runStart..<i] }
                switch b {
                case 0x22: out += "\\\""
                case 0x5C: out += "\\\\"
                case 0x0A: out += "\\n"
                case 0x0D: out += "\\r"
                case 0x09: out += "\\t"
                default:
                    let hex = String(b, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
                runStart = utf8.index(after: i)
            }
            i = utf8.index(after: i)
        }
        if runStart == utf8.startIndex { out += s } else if runStart != utf8.endIndex { out += s[runStart...] }
        out += "\""
    }
}
