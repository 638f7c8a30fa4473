import GavelCore
import GavelJSON

/// Evaluates compiled conditions over one asset.
///
/// Runs in two modes: without evidence (`ev == nil`: short-circuits, allocates nothing but
/// observed values) for the common passing case, and with evidence for a rule that did not
/// pass, where every leaf that decided the outcome is recorded.
struct Evaluator {
    enum PathPart { case key(String), index(Int) }

    struct Frame {
        var node: JSONNode
        var kind: Int
        var parts: [PathPart]
    }

    let asset: AssetView
    var frames: [Frame] = []

    init(asset: AssetView) { self.asset = asset }

    mutating func eval(_ c: Cond, _ ev: inout [Record]?) -> Truth {
        switch c {
        case .leaf(let l): return leaf(l, &ev)
        case .not(let x): return eval(x, &ev).negated
        case .all(let xs): return combine(xs, all: true, &ev)
        case .any(let xs): return combine(xs, all: false, &ev)
        case .none(let xs): return combine(xs, all: false, &ev).negated
        case .quantifier(let q): return quantifier(q, &ev)
        }
    }

    /// Three-valued all/any. With evidence, keeps the evidence of the parts that agree
    /// with the combined result: the failing parts of a failing `all`, and so on.
    private mutating func combine(_ xs: [Cond], all: Bool, _ ev: inout [Record]?) -> Truth {
        let decisive: Truth = all ? .no : .yes
        if ev == nil {
            var unknown = false
            for x in xs {
                var none: [Record]? = nil
                let r = eval(x, &none)
                if r == decisive { return decisive }
                if r == .unknown { unknown = true }
            }
            return unknown ? .unknown : decisive.negated
        }
        var results: [(Truth, [Record])] = []
        for x in xs {
            var sub: [Record]? = []
            let r = eval(x, &sub)
            results.append((r, sub ?? []))
        }
        let result = Evaluator.fold(results.map(\.0), all: all)
        for (r, e) in results where r == result { ev!.append(contentsOf: e) }
        return result
    }

    static func fold(_ rs: [Truth], all: Bool) -> Truth {
        let decisive: Truth = all ? .no : .yes
        if rs.contains(decisive) { return decisive }
        if rs.contains(.unknown) { return .unknown }
        return decisive.negated
    }

    // MARK: Quantifiers

    private mutating func quantifier(_ q: Quantifier, _ ev: inout [Record]?) -> Truth {
        let collecting = ev != nil
        func missing(_ problem: CollectionProblem, _ ev: inout [Record]?) -> Truth { self.missing(problem, q, &ev) }
        guard let start = base(q.path) else {
            return missing(CollectionProblem(absent: true, parts: [], kind: baseKind(q.path), observed: nil, note: "missing evidence: no \(q.path.text)"), &ev)
        }
        switch q.kind {
        case .every, .some:
            let all: Bool
            if case .every = q.kind { all = true } else { all = false }
            if collecting { return quantifierEvidence(q, start, all: all, &ev) }
            let decisive: Truth = all ? .no : .yes
            var unknown = false
            var decided = false
            var gaps: [CollectionProblem] = []
            let problem = Evaluator.walk(start, q.path.steps[...], seenWildcard: false, collecting: false, asset: asset, gaps: &gaps) { el in
                guard let r = elementTruth(q, el) else { return true }
                if r == decisive { decided = true; return false }
                if r == .unknown { unknown = true }
                return true
            }
            if let problem { return missing(problem, &ev) }
            // An element whose path runs into an unreadable part is an unknown element.
            return decided ? decisive : (unknown || !gaps.isEmpty) ? .unknown : decisive.negated
        case .count(let test):
            var n = 0
            var errors: [Record] = []
            var unknown = false
            var undecided = 0
            var gaps: [CollectionProblem] = []
            let problem = Evaluator.walk(start, q.path.steps[...], seenWildcard: false, collecting: collecting, asset: asset, gaps: &gaps) { el in
                guard let f = q.filter else { n += 1; return true }
                frames.append(el)
                defer { frames.removeLast() }
                var sub: [Record]? = collecting ? [] : nil
                let r = eval(f, &sub)
                if r == .yes { n += 1 } else if r == .unknown { unknown = true; undecided += 1; errors += sub ?? [] }
                return true
            }
            if let problem { return missing(problem, &ev) }
            if !gaps.isEmpty { unknown = true; errors += collecting ? gaps.map { gapRecord($0, q) } : [] }
            let result: Truth = unknown ? .unknown : (test.holds(Double(n)) ? .yes : .no)
            if collecting {
                let (parts, kind) = concreteParts(q.path, stopAtWildcard: true)
                ev!.append(record(parts, kind, observed: .int(Int64(n)), op: "count \(test.relation.rawValue)", expected: number(test.operand),
                                  coercion: nil, result: result, note: countNote(n, filtered: q.filter != nil, undecided: undecided + gaps.count)))
                ev!.append(contentsOf: errors)
            }
            return result
        }
    }

