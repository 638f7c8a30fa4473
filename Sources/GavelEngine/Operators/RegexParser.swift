/// Parses ERE syntax into a tree and emits NFA instructions (see `Regex`).
struct RegexParser {
    indirect enum Node {
        case empty, byte(UInt8), set(ByteSet), any, lineStart, lineEnd
        case concat([Node]), alt([Node])
        case repeatNode(Node, min: Int, max: Int?)
    }

    let p: [UInt8]
    var i = 0
    var ignoreCase = false
    static let maxRepeat = 1000
    /// Groups nested deeper than this are refused: the parser and `emit` recurse once per
    /// group (RE2 sets the same limit).
    static let maxNesting = 1000
    /// The largest program a pattern may compile to, in instructions (about 3 MB). Counted
    /// repetitions multiply (`((a{1000}){1000}){10}` is ten million instructions), and a
    /// policy from a pull request must not be able to stall `gavel check` or exhaust memory,
    /// so the size is worked out on the tree before anything is emitted, as RE2's `max_mem`
    /// bounds its programs.
    static let maxProgram = 100_000
    private var depth = 0

    init(_ p: [UInt8]) { self.p = p }

    mutating func parseAll() throws(Regex.SyntaxError) -> Node {
        if p.starts(with: Array("(?i)".utf8)) { ignoreCase = true; i = 4 }
        let node = try parseAlt()
        if i < p.count {
            throw Regex.SyntaxError(message: "unmatched ')'", offset: i)
        }
        return node
    }

    private var peek: UInt8? { i < p.count ? p[i] : nil }

    private mutating func parseAlt() throws(Regex.SyntaxError) -> Node {
        var branches = [try parseConcat()]
        while peek == UInt8(ascii: "|") {
            i += 1
            branches.append(try parseConcat())
        }
        return branches.count == 1 ? branches[0] : .alt(branches)
    }

