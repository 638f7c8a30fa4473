import Foundation
import GavelCore
import GavelJSON
import GavelResults

/// The condition tree over one asset: the mechanics of the two roles that use it,
/// `EvidenceRecorder` (a rule that did not pass, following its plan) and
/// `ReferenceEvaluator` (the tree alone, the agreement tests' oracle). Create those, not this.
///
/// Runs without evidence (`ev == nil`: short-circuits, allocates nothing but observed
/// values) or with evidence, where every leaf that decided the outcome is recorded.
struct Evaluator {
    enum PathPart { case key(String), index(Int) }

    struct Frame {
        var node: JSONNode
        var kind: Int
        var parts: [PathPart]
    }

    let asset: AssetView
    /// The element relative paths start from: the innermost quantifier's current element.
    /// Set for the element's evaluation and put back after it.
    var frame: Frame?
    /// The rule's flat plan, when the caller keeps the rule alive: a quantifier's elements
    /// are then decided on it (the pass path's code) before any is recorded.
    let fast: PlanEvaluator?

    /// `plan` must outlive the evaluator (see `PlanEvaluator`).
    init(asset: AssetView, plan: FlatPlan?) {
        self.asset = asset
        fast = plan.map { PlanEvaluator(plan: $0, asset: asset) }
    }

    /// `c` on the tree alone.
    mutating func eval(_ c: Cond, _ ev: inout [Record]?) -> Truth { eval(c, -1, &ev) }

    /// `c`, which is node `n` of the plan the evaluator was given (-1: none, or not known).
    /// With the node, the parts of a condition and the elements of a quantifier are decided
    /// on the plan first, and only those whose evidence the result keeps are evaluated again
    /// to record it.
    mutating func eval(_ c: Cond, _ n: Int32, _ ev: inout [Record]?) -> Truth {
        let n = fast == nil ? -1 : n
        assert(n < 0 || Evaluator.sameShape(c, n, fast!.plan), "the condition tree and node \(n) of its plan differ")
        switch c {
        case .leaf(let l): return leaf(l, &ev)
        case .not(let x): return eval(x, n < 0 ? -1 : fast!.plan.nodes[Int(n)].a, &ev).negated
        case .all(let xs): return combine(xs, n, all: true, &ev)
        case .any(let xs): return combine(xs, n, all: false, &ev)
        case .none(let xs): return combine(xs, n, all: false, &ev).negated
        case .quantifier(let q): return quantifier(q, n, &ev)
        }
    }

    /// Three-valued all/any. With evidence, keeps the evidence of the parts that agree
    /// with the combined result: the failing parts of a failing `all`, and so on.
    private mutating func combine(_ xs: [Cond], _ n: Int32, all: Bool, _ ev: inout [Record]?) -> Truth {
        let decisive: Truth = all ? .no : .yes
        if ev == nil {
            var unknown = false
            for (i, x) in xs.enumerated() {
                var none: [Record]? = nil
                let r = eval(x, kid(n, i), &none)
                if r == decisive { return decisive }
                if r == .unknown { unknown = true }
            }
            return unknown ? .unknown : decisive.negated
        }
        // A single part is the result: its records are all kept.
        if xs.count == 1 { return eval(xs[0], kid(n, 0), &ev) }
        if n >= 0, let fast {
            // Each part decided on the plan; only the parts that agree with the result are
            // evaluated again, straight into `ev`: the same records, in the same order.
            return withUnsafeTemporaryAllocation(of: Truth.self, capacity: xs.count) { truths in
                let el = frame?.node
                for i in xs.indices { truths[i] = fast.eval(kid(n, i), el) }
                let result = Evaluator.fold(truths, all: all)
                for i in xs.indices where truths[i] == result { _ = eval(xs[i], kid(n, i), &ev) }
                return result
            }
        }
        // Each part's records go into one buffer, ending at `ends[i]`.
        var records: [Record]? = []
        var truths: [Truth] = []
        var ends: [Int] = []
        truths.reserveCapacity(xs.count)
        ends.reserveCapacity(xs.count)
        for x in xs {
            truths.append(eval(x, &records))
            ends.append(records!.count)
        }
        let result = Evaluator.fold(truths, all: all)
        var start = 0
        for i in truths.indices {
            if truths[i] == result { ev!.append(contentsOf: records![start..<ends[i]]) }
            start = ends[i]
        }
        return result
    }

    /// Whether plan node `n` is the flat form of `c`: the same kind of node, with as many
    /// parts, and for a leaf the very `Leaf` (checked in debug builds as the recorder follows
    /// the plan: the two are built together, and an index that drifted would record the
    /// evidence of another condition).
    static func sameShape(_ c: Cond, _ n: Int32, _ plan: FlatPlan) -> Bool {
        let node = plan.nodes[Int(n)]
        switch (c, node.tag) {
        case (.leaf(let l), .leaf): return plan.leaves[Int(node.a)] === l
        case (.not, .not): return true
        case (.all(let xs), .all), (.any(let xs), .any), (.none(let xs), .none): return Int(node.b) == xs.count
        case (.quantifier(let q), .every): if case .every = q.kind { return true } else { return false }
        case (.quantifier(let q), .some): if case .some = q.kind { return true } else { return false }
        case (.quantifier(let q), .count): if case .count = q.kind { return true } else { return false }
        default: return false
        }
    }

    /// Part `i` of group node `n` of the plan, or -1.
    private func kid(_ n: Int32, _ i: Int) -> Int32 {
        n < 0 ? -1 : fast!.plan.kids[Int(fast!.plan.nodes[Int(n)].a) + i]
    }

