/// PHP's `version_compare()`, reproduced step for step so that WordPress and Magento
/// versions order exactly as PHP orders them (`1.0-dev` < `1.0alpha` < `1.0rc1` < `1.0` < `1.0pl1`).
public enum VersionCompare {
    /// -1, 0 or 1.
    public static func compare(_ a: String, _ b: String) -> Int {
        compareBytes(Array(a.utf8), Array(b.utf8))
    }

    private static let special: [([UInt8], Int)] = [
        ("dev", 0), ("alpha", 1), ("a", 1), ("beta", 2), ("b", 2), ("RC", 3), ("rc", 3), ("#", 4), ("pl", 5), ("p", 5),
    ].map { (Array($0.0.utf8), $0.1) }
    private static let numberMarker = Array("#N#".utf8)

    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    private static func isAlnum(_ c: UInt8) -> Bool { isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }

    /// Inserts '.' between digit/non-digit runs and turns `-`, `_`, `+` and other
    /// non-alphanumerics into '.', never doubling a '.'.
    static func canonicalize(_ v: [UInt8]) -> [UInt8] {
        guard let first = v.first else { return [] }
        var out: [UInt8] = []
        out.reserveCapacity(v.count * 2)  // at most a dot before each byte: one allocation
        out.append(first)
        var last = first
        let dot = UInt8(ascii: ".")
        func isDig(_ x: UInt8) -> Bool { isDigit(x) && x != dot }
        func isNonDig(_ x: UInt8) -> Bool { !isDigit(x) && x != dot }
        for c in v.dropFirst() {
            let prev = out.last!
            if c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: "+") {
                if prev != dot { out.append(dot) }
            } else if (isNonDig(last) && isDig(c)) || (isDig(last) && isNonDig(c)) {
                if prev != dot { out.append(dot) }
                out.append(c)
            } else if !isAlnum(c) {
                if prev != dot { out.append(dot) }
            } else {
                out.append(c)
            }
            last = c
        }
        return out
    }

    private static func specialOrder(_ form: ArraySlice<UInt8>) -> Int {
        for (name, order) in special where form.starts(with: name) { return order }
        return -1
    }

    private static func sign(_ x: Int) -> Int { x < 0 ? -1 : (x > 0 ? 1 : 0) }

    /// strtol on a digit run (saturating).
    private static func number(_ s: ArraySlice<UInt8>) -> Int {
        var n = 0
        for c in s {
            guard isDigit(c) else { break }
            let (m, o1) = n.multipliedReportingOverflow(by: 10)
            let (r, o2) = m.addingReportingOverflow(Int(c - 48))
            if o1 || o2 { return Int.max }
            n = r
        }
        return n
    }

    static func compareBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty || b.isEmpty { return a.isEmpty && b.isEmpty ? 0 : (a.isEmpty ? -1 : 1) }
        let v1 = a.first == UInt8(ascii: "#") ? a : canonicalize(a)
        let v2 = b.first == UInt8(ascii: "#") ? b : canonicalize(b)
        let dot = UInt8(ascii: ".")
        // Walk both strings part by part, as PHP's strchr loop does.
        var p1 = 0, p2 = 0
        var n1: Int? = 0, n2: Int? = 0
        var result = 0
        func partEnd(_ v: [UInt8], _ from: Int) -> Int? { v[from...].firstIndex(of: dot) }
        func at(_ v: [UInt8], _ i: Int) -> UInt8 { i < v.count ? v[i] : 0 }
        while at(v1, p1) != 0, at(v2, p2) != 0, n1 != nil, n2 != nil {
            n1 = partEnd(v1, p1)
            n2 = partEnd(v2, p2)
            let s1 = v1[p1..<(n1 ?? v1.count)]
            let s2 = v2[p2..<(n2 ?? v2.count)]
            let d1 = isDigit(at(v1, p1)), d2 = isDigit(at(v2, p2))
            if d1 && d2 {
                let x = number(s1), y = number(s2)
                result = x == y ? 0 : (x < y ? -1 : 1)
            } else if !d1 && !d2 {
                result = sign(specialOrder(s1) - specialOrder(s2))
            } else if d1 {
                result = sign(specialOrder(numberMarker[...]) - specialOrder(s2))
            } else {
                result = sign(specialOrder(s1) - specialOrder(numberMarker[...]))
            }
            if result != 0 { break }
            if let e = n1 { p1 = e + 1 }
            if let e = n2 { p2 = e + 1 }
        }
        if result == 0 {
            if n1 != nil {
                result = isDigit(at(v1, p1)) ? 1 : compareBytes(Array(v1[min(p1, v1.count)...]), numberMarker)
            } else if n2 != nil {
                result = isDigit(at(v2, p2)) ? -1 : compareBytes(numberMarker, Array(v2[min(p2, v2.count)...]))
            }
        }
        return result
    }
}

/// A version range as advisories write it: `<5.3.2`, `>=2.0 <2.4.1`, `*`; alternatives with `||`.
public struct VersionRange: Sendable, CustomStringConvertible {
    public struct Constraint: Sendable {
        public var op: String
        public var version: String
        func holds(_ v: String) -> Bool {
            let c = VersionCompare.compare(v, version)
            switch op {
            case "<": return c < 0
            case "<=": return c <= 0
            case ">": return c > 0
            case ">=": return c >= 0
            case "!=": return c != 0
            default: return c == 0
            }
        }
    }

    public var alternatives: [[Constraint]]
    public let text: String
    public var description: String { text }

    public init?(_ text: String) {
        self.text = text
        var alts: [[Constraint]] = []
        for part in text.components(separatedBy: "||") {
            let tokens = part.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
            if tokens == ["*"] { alts.append([]); continue }
            var cs: [Constraint] = []
            for t in tokens {
                var op = "="
                for candidate in ["<=", ">=", "!=", "==", "<", ">", "="] where t.hasPrefix(candidate) { op = candidate; break }
                let v = String(t.dropFirst(op == "=" && !t.hasPrefix("=") ? 0 : op.count))
                guard !v.isEmpty, v.first!.isNumber else { return nil }
                cs.append(Constraint(op: op == "==" ? "=" : op, version: v))
            }
            if cs.isEmpty { return nil }
            alts.append(cs)
        }
        if alts.isEmpty { return nil }
        alternatives = alts
    }

    public func contains(_ version: String) -> Bool {
        alternatives.contains { $0.allSatisfy { $0.holds(version) } }
    }
}