    private mutating func parseConcat() throws(Regex.SyntaxError) -> Node {
        var items: [Node] = []
        while let c = peek, c != UInt8(ascii: "|"), c != UInt8(ascii: ")") {
            var atom = try parseAtom()
            while let q = peek {
                let at = i
                if q == UInt8(ascii: "*") {
                    i += 1; atom = .repeatNode(atom, min: 0, max: nil)
                } else if q == UInt8(ascii: "+") {
                    i += 1; atom = .repeatNode(atom, min: 1, max: nil)
                } else if q == UInt8(ascii: "?") {
                    i += 1; atom = .repeatNode(atom, min: 0, max: 1)
                } else if q == UInt8(ascii: "{"), i + 1 < p.count, isDigit(p[i + 1]) {
                    let (lo, hi) = try parseBound()
                    atom = .repeatNode(atom, min: lo, max: hi)
                } else {
                    break
                }
                if case .repeatNode(let inner, _, _) = atom, case .lineStart = inner {
                    throw Regex.SyntaxError(message: "nothing to repeat before '\(Character(Unicode.Scalar(q)))'", offset: at)
                }
            }
            items.append(atom)
        }
        return items.count == 1 ? items[0] : (items.isEmpty ? .empty : .concat(items))
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    private mutating func parseNumber() -> Int? {
        var n = 0
        var any = false
        while let c = peek, isDigit(c) { n = min(n * 10 + Int(c - 48), 1_000_000); i += 1; any = true }
        return any ? n : nil
    }

    private mutating func parseBound() throws(Regex.SyntaxError) -> (Int, Int?) {
        let start = i
        i += 1
        let lo = parseNumber()!
        var hi: Int? = lo
        if peek == UInt8(ascii: ",") {
            i += 1
            hi = parseNumber()
        }
        guard peek == UInt8(ascii: "}") else {
            throw Regex.SyntaxError(message: "malformed repetition bound; expected {n}, {n,} or {n,m}", offset: start)
        }
        i += 1
        if let h = hi, h < lo { throw Regex.SyntaxError(message: "repetition bound {\(lo),\(h)} has max below min", offset: start) }
        if lo > RegexParser.maxRepeat || (hi ?? 0) > RegexParser.maxRepeat {
            throw Regex.SyntaxError(message: "repetition bound above \(RegexParser.maxRepeat)", offset: start)
        }
        return (lo, hi)
    }

    private mutating func parseAtom() throws(Regex.SyntaxError) -> Node {
        let at = i
        let c = p[i]
        i += 1
        switch c {
        case UInt8(ascii: "("):
            if peek == UInt8(ascii: "?") { throw Regex.SyntaxError(message: "'(?' groups are not supported (only a leading (?i))", offset: at) }
            guard depth < RegexParser.maxNesting else {
                throw Regex.SyntaxError(message: "groups nested deeper than \(RegexParser.maxNesting) levels", offset: at)
            }
            depth += 1
            defer { depth -= 1 }
            let inner = try parseAlt()
            guard peek == UInt8(ascii: ")") else { throw Regex.SyntaxError(message: "unmatched '('", offset: at) }
            i += 1
            return inner
        case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"):
            throw Regex.SyntaxError(message: "nothing to repeat before '\(Character(Unicode.Scalar(c)))'", offset: at)
        case UInt8(ascii: "."): return .any
        case UInt8(ascii: "^"): return .lineStart
        case UInt8(ascii: "$"): return .lineEnd
        case UInt8(ascii: "["): return try parseBracket(start: at)
        case UInt8(ascii: "\\"): return try parseEscape(start: at)
        default: return literal(c)
        }
    }

    private func literal(_ c: UInt8) -> Node {
        let isLetter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
        if ignoreCase, isLetter { var s = ByteSet(); s.insert(c); return .set(s.caseFolded) }
        return .byte(c)
    }

    private mutating func parseEscape(start: Int) throws(Regex.SyntaxError) -> Node {
        guard let c = peek else { throw Regex.SyntaxError(message: "pattern ends with a lone backslash", offset: start) }
        i += 1
        if let s = RegexParser.escapeClass(c) { return .set(s) }
        switch c {
        case UInt8(ascii: "n"): return .byte(10)
        case UInt8(ascii: "t"): return .byte(9)
        case UInt8(ascii: "r"): return .byte(13)
        default:
            let isAlnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
            if isAlnum { throw Regex.SyntaxError(message: "unsupported escape '\\\(Character(Unicode.Scalar(c)))'", offset: start) }
            return .byte(c)
        }
    }

    static func escapeClass(_ c: UInt8) -> ByteSet? {
        switch c {
        case UInt8(ascii: "d"): return posixClass("digit")
        case UInt8(ascii: "D"): return posixClass("digit")!.inverted
        case UInt8(ascii: "w"): var s = posixClass("alnum")!; s.insert(UInt8(ascii: "_")); return s
        case UInt8(ascii: "W"): var s = posixClass("alnum")!; s.insert(UInt8(ascii: "_")); return s.inverted
        case UInt8(ascii: "s"): return posixClass("space")
        case UInt8(ascii: "S"): return posixClass("space")!.inverted
        default: return nil
        }
    }

    static func posixClass(_ name: String) -> ByteSet? {
        var s = ByteSet()
        switch name {
        case "alpha": s.insert(65...90); s.insert(97...122)
        case "digit": s.insert(48...57)
        case "alnum": s.insert(65...90); s.insert(97...122); s.insert(48...57)
        case "upper": s.insert(65...90)
        case "lower": s.insert(97...122)
        case "space": for c: UInt8 in [32, 9, 10, 11, 12, 13] { s.insert(c) }
        case "blank": s.insert(32); s.insert(9)
        case "punct": s.insert(33...47); s.insert(58...64); s.insert(91...96); s.insert(123...126)
        case "xdigit": s.insert(48...57); s.insert(65...70); s.insert(97...102)
        case "cntrl": s.insert(0...31); s.insert(127)
        case "print": s.insert(32...126)
        case "graph": s.insert(33...126)
        default: return nil
        }
        return s
    }

    private mutating func parseBracket(start: Int) throws(Regex.SyntaxError) -> Node {
        var set = ByteSet()
        var negate = false
        if peek == UInt8(ascii: "^") { negate = true; i += 1 }
        var first = true
        while true {
            guard let c = peek else { throw Regex.SyntaxError(message: "unterminated bracket expression '['", offset: start) }
            if c == UInt8(ascii: "]"), !first { i += 1; break }
            first = false
            if c == UInt8(ascii: "["), i + 1 < p.count, p[i + 1] == UInt8(ascii: ":") {
                let nameStart = i + 2
                var j = nameStart
                while j + 1 < p.count, !(p[j] == UInt8(ascii: ":") && p[j + 1] == UInt8(ascii: "]")) { j += 1 }
                guard j + 1 < p.count else { throw Regex.SyntaxError(message: "unterminated character class '[:'", offset: i) }
                let name = String(decoding: p[nameStart..<j], as: UTF8.self)
                guard let cls = RegexParser.posixClass(name) else {
                    throw Regex.SyntaxError(message: "unknown character class '[:\(name):]'", offset: i)
                }
                set.formUnion(cls)
                i = j + 2
                continue
            }
            var lo = c
            i += 1
            if c == UInt8(ascii: "\\"), let e = peek {
                // An escape inside brackets: a class (\d) or a literal character.
                i += 1
                if let cls = RegexParser.escapeClass(e) { set.formUnion(cls); continue }
                lo = e == UInt8(ascii: "n") ? 10 : e == UInt8(ascii: "t") ? 9 : e
            }
            if peek == UInt8(ascii: "-"), i + 1 < p.count, p[i + 1] != UInt8(ascii: "]") {
                let rangeAt = i
                i += 1
                var hi = p[i]
                i += 1
                if hi == UInt8(ascii: "\\"), let e = peek { hi = e; i += 1 }
                guard lo <= hi else {
                    throw Regex.SyntaxError(
                        message: "invalid range '\(Character(Unicode.Scalar(lo)))-\(Character(Unicode.Scalar(hi)))' (end before start)", offset: rangeAt - 1)
                }
                set.insert(lo...hi)
            } else {
                set.insert(lo)
            }
        }
        if ignoreCase { set = set.caseFolded }
        return .set(negate ? set.inverted : set)
    }

    /// How many instructions `emit` makes of `node`, counted without making them; any
    /// figure over `cap` is reported as `cap + 1`.
    static func programSize(_ node: Node, cap: Int = maxProgram) -> Int {
        func bounded(_ n: Int) -> Int { min(n, cap + 1) }
        switch node {
        case .empty: return 0
        case .byte, .set, .any, .lineStart, .lineEnd: return 1
        case .concat(let items):
            var total = 0
            for n in items { total = bounded(total + programSize(n, cap: cap)) }
            return total
        case .alt(let branches):
            var total = 2 * (branches.count - 1)
            for b in branches { total = bounded(total + programSize(b, cap: cap)) }
            return bounded(total)
        case .repeatNode(let inner, let lo, let hi):
            let one = programSize(inner, cap: cap)
            let optional = hi.map { bounded(($0 - lo) * (one + 1)) } ?? (one + 2)
            return bounded(bounded(lo * one) + optional)
        }
    }

    static func emit(_ node: Node, into prog: inout [Inst]) {
        switch node {
        case .empty: break
        case .byte(let b): prog.append(.byte(b))
        case .set(let s): prog.append(.set(s))
        case .any: prog.append(.any)
        case .lineStart: prog.append(.lineStart)
        case .lineEnd: prog.append(.lineEnd)
        case .concat(let items): for n in items { emit(n, into: &prog) }
        case .alt(let branches):
            var jumps: [Int] = []
            for (k, b) in branches.enumerated() {
                if k < branches.count - 1 {
                    let split = prog.count
                    prog.append(.split(0, 0))
                    emit(b, into: &prog)
                    jumps.append(prog.count)
                    prog.append(.jump(0))
                    prog[split] = .split(split + 1, prog.count)
                } else {
                    emit(b, into: &prog)
                }
            }
            for j in jumps { prog[j] = .jump(prog.count) }
        case .repeatNode(let inner, let lo, let hi):
            for _ in 0..<lo { emit(inner, into: &prog) }
            if let hi {
                var splits: [Int] = []
                for _ in lo..<hi {
                    splits.append(prog.count)
                    prog.append(.split(0, 0))
                    emit(inner, into: &prog)
                }
                for s in splits { prog[s] = .split(s + 1, prog.count) }
            } else {
                let loop = prog.count
                prog.append(.split(0, 0))
                emit(inner, into: &prog)
                prog.append(.jump(loop))
                prog[loop] = .split(loop + 1, prog.count)
            }
        }
    }
}
