/// The policy language's regular expressions: POSIX ERE syntax, matched as a search
/// (unanchored unless the pattern uses `^`/`$`) by a Thompson-NFA simulation, so
/// matching time is linear in the input and no pattern can backtrack exponentially.
///
/// Supported: literals, `.`, bracket expressions (`[a-z]`, `[^...]`, `[[:alpha:]]` and the
/// other POSIX classes), `^`, `$`, groups `( )`, alternation `|`, `*`, `+`, `?`, `{n}`,
/// `{n,}`, `{n,m}`; escapes `\.` (any punctuation), `\d \D \w \W \s \S \n \t \r`; a leading
/// `(?i)` makes the whole pattern case-insensitive (ASCII). Matching is on UTF-8 bytes.
///
/// The program is turned into a deterministic automaton when the pattern is compiled
/// (`RegexDFA`), so a search costs one table lookup per byte; a pattern whose automaton would
/// be too large is matched by the simulation instead.
public final class Regex: Sendable {
    public let pattern: String
    let program: [Inst]
    let dfa: RegexDFA?

    public struct SyntaxError: Error, Sendable {
        public var message: String
        /// 0-based character offset in the pattern.
        public var offset: Int
    }

    public init(_ pattern: String) throws(SyntaxError) {
        self.pattern = pattern
        var parser = RegexParser(Array(pattern.utf8))
        let tree = try parser.parseAll()
        guard RegexParser.programSize(tree) <= RegexParser.maxProgram else {
            throw SyntaxError(
                message:
                    "the pattern is too large: its repetitions expand to more than \(RegexParser.maxProgram) instructions (counts multiply when repeated groups nest)",
                offset: 0)
        }
        var program: [Inst] = []
        program.reserveCapacity(RegexParser.programSize(tree) + 1)
        RegexParser.emit(tree, into: &program)
        program.append(.match)
        self.program = program
        self.dfa = RegexDFA(program: program)
    }

    /// True when the pattern matches anywhere in `text`.
    public func search(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { search(bytes: $0) }
    }

    public func search(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // Optional chaining reads the automaton in place (`if let` would copy its tables' references).
        dfa?.search(bytes) ?? simulate(bytes)
    }

    /// The Thompson-NFA simulation: the reference the automaton is tested against.
    func simulate(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = program.count
        var current = SparseSet(capacity: n)
        var next = SparseSet(capacity: n)
        var stack: [Int] = []
        stack.reserveCapacity(16)
        for pos in 0...bytes.count {
            if add(0, pos, bytes.count, &current, &stack) { return true }
            if pos == bytes.count { break }
            let c = bytes[pos]
            next.clear()
            for i in 0..<current.count {
                let pc = current.dense[i]
                let step: Bool
                switch program[pc] {
                case .byte(let b): step = b == c
                case .set(let s): step = s.contains(c)
                case .any: step = true
                default: step = false
                }
                if step, add(pc + 1, pos + 1, bytes.count, &next, &stack) { return true }
            }
            swap(&current, &next)
        }
        return false
    }

    /// Adds a thread and follows its empty transitions; returns true on reaching `match`.
    private func add(_ start: Int, _ pos: Int, _ end: Int, _ list: inout SparseSet, _ stack: inout [Int]) -> Bool {
        stack.append(start)
        while let pc = stack.popLast() {
            if list.contains(pc) { continue }
            list.insert(pc)
            switch program[pc] {
            case .match: stack.removeAll(keepingCapacity: true); return true
            case .jump(let x): stack.append(x)
            case .split(let x, let y): stack.append(y); stack.append(x)
            case .lineStart: if pos == 0 { stack.append(pc + 1) }
            case .lineEnd: if pos == end { stack.append(pc + 1) }
            default: break
            }
        }
        return false
    }
}

enum Inst: Sendable {
    case byte(UInt8), set(ByteSet), any, split(Int, Int), jump(Int), match, lineStart, lineEnd
}

struct ByteSet: Sendable, Hashable {
    var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    static func == (a: ByteSet, b: ByteSet) -> Bool { a.bits == b.bits }
    func hash(into h: inout Hasher) { h.combine(bits.0); h.combine(bits.1); h.combine(bits.2); h.combine(bits.3) }

    func contains(_ c: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(c & 63)
        switch c >> 6 {
        case 0: return bits.0 & bit != 0
        case 1: return bits.1 & bit != 0
        case 2: return bits.2 & bit != 0
        default: return bits.3 & bit != 0
        }
    }

    mutating func insert(_ c: UInt8) {
        let bit = UInt64(1) << UInt64(c & 63)
        switch c >> 6 {
        case 0: bits.0 |= bit
        case 1: bits.1 |= bit
        case 2: bits.2 |= bit
        default: bits.3 |= bit
        }
    }

    mutating func insert(_ r: ClosedRange<UInt8>) { for c in r { insert(c) } }
    mutating func formUnion(_ o: ByteSet) { bits = (bits.0 | o.bits.0, bits.1 | o.bits.1, bits.2 | o.bits.2, bits.3 | o.bits.3) }
    var inverted: ByteSet { var s = ByteSet(); s.bits = (~bits.0, ~bits.1, ~bits.2, ~bits.3); return s }

    /// Adds the other ASCII case of every letter in the set.
    var caseFolded: ByteSet {
        var s = self
        for c in UInt8(65)...90 where contains(c) || contains(c + 32) { s.insert(c); s.insert(c + 32) }
        return s
    }
}

struct SparseSet {
    var dense: [Int]
    var sparse: [Int]
    var count = 0
    init(capacity: Int) {
        dense = [Int](repeating: 0, count: capacity)
        sparse = [Int](repeating: 0, count: capacity)
    }
    func contains(_ x: Int) -> Bool { let i = sparse[x]; return i < count && dense[i] == x }
    mutating func insert(_ x: Int) { dense[count] = x; sparse[x] = count; count += 1 }
    mutating func clear() { count = 0 }
}
