import GavelCore

/// A control of a framework catalog (`soc2:CC6.1`).
public struct ControlRef: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var framework: String
    public var id: String
    public var description: String { "\(framework):\(id)" }
    /// Natural order, so A.8.3 sorts before A.8.15.
    public static func < (a: ControlRef, b: ControlRef) -> Bool {
        a.framework != b.framework ? a.framework < b.framework : naturalLess(a.id, b.id)
    }

    package static func naturalLess(_ a: String, _ b: String) -> Bool {
        func runs(_ s: String) -> [(String, Int?)] {
            var out: [(String, Int?)] = []
            var cur = ""
            var digits = false
            for ch in s {
                if ch.isASCII && ch.isNumber != digits && !cur.isEmpty { out.append((cur, digits ? Int(cur) : nil)); cur = "" }
                digits = ch.isASCII && ch.isNumber
                cur.append(ch)
            }
            if !cur.isEmpty { out.append((cur, digits ? Int(cur) : nil)) }
            return out
        }
        for (x, y) in zip(runs(a), runs(b)) where x.0 != y.0 {
            if let i = x.1, let j = y.1, i != j { return i < j }
            return x.0 < y.0
        }
        return a.count < b.count
    }
    public init(framework: String, id: String) {
        self.framework = framework
        self.id = id
    }
}
