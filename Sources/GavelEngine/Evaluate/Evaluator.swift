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
    /// The element relative paths start from: the innermost quantifier's current element.
    /// Set for the element's evaluation and put back after it.
    var frame: Frame?
    /// The rule's flat plan, when the caller keeps the rule alive: a quantifier's elements
    /// are then decided on it (the pass path's code) before any is recorded.
    let fast: FastEvaluator?

    /// `plan` must outlive the evaluator (see `FastEvaluator`).
    init(asset: AssetView, plan: FastPlan? = nil) {
        self.asset = asset
        fast = plan.map { FastEvaluator(plan: $0, asset: asset) }
    }

    /// `c` on the tree alone.
    mutating func eval(_ c: Cond, _ ev: inout [Record]?) -> Truth { eval(c, -1, &ev) }

    /// `c`, which is node `n` of the plan the evaluator was given (-1: none, or not known).
    /// With the node, the parts of a condition and the elements of a quantifier are decided
    /// on the plan first, and only those whose evidence the result keeps are evaluated again
    /// to record it.
    mutating func eval(_ c: Cond, _ n: Int32, _ ev: inout [Record]?) -> Truth {
        let n = fast == nil ? -1 : n
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

    // MARK: Quantifiers

    private mutating func quantifier(_ q: Quantifier, _ n: Int32, _ ev: inout [Record]?) -> Truth {
        let collecting = ev != nil
        let nodes = planNodes(n)
        func missing(_ problem: CollectionProblem, _ ev: inout [Record]?) -> Truth { self.missing(problem, q, &ev) }
        guard let start = base(q.path) else {
            return missing(CollectionProblem(absent: true, parts: [], kind: baseKind(q.path), observed: nil, note: "missing evidence: no \(q.path.text)"), &ev)
        }
        switch q.kind {
        case .every, .some:
            let all: Bool
            if case .every = q.kind { all = true } else { all = false }
            if collecting {
                if nodes != nil, let fast, !asset.storage.hasGaps,
                   let r = quantifierEvidence(q, fast.plan.quants[Int(fast.plan.nodes[Int(n)].a)], start, all: all, &ev) {
                    return r
                }
                return quantifierEvidence(q, nodes, start, all: all, &ev)
            }
            let decisive: Truth = all ? .no : .yes
            var unknown = false
            var decided = false
            var gaps: [CollectionProblem] = []
            let problem = Evaluator.walk(start, q.path.steps[...], seenWildcard: false, collecting: false, asset: asset, gaps: &gaps) { el in
                guard let r = elementTruth(q, el, nodes) else { return true }
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
            let filterNode = nodes?.filter ?? -1
            let problem = Evaluator.walk(start, q.path.steps[...], seenWildcard: false, collecting: collecting, asset: asset, gaps: &gaps) { el in
                guard let f = q.filter else { n += 1; return true }
                // Decided on the plan when there is one; only an element whose `where` errs
                // is evaluated on the tree, for the records of why.
                if let fast, filterNode >= 0 {
                    let r = fast.eval(filterNode, el.node)
                    if r == .yes { n += 1 }
                    guard r == .unknown else { return true }
                }
                let outer = frame
                frame = el
                defer { frame = outer }
                var sub: [Record]? = collecting ? [] : nil
                let r = eval(f, filterNode, &sub)
                if r == .yes { n += 1 } else if r == .unknown { unknown = true; undecided += 1; errors += sub ?? [] }
                return true
            }
            if let problem { return missing(problem, &ev) }
            if !gaps.isEmpty { unknown = true; errors += collecting ? gaps.map { gapRecord($0, q) } : [] }
            let result: Truth = unknown ? .unknown : (test.holds(Double(n)) ? .yes : .no)
            if collecting {
                let (prefix, kind) = elementPlace(q.path)
                ev!.append(Record(prefix: prefix, tail: q.path.tail, kind: kind, observed: .int(Int64(n)), op: "count \(test.relation.rawValue)", expected: number(test.operand),
                                  coercion: nil, result: result, note: countNote(n, filtered: q.filter != nil, undecided: undecided + gaps.count)))
                ev!.append(contentsOf: errors)
            }
            return result
        }
    }

    /// One element of `every` / `some`, without evidence: nil when `where` leaves it out.
    /// `nodes` are the quantifier's nodes in the rule's flat plan, when there is one.
    private mutating func elementTruth(_ q: Quantifier, _ el: Frame, _ nodes: (filter: Int32, check: Int32)?) -> Truth? {
        if let fast, let nodes { return fast.element(el.node, filter: nodes.filter, check: nodes.check) }
        let outer = frame
        frame = el
        defer { frame = outer }
        var none: [Record]? = nil
        var r: Truth = .yes
        if let f = q.filter { r = eval(f, -1, &none) }
        if r == .no { return nil }
        if r == .yes { r = eval(q.check!, -1, &none) }
        return r
    }

    /// The `where` and `check` nodes of quantifier node `n` of the plan, if it is known.
    private func planNodes(_ n: Int32) -> (filter: Int32, check: Int32)? {
        guard n >= 0, let plan = fast?.plan else { return nil }
        let q = plan.quants[Int(plan.nodes[Int(n)].a)]
        return (q.filter, q.check)
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

    /// `every` / `some` with evidence. Each element is first decided without evidence (on the
    /// flat plan when there is one); only the elements whose truth is the quantifier's result
    /// are evaluated again to record why, which is the evidence the result keeps. An `every`
    /// that fails on 2 of 48 locations builds the paths and records of those 2, not of all 48.
    ///
    /// An element that decides the quantifier (a failing one under `every`, a passing one
    /// under `some`) is recorded as it is met: once one is met, the result is decided. Only
    /// when none is met are the kept elements found in a second walk.
    private mutating func quantifierEvidence(_ q: Quantifier, _ nodes: (filter: Int32, check: Int32)?, _ start: Frame, all: Bool,
                                             _ ev: inout [Record]?) -> Truth {
        let decisive: Truth = all ? .no : .yes
        var seen = (decisive: false, unknown: false, other: false)
        var gaps: [CollectionProblem] = []
        let problem = Evaluator.walk(start, q.path.steps[...], seenWildcard: false, collecting: true, asset: asset, gaps: &gaps) { el in
            // nil: left out by `where`.
            let t = elementTruth(q, el, nodes)
            if t == decisive {
                seen.decisive = true
                recordElement(q, nodes, el, &ev)
            } else if t == .unknown {
                seen.unknown = true
            } else if t != nil {
                seen.other = true
            }
            return true
        }
        if let problem { return missing(problem, q, &ev) }
        // An element whose path runs into an unreadable part is an unknown element (as
        // `fold` over the elements' truths and one `.unknown` per gap).
        let result: Truth = seen.decisive ? decisive : (seen.unknown || !gaps.isEmpty) ? .unknown : decisive.negated
        if result != decisive && (result == .unknown ? seen.unknown : seen.other) {
            // Each element decided again (as cheap as reading it back from a list kept on
            // the first walk, which would cost an allocation on every walk).
            var again: [CollectionProblem] = []
            _ = Evaluator.walk(start, q.path.steps[...], seenWildcard: false, collecting: true, asset: asset, gaps: &again) { el in
                if elementTruth(q, el, nodes) == result { recordElement(q, nodes, el, &ev) }
                return true
            }
        }
        if result == .unknown { for g in gaps { ev!.append(gapRecord(g, q)) } }
        return result
    }

    /// `quantifierEvidence` on the flat plan, for an asset without declared gaps: the same
    /// elements recorded in the same order, but decided and found by
    /// `FastEvaluator.scanElements`, so that only the elements recorded have their concrete
    /// paths spelled out. nil, having recorded nothing, when the path is absent or not a
    /// collection before its first `[*]` (the general `quantifierEvidence` explains that).
    private mutating func quantifierEvidence(_ q: Quantifier, _ quant: FastPlan.Quant, _ start: Frame, all: Bool, _ ev: inout [Record]?) -> Truth? {
        let fast = fast!
        let decisive: Truth = all ? .no : .yes
        guard var scan = fast.scanElements(start.node, quant, want: decisive) else { return nil }
        let result: Truth = scan.saw(decisive) ? decisive : scan.unknown ? .unknown : decisive.negated
        if result != decisive {
            guard scan.saw(result) else { return result }
            scan = fast.scanElements(start.node, quant, want: result)!
        }
        let wildcards = scan.nodes.isEmpty ? 0 : scan.picks.count / scan.nodes.count
        let nodes = (filter: quant.filter, check: quant.check)
        for (i, el) in scan.nodes.enumerated() {
            let picks = scan.picks[i * wildcards ..< (i + 1) * wildcards]
            recordElement(q, nodes, Frame(node: el, kind: start.kind, parts: parts(start, q.path, picks)), &ev)
        }
        return result
    }

    /// The concrete path of an element of `path` reached from `start` by `picks`: what
    /// `Evaluator.walk` builds as it goes.
    private func parts(_ start: Frame, _ path: CompiledPath, _ picks: ArraySlice<FastEvaluator.Pick>) -> [PathPart] {
        var parts = start.parts
        parts.reserveCapacity(parts.count + path.steps.count)
        var w = picks.startIndex
        for step in path.steps {
            switch step {
            case .key(let k): parts.append(.key(k.text))
            case .index(let i): parts.append(.index(i))
            case .wildcard:
                switch picks[w] {
                case .index(let i): parts.append(.index(i))
                case .member(let key): parts.append(.key(String(decoding: key, as: UTF8.self)))
                }
                w += 1
            }
        }
        return parts
    }

    /// The records of one element of `every` / `some`: its `where` when that did not hold,
    /// else its `check`.
    private mutating func recordElement(_ q: Quantifier, _ nodes: (filter: Int32, check: Int32)?, _ el: Frame, _ ev: inout [Record]?) {
        let outer = frame
        frame = el
        defer { frame = outer }
        if let nodes, let fast {
            // `where` decided on the plan: the records of whichever part decided the element
            // go straight into `ev`.
            if let f = q.filter, fast.eval(nodes.filter, el.node) != .yes {
                _ = eval(f, nodes.filter, &ev)
            } else {
                _ = eval(q.check!, nodes.check, &ev)
            }
            return
        }
        var sub: [Record]? = []
        var again: Truth = .yes
        if let f = q.filter { again = eval(f, &sub) }
        if again == .yes { sub = []; again = eval(q.check!, &sub) }
        ev!.append(contentsOf: sub ?? [])
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
        var trail = f.parts
        if collecting { trail.reserveCapacity(trail.count + steps.count) }
        return walk(f.node, f.kind, &trail, steps, seenWildcard, collecting, asset, &gaps, &stopped, visit)
    }

    /// The evidence note for a part the collector declared unavailable.
    static func notCollectable(_ gap: AssetView.Gap) -> String {
        "not collectable: \(gap.reason) (\(gap.pointer))"
    }

    /// `trail` is the concrete path to `node` when collecting. It is extended and cut back in
    /// place, and each element visited gets it as its parts: an element the visitor does not
    /// keep costs no copy of its path.
    private static func walk(_ node: JSONNode, _ kind: Int, _ trail: inout [PathPart], _ steps: ArraySlice<CompiledPath.Step>, _ seen: Bool,
                             _ collecting: Bool, _ asset: AssetView, _ gaps: inout [CollectionProblem], _ stopped: inout Bool,
                             _ visit: (Frame) -> Bool) -> CollectionProblem? {
        guard let step = steps.first else {
            if !visit(Frame(node: node, kind: kind, parts: collecting ? trail : [])) { stopped = true }
            return nil
        }
        let rest = steps.dropFirst()
        func absent(_ part: PathPart, _ trail: [PathPart]) -> CollectionProblem? {
            let token: String
            switch part { case .key(let k): token = k; case .index(let i): token = String(i) }
            if let gap = asset.gap(under: node, token) {
                let p = CollectionProblem(absent: false, parts: trail + [part], kind: kind, observed: nil, note: notCollectable(gap))
                if !seen { return p }
                gaps.append(p)
                return nil
            }
            if seen { return nil }
            let parts = trail + [part]
            return CollectionProblem(absent: true, parts: parts, kind: kind, observed: nil,
                                     note: "missing evidence: \(display(parts, kind)) is absent")
        }
        func down(_ child: JSONNode, _ part: @autoclosure () -> PathPart, _ seen: Bool, _ stopped: inout Bool) -> CollectionProblem? {
            if collecting { trail.append(part()) }
            defer { if collecting { trail.removeLast() } }
            return walk(child, kind, &trail, rest, seen, collecting, asset, &gaps, &stopped, visit)
        }
        switch step {
        case .key(let k):
            guard let n = node.member(k) else { return absent(.key(k.text), trail) }
            return down(n, .key(k.text), seen, &stopped)
        case .index(let i):
            guard let n = node.element(i) else { return absent(.index(i), trail) }
            return down(n, .index(i), seen, &stopped)
        case .wildcard:
            switch node.type {
            case .array:
                for i in 0..<node.count where !stopped {
                    if let p = down(node.element(i)!, .index(i), true, &stopped) { return p }
                }
            case .object:
                var problem: CollectionProblem?
                var stop = stopped
                node.forEachMember(until: { stop }) { key, value in
                    problem = down(value, .key(key()), true, &stop)
                    if problem != nil { stop = true }
                }
                stopped = stop
                return problem
            default:
                if seen { return nil }
                let v = node.toValue()
                return CollectionProblem(absent: false, parts: trail, kind: kind, observed: v,
                                         note: "\(display(trail, kind)) is \(v.typeName), not an array or object")
            }
            return nil
        }
    }

    private func baseKind(_ path: CompiledPath) -> Int? {
        switch path.base {
        case .kind(let k): return k
        case .element: return frame?.kind
        }
    }

    private func base(_ path: CompiledPath) -> Frame? {
        switch path.base {
        case .kind(let k):
            guard let n = asset.roots[k] else { return nil }
            return Frame(node: n, kind: k, parts: [])
        case .element:
            return frame
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
                let (prefix, kind) = elementPlace(l.path)
                let note = r == .unknown ? "missing evidence: \(Evaluator.display(prefix, l.path.tail, kind))"
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
        return Record(prefix: prefix, tail: l.path.tail, kind: kind, observed: observed, op: l.opName, expected: l.expected,
                      coercion: l.coercion?.rawValue, result: result, note: note)
    }

    private func record(_ parts: [PathPart], _ kind: Int?, observed: Value?, op: String, expected: Value, coercion: String?, result: Truth, note: String?) -> Record {
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
        Evidence(path: Evaluator.display(r.prefix, r.tail, r.kind), kind: r.kind.map { SnapshotKinds.known[$0] }, observed: r.observed, op: r.op,
                 expected: r.expected, coercion: r.coercion, result: r.result, note: r.note, provenance: provenance(r.prefix, r.tail, r.kind))
    }

    /// The reported form of a record that names the same value as `other`, whose path and
    /// provenance it shares (see `Record.names(sameValueAs:)`).
    func evidence(_ r: Record, at other: Evidence) -> Evidence {
        Evidence(path: other.path, kind: other.kind, observed: r.observed, op: r.op, expected: r.expected, coercion: r.coercion, result: r.result,
                 note: r.note, provenance: other.provenance)
    }

    /// Where a path starts: the current element's concrete parts and kind, or none and the
    /// path's own kind.
    private func elementPlace(_ path: CompiledPath) -> ([PathPart], Int?) {
        switch path.base {
        case .kind(let k): return ([], k)
        case .element: return (frame?.parts ?? [], frame?.kind)
        }
    }

    /// `nginx.servers[2]."ssl.x"`: the language's own path syntax, with real indices.
    static func display(_ parts: [PathPart], _ kind: Int?) -> String { display(parts, nil, kind) }

    static func display(_ parts: [PathPart], _ tail: PathTail?, _ kind: Int?) -> String {
        if parts.isEmpty, let tail, let rooted = tail.rooted, tail.kind == kind { return rooted }
        let head = kind.map { SnapshotKinds.known[$0] } ?? "."
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
        guard let kind, let map = asset.provenance[kind] else { return nil }
        if prefix.isEmpty, let tail {
            return tail.pointer.withUnsafeBufferPointer { Evaluator.nearestProvenance(map, $0) }
        }
        let bound = PathTail.pointerBound(prefix) + (tail?.pointer.count ?? 0)
        return ByteSink.withTemporary(capacity: bound, { s in
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

import Foundation
