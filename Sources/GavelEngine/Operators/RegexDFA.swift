/// A deterministic automaton for a `Regex` program, built once when the policy is compiled.
///
/// Each state stands for the set of NFA threads the Thompson simulation would hold at a
/// position, so a search is one table lookup per input byte instead of a walk over every live
/// thread. Bytes the program cannot tell apart share a class, which keeps the table small.
/// Anchors: `^` holds only at the start, so the start state is its own state; `$` holds only
/// at the end, so each state records whether it matches when the text ends there.
/// Subset construction can blow up for some patterns; past `stateLimit` states no automaton
/// is built and `Regex` keeps using the simulation, which gives the same answers.
struct RegexDFA: Sendable {
    static let stateLimit = 1024

    /// Byte -> class.
    let classOf: [UInt8]
    let classCount: Int
    /// `transitions[state * classCount + class]`: the next state.
    let transitions: [Int32]
    /// The state holds a finished match: the search can stop with true.
    let matched: [Bool]
    /// The state matches if the text ends here (`$` satisfied).
    let matchedAtEnd: [Bool]

    /// Runs the automaton from the start state (state 0).
    func search(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var s = 0
        if matched[0] { return true }
        let k = classCount
        for c in bytes {
            s = Int(transitions[s &* k &+ Int(classOf[Int(c)])])
            if matched[s] { return true }
        }
        return matchedAtEnd[s]
    }

    init?(program: [Inst]) {
        // Byte classes: bytes accepted by exactly the same instructions are interchangeable.
        // Only the distinct tests matter (a program of 70,000 copies of one literal has a
        // handful), so each byte's signature is taken over those, not over every instruction.
        var distinctBytes = [Bool](repeating: false, count: 256)
        var distinctSets = Set<ByteSet>()
        for inst in program {
            switch inst {
            case .byte(let b): distinctBytes[Int(b)] = true
            case .set(let s): distinctSets.insert(s)
            default: break
            }
        }
        let tests = distinctSets.sorted { a, b in [a.bits.0, a.bits.1, a.bits.2, a.bits.3].lexicographicallyPrecedes([b.bits.0, b.bits.1, b.bits.2, b.bits.3]) }
        var signatures: [[Bool]: UInt8] = [:]
        var classOf = [UInt8](repeating: 0, count: 256)
        var representative: [UInt8] = []
        for c in 0...255 {
            let byte = UInt8(c)
            // A byte tested on its own is a class of its own; others differ only by the sets.
            let signature =
                [distinctBytes[c]] + (distinctBytes[c] ? (0..<256).map { $0 == c } : [])
                + tests.map { $0.contains(byte) }
            if let known = signatures[signature] {
                classOf[c] = known
            } else {
                guard signatures.count < 256 else { return nil }
                let id = UInt8(signatures.count)
                signatures[signature] = id
                classOf[c] = id
                representative.append(byte)
            }
        }
        let k = representative.count

        /// The threads reachable from `seeds` without consuming input, `^` and `$` as given.
        /// `seen` is one array for every call, a generation number marking what this call saw:
        /// clearing a program-sized array per call made building a large program's DFA quadratic.
        var seen = [UInt32](repeating: 0, count: program.count)
        var generation: UInt32 = 0
        func closure(_ seeds: [Int], start: Bool, end: Bool) -> [Int] {
            generation &+= 1
            if generation == 0 { for i in seen.indices { seen[i] = 0 }; generation = 1 }
            var out: [Int] = []
            var stack = seeds
            while let pc = stack.popLast() {
                if seen[pc] == generation { continue }
                seen[pc] = generation
                out.append(pc)
                switch program[pc] {
                case .jump(let x): stack.append(x)
                case .split(let x, let y): stack.append(y); stack.append(x)
                case .lineStart: if start { stack.append(pc + 1) }
                case .lineEnd: if end { stack.append(pc + 1) }
                default: break
                }
            }
            return out.sorted()
        }
        func hasMatch(_ pcs: [Int]) -> Bool {
            pcs.contains { if case .match = program[$0] { return true } else { return false } }
        }

        struct Key: Hashable { var pcs: [Int]; var atStart: Bool }
        var ids: [Key: Int32] = [:]
        var states: [Key] = []
        var transitions: [Int32] = []
        var matched: [Bool] = []
        var matchedAtEnd: [Bool] = []
        func state(_ key: Key) -> Int32? {
            if let id = ids[key] { return id }
            guard states.count < RegexDFA.stateLimit else { return nil }
            let id = Int32(states.count)
            ids[key] = id
            states.append(key)
            matched.append(hasMatch(key.pcs))
            matchedAtEnd.append(hasMatch(closure(key.pcs, start: key.atStart, end: true)))
            return id
        }
        // A search starts a new thread at every position; at position 0 `^` holds.
        guard state(Key(pcs: closure([0], start: true, end: false), atStart: true)) != nil else { return nil }
        var next = 0
        while next < states.count {
            let key = states[next]
            next += 1
            for cls in 0..<k {
                let byte = representative[cls]
                var stepped: [Int] = [0]
                for pc in key.pcs {
                    switch program[pc] {
                    case .byte(let b) where b == byte: stepped.append(pc + 1)
                    case .set(let s) where s.contains(byte): stepped.append(pc + 1)
                    case .any: stepped.append(pc + 1)
                    default: break
                    }
                }
                guard let to = state(Key(pcs: closure(stepped, start: false, end: false), atStart: false)) else { return nil }
                transitions.append(to)
            }
        }
        self.classOf = classOf
        self.classCount = k
        self.transitions = transitions
        self.matched = matched
        self.matchedAtEnd = matchedAtEnd
    }
}