    /// One element of `every` / `some`, without evidence: nil when `where` leaves it out.
    private mutating func elementTruth(_ q: Quantifier, _ el: Frame) -> Truth? {
        frames.append(el)
        defer { frames.removeLast() }
        var none: [Record]? = nil
        var r: Truth = .yes
        if let f = q.filter { r = eval(f, &none) }
        if r == .no { return nil }
        if r == .yes { r = eval(q.check!, &none) }
        return r
    }

    /// A quantifier's collection is absent (`missing:` decides) or not a collection (unknown).
    private func missing(_ problem: CollectionProblem, _ q: Quantifier, _ ev: inout [Record]?) -> Truth {
        let r: Truth = problem.absent ? (q.missing == .pass ? .yes : q.missing == .fail ? .no : .unknown) : .unknown
        if ev != nil {
            ev!.append(record(problem.parts, problem.kind, observed: problem.observed, op: quantifierName(q), expected: quantifierOperand(q),
                              coercion: nil, result: r, note: problem.note))
        }
        return r
    }

    /// `every` / `some` with evidence. The elements are first decided without evidence (no
    /// records, no paths: the cheap mode); only those whose truth is the quantifier's result
    /// are evaluated again to record why, which is the evidence the result keeps. An `every`
    /// that fails on 2 of 48 locations builds the records of those 2, not of all 48.
    private mutating func quantifierEvidence(_ q: Quantifier, _ start: Frame, all: Bool, _ ev: inout [Record]?) -> Truth {
        var elements: [(Frame, Truth)] = []
        var gaps: [CollectionProblem] = []
        let problem = Evaluator.walk(start, q.path.steps[...], seenWildcard: false, collecting: true, asset: asset, gaps: &gaps) { el in
            if let r = elementTruth(q, el) { elements.append((el, r)) }
            return true
        }
        if let problem { return missing(problem, q, &ev) }
        // An element whose path runs into an unreadable part is an unknown element.
        let result = Evaluator.fold(elements.map(\.1) + gaps.map { _ in .unknown }, all: all)
        for (el, r) in elements where r == result {
            frames.append(el)
            defer { frames.removeLast() }
            var sub: [Record]? = []
            var again: Truth = .yes
            if let f = q.filter { again = eval(f, &sub) }
            if again == .yes { sub = []; again = eval(q.check!, &sub) }
            ev!.append(contentsOf: sub ?? [])
        }
        if result == .unknown { for g in gaps { ev!.append(gapRecord(g, q)) } }
        return result
    }

    /// "3 element(s) match 'where'", and when some could not be decided, how many: a count
    /// that errs says why rather than giving a number that looks final.
    private func countNote(_ n: Int, filtered: Bool, undecided: Int) -> String {
        let counted = filtered ? "\(n) element(s) match 'where'" : "\(n) element(s)"
        guard undecided > 0 else { return counted }
        return "count unknown: \(counted), and for \(undecided) more it could not be decided"
    }