    static func fold(_ rs: some Collection<Truth>, all: Bool) -> Truth {
        let decisive: Truth = all ? .no : .yes
        if rs.contains(decisive) { return decisive }
        if rs.contains(.unknown) { return .unknown }
        return decisive.negated
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
                let (prefix, kind) = elementPlace(l.path)
                let note =
                    r == .unknown
                    ? "missing evidence: \(Evaluator.display(prefix, l.path.tail, kind))"
                    : l.missing == .pass ? "absent (missing: pass)" : "absent (missing: fail)"
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
        let (prefix, kind) = elementPlace(l.path)
        return Record(
            prefix: prefix, tail: l.path.tail, kind: kind, observed: observed, op: l.opName, expected: l.expected,
            coercion: l.coercion?.rawValue, result: result, note: note)
    }

    func record(_ parts: [PathPart], _ kind: Int?, observed: Value?, op: String, expected: Value, coercion: String?, result: Truth, note: String?) -> Record {
        Record(prefix: parts, tail: nil, kind: kind, observed: observed, op: op, expected: expected, coercion: coercion, result: result, note: note)
    }

    /// A leaf's evidence as recorded while evaluating. Its display path and provenance are
    /// worked out by `evidence(_:)`, only for the records a result keeps: a failing `every`
    /// over 48 locations evaluates all of them but reports only those that failed.
    struct Record {
        /// The concrete path: the element's parts (shared with its frame, not copied), then
        /// the written steps, named when the policy was compiled.
        var prefix: [PathPart]
        var tail: PathTail?
        var kind: Int?
        var observed: Value?
        var op: String
        var expected: Value
        var coercion: String?
        var result: Truth
        var note: String?

        /// Room for the records of most failing rules, so that recording them does not
        /// grow the array a record at a time.
        static func buffer() -> [Record] {
            var records: [Record] = []
            records.reserveCapacity(8)
            return records
        }

        /// Whether both records name one value by the same written path from the same
        /// kind, outside any element: then their display paths and provenance are the same.
        /// The compiler gives equal paths one tail, so comparing tails is an identity check.
        func names(sameValueAs other: Record) -> Bool {
            prefix.isEmpty && other.prefix.isEmpty && kind == other.kind && tail != nil && tail === other.tail
        }
    }

    /// The reported form of a record: display path, kind name and provenance.
    func evidence(_ r: Record) -> Evidence {
        Evidence(
            path: Evaluator.display(r.prefix, r.tail, r.kind), kind: r.kind.map { SnapshotKinds.name($0) }, observed: r.observed, op: r.op,
            expected: r.expected, coercion: r.coercion, result: r.result, note: r.note, provenance: provenance(r.prefix, r.tail, r.kind))
    }

    /// The reported form of a record that names the same value as `other`, whose path and
    /// provenance it shares (see `Record.names(sameValueAs:)`).
    func evidence(_ r: Record, at other: Evidence) -> Evidence {
        Evidence(
            path: other.path, kind: other.kind, observed: r.observed, op: r.op, expected: r.expected, coercion: r.coercion, result: r.result,
            note: r.note, provenance: other.provenance)
    }

    /// Where a path starts: the current element's concrete parts and kind, or none and the
    /// path's own kind.
    func elementPlace(_ path: CompiledPath) -> ([PathPart], Int?) {
        switch path.base {
        case .kind(let k): return ([], k)
        case .element: return (frame?.parts ?? [], frame?.kind)
        }
    }

    /// `nginx.servers[2]."ssl.x"`: the language's own path syntax, with real indices.
    static func display(_ parts: [PathPart], _ kind: Int?) -> String { display(parts, nil, kind) }

    static func display(_ parts: [PathPart], _ tail: PathTail?, _ kind: Int?) -> String {
        if parts.isEmpty, let tail, let rooted = tail.rooted, tail.kind == kind { return rooted }
        let head = kind.map { SnapshotKinds.name($0) } ?? "."
        let bound = head.utf8.count + PathTail.displayBound(parts) + (tail?.display.utf8.count ?? 0)
        return ByteSink.string(capacity: bound) { s in
            s.append(head)
            PathTail.appendDisplay(parts, to: &s)
            if let tail { s.append(tail.display) }
        }
    }

    /// The provenance of the nearest ancestor (or the value itself) the snapshot's
    /// provenance map has an entry for. The pointer is looked up whole and then cut back one
    /// token at a time (an escaped token never contains `/`). A path with no element in front
    /// is looked up in the pointer its tail was given when the policy was compiled.
    private func provenance(_ prefix: [PathPart], _ tail: PathTail?, _ kind: Int?) -> String? {
        guard let kind, kind < asset.provenance.count, let map = asset.provenance[kind] else { return nil }
        if prefix.isEmpty, let tail {
            return tail.pointer.withUnsafeBufferPointer { Evaluator.nearestProvenance(map, $0) }
        }
        let bound = PathTail.pointerBound(prefix) + (tail?.pointer.count ?? 0)
        return ByteSink.withTemporary(
            capacity: bound,
            { s in
                PathTail.appendPointer(prefix, to: &s)
                if let tail { s.append(tail.pointer) }
            }, { Evaluator.nearestProvenance(map, $0) })
    }

    private static func nearestProvenance(_ map: ProvenanceMap, _ pointer: UnsafeBufferPointer<UInt8>) -> String? {
        var end = pointer.count
        while true {
            if let text = map.text(at: UnsafeBufferPointer(rebasing: pointer[..<end])) { return text }
            guard let cut = pointer[..<end].lastIndex(of: UInt8(ascii: "/")) else { return nil }
            end = cut
        }
    }
}