    private func gapRecord(_ p: CollectionProblem, _ q: Quantifier) -> Record {
        record(p.parts, p.kind, observed: nil, op: quantifierName(q), expected: quantifierOperand(q), coercion: nil, result: .unknown, note: p.note)
    }

    private func quantifierName(_ q: Quantifier) -> String {
        switch q.kind {
        case .every: return "every"
        case .some: return "some"
        case .count(let t): return "count \(t.relation.rawValue)"
        }
    }

    private func quantifierOperand(_ q: Quantifier) -> Value {
        if case .count(let t) = q.kind { return number(t.operand) }
        return .null
    }

    private func number(_ d: Double) -> Value { d == d.rounded() && abs(d) < 1e15 ? .int(Int64(d)) : .double(d) }

    struct CollectionProblem: Error {
        var absent: Bool
        var parts: [PathPart]
        var kind: Int?
        var observed: Value?
        var note: String
    }

    /// Visits the elements a quantifier path denotes, in document order; `[*]` fans out over
    /// array elements or object values, and nested `[*]` flatten. `visit` returns false to
    /// stop early. Returns a problem when the path is absent before its first `[*]`, or a
    /// `[*]` there meets a scalar; after a `[*]`, elements lacking the rest are skipped, except
    /// that one running into a part the collector declared unavailable goes to `gaps`.
    static func walk(_ f: Frame, _ steps: ArraySlice<CompiledPath.Step>, seenWildcard: Bool, collecting: Bool, asset: AssetView,
                     gaps: inout [CollectionProblem], _ visit: (Frame) -> Bool) -> CollectionProblem? {
        var stopped = false
        return walk(f, steps, seenWildcard, collecting, asset, &gaps, &stopped, visit)
    }

    /// The evidence note for a part the collector declared unavailable.
    static func notCollectable(_ gap: AssetView.Gap) -> String {
        "not collectable: \(gap.reason) (\(gap.pointer))"
    }

    private static func walk(_ f: Frame, _ steps: ArraySlice<CompiledPath.Step>, _ seen: Bool, _ collecting: Bool, _ asset: AssetView,
                             _ gaps: inout [CollectionProblem], _ stopped: inout Bool, _ visit: (Frame) -> Bool) -> CollectionProblem? {
        guard let step = steps.first else {
            if !visit(f) { stopped = true }
            return nil
        }
        let rest = steps.dropFirst()
        func absent(_ part: PathPart) -> CollectionProblem? {
            let token: String
            switch part { case .key(let k): token = k; case .index(let i): token = String(i) }
            if let gap = asset.gap(under: f.node, token) {
                let p = CollectionProblem(absent: false, parts: f.parts + [part], kind: f.kind, observed: nil, note: notCollectable(gap))
                if !seen { return p }
                gaps.append(p)
                return nil
            }
            if seen { return nil }
            let parts = f.parts + [part]
            return CollectionProblem(absent: true, parts: parts, kind: f.kind, observed: nil,
                                     note: "missing evidence: \(display(parts, f.kind)) is absent")
        }
        switch step {
        case .key(let k):
            guard let n = f.node.member(k) else { return absent(.key(k.text)) }
            return walk(Frame(node: n, kind: f.kind, parts: collecting ? f.parts + [.key(k.text)] : []), rest, seen, collecting, asset, &gaps, &stopped, visit)
        case .index(let i):
            guard let n = f.node.element(i) else { return absent(.index(i)) }
            return walk(Frame(node: n, kind: f.kind, parts: collecting ? f.parts + [.index(i)] : []), rest, seen, collecting, asset, &gaps, &stopped, visit)
        case .wildcard:
            switch f.node.type {
            case .array:
                for i in 0..<f.node.count where !stopped {
                    let child = Frame(node: f.node.element(i)!, kind: f.kind, parts: collecting ? f.parts + [.index(i)] : [])
                    if let p = walk(child, rest, true, collecting, asset, &gaps, &stopped, visit) { return p }
                }
            case .object:
                var problem: CollectionProblem?
                var stop = stopped
                f.node.forEachMember(until: { stop }) { key, value in
                    let child = Frame(node: value, kind: f.kind, parts: collecting ? f.parts + [.key(key())] : [])
                    problem = walk(child, rest, true, collecting, asset, &gaps, &stop, visit)
                    if problem != nil { stop = true }
                }
                stopped = stop
                return problem
            default:
                if seen { return nil }
                let v = f.node.toValue()
                return CollectionProblem(absent: false, parts: f.parts, kind: f.kind, observed: v,
                                         note: "\(display(f.parts, f.kind)) is \(v.typeName), not an array or object")
            }
            return nil
        }
    }

    private func baseKind(_ path: CompiledPath) -> Int? {
        switch path.base {
        case .kind(let k): return k
        case .element: return frames.last?.kind
        }
    }

    private func base(_ path: CompiledPath) -> Frame? {
        switch path.base {
        case .kind(let k):
            guard let n = asset.roots[k] else { return nil }
            return Frame(node: n, kind: k, parts: [])
        case .element:
            return frames.last
        }
    }

    // MARK: Leaves

    private mutating func leaf(_ l: Leaf, _ ev: inout [Record]?) -> Truth {
        var node: JSONNode?
        var gap: AssetView.Gap?
        if let start = base(l.path) {
            node = start.node
            for step in l.path.steps {
                let parent = node!
                switch step {
                case .key(let k):
                    node = parent.member(k)
                    if node == nil { gap = asset.gap(under: parent, k.text) }
                case .index(let i):
                    node = parent.element(i)
                    if node == nil { gap = asset.gap(under: parent, String(i)) }
                case .wildcard: node = nil
                }
                if node == nil { break }
            }
        }
        if let gap {
            // The collector could not read this part: unknown, whatever `missing:` or `exists` say.
            if ev != nil { ev!.append(leafRecord(l, observed: nil, result: .unknown, note: Evaluator.notCollectable(gap))) }
            return .unknown
        }
        if case .exists(let want) = l.op {
            let r: Truth = (node != nil) == want ? .yes : .no
            if ev != nil { ev!.append(leafRecord(l, observed: node?.toValue(), result: r, note: node == nil ? "absent" : nil)) }
            return r
        }
        guard let node else {
            let r: Truth = l.missing == .pass ? .yes : l.missing == .fail ? .no : .unknown
            if ev != nil {
                let (parts, kind) = concreteParts(l.path, stopAtWildcard: false)
                let note = r == .unknown ? "missing evidence: \(Evaluator.display(parts, kind))" : "absent (missing: \(l.missing!.rawValue))"
                ev!.append(leafRecord(l, observed: nil, result: r, note: note))
            }
            return r
        }
        let raw = node.toValue()
        let out = Evaluator.decide(l, raw)
        if ev != nil { ev!.append(leafRecord(l, observed: raw, result: out.truth, note: out.note)) }
        return out.truth
    }

    /// A present value through the leaf's coercion and operator (`exists` aside).
    static func decide(_ l: Leaf, _ raw: Value) -> OpResult {
        var value = raw
        if let c = l.coercion {
            switch c.apply(raw) {
            case .success(let v): value = v
            case .failure(let f): return .error(f.message)
            }
        }
        return l.op.apply(value)
    }

    static func decide(_ l: Leaf, _ node: JSONNode) -> OpResult { decide(l, node.toValue()) }

    private func leafRecord(_ l: Leaf, observed: Value?, result: Truth, note: String?) -> Record {
        let (parts, kind) = concreteParts(l.path, stopAtWildcard: false)
        return record(parts, kind, observed: observed, op: l.opName, expected: l.expected, coercion: l.coercion?.rawValue, result: result, note: note)
    }

    private func record(_ parts: [PathPart], _ kind: Int?, observed: Value?, op: String, expected: Value, coercion: String?, result: Truth, note: String?) -> Record {
        Record(parts: parts, kind: kind, observed: observed, op: op, expected: expected, coercion: coercion, result: result, note: note)
    }

    /// A leaf's evidence as recorded while evaluating. Its display path and provenance are
    /// worked out by `evidence(_:)`, only for the records a result keeps: a failing `every`
    /// over 48 locations evaluates all of them but reports only those that failed.
    struct Record {
        var parts: [PathPart]
        var kind: Int?
        var observed: Value?
        var op: String
        var expected: Value
        var coercion: String?
        var result: Truth
        var note: String?
    }

    /// The reported form of a record: display path, kind name and provenance.
    func evidence(_ r: Record) -> Evidence {
        Evidence(path: Evaluator.display(r.parts, r.kind), kind: r.kind.map { SnapshotKinds.known[$0] }, observed: r.observed, op: r.op,
                 expected: r.expected, coercion: r.coercion, result: r.result, note: r.note, provenance: provenance(r.parts, r.kind))
    }

    /// The concrete parts (kind-relative) of a path in the current element context.
    private func concreteParts(_ path: CompiledPath, stopAtWildcard: Bool) -> ([PathPart], Int?) {
        var parts: [PathPart]
        let kind: Int?
        switch path.base {
        case .kind(let k): parts = []; kind = k
        case .element: parts = frames.last?.parts ?? []; kind = frames.last?.kind
        }
        for step in path.steps {
            switch step {
            case .key(let k): parts.append(.key(k.text))
            case .index(let i): parts.append(.index(i))
            case .wildcard: if stopAtWildcard { return (parts, kind) }
            }
        }
        return (parts, kind)
    }

    /// `nginx.servers[2]."ssl.x"`: the language's own path syntax, with real indices.
    static func display(_ parts: [PathPart], _ kind: Int?) -> String {
        var s = kind.map { SnapshotKinds.known[$0] } ?? "."
        for p in parts {
            switch p {
            case .index(let i): s += "[\(i)]"
            case .key(let k):
                if Evaluator.isPlainKey(k) {
                    s += "."
                    s += k
                } else {
                    s += ".\""
                    for ch in k.unicodeScalars { if ch == "\"" || ch == "\\" { s += "\\" }; s.unicodeScalars.append(ch) }
                    s += "\""
                }
            }
        }
        return s
    }

    /// An identifier key (`[A-Za-z_][A-Za-z0-9_-]*`) needs no quotes in a path. ASCII checks only:
    /// this runs for every evidence record.
    static func isPlainKey(_ k: String) -> Bool {
        var first = true
        for b in k.utf8 {
            let letter = (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95
            let digitOrDash = (b >= 48 && b <= 57) || b == 45
            if !(letter || (!first && digitOrDash)) { return false }
            first = false
        }
        return !first
    }

    /// Looks the JSON Pointer of `parts` up in the snapshot's provenance map, walking up to
    /// the nearest ancestor that has an entry.
    /// The provenance of the nearest ancestor (or the value itself) the snapshot's
    /// provenance map has an entry for. The pointer is built once and cut back one token at
    /// a time (an escaped token never contains `/`).
    private func provenance(_ parts: [PathPart], _ kind: Int?) -> String? {
        guard let kind, let map = asset.provenance[kind] else { return nil }
        // The pointer's bytes, looked up whole and then without its last token, and so on.
        var pointer: [UInt8] = []
        pointer.reserveCapacity(64)
        for p in parts {
            pointer.append(UInt8(ascii: "/"))
            switch p {
            case .index(let i): pointer.append(contentsOf: String(i).utf8)
            case .key(let k): pointer.append(contentsOf: JSONPointer.escape(k).utf8)
            }
        }
        var end = pointer.count
        while true {
            let hit = end == 0 ? map.member("") : pointer.withUnsafeBufferPointer { map.member(bytes: $0.baseAddress!, count: end) }
            if let text = hit?.string { return text }
            guard let cut = pointer[..<end].lastIndex(of: UInt8(ascii: "/")) else { return nil }
            end = cut
        }
    }
}

import Foundation
