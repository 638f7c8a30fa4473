import GavelCore
import GavelJSON

/// Rules' `when` and `check` flattened for the pass path: nodes, paths and operands in
/// flat buffers of plain values, addressed by index. A rule has a plan of its own (for tests
/// and single evaluations), and a program has one plan for all its enabled rules, so that
/// evaluating an asset reads one contiguous piece of memory in order rather than a dozen
/// small allocations per rule (after parsing an asset, they would no longer be in cache).
/// Evaluating it reads no class references and does no reference counting or allocation;
/// only a leaf whose operator has no flat form (or whose value needs a coercion) goes back
/// to the `Leaf` it came from.
///
/// The tree form (`Cond`) stays the source of truth: it produces the evidence of a rule that
/// did not pass, and the flat form must agree with it on every truth value.
final class FlatPlan: @unchecked Sendable {
    enum Tag: UInt8 { case leaf, not, all, any, none, every, some, count }

    /// all/any/none: `a` = first index into `kids`, `b` = count. not: `a` = child node.
    /// leaf: `a` = leaf index. every/some/count: `a` = quantifier index.
    struct Node { var tag: Tag; var a: Int32; var b: Int32 }

    /// key: bytes `offset..<offset+length` of `pool`, and the key's `JSONKey.hash`; index:
    /// `offset`; wildcard.
    struct Step { var kind: UInt8; var offset: Int32; var length: Int32; var hash: UInt32 = 0 }

    /// `base` is a kind index, or -1 for the current element; steps `first..<first+count`.
    struct Path { var base: Int32; var first: Int32; var count: Int32 }

    /// A scalar operand of equals / in: kind 0 string (pool bytes), 1 bool, 2 int, 3 double, 4 null.
    struct Scalar { var kind: UInt8; var offset: Int32; var length: Int32; var int: Int64; var double: Double }

    /// code 0 exists (`negated` = wants absence), 1 one of `scalars[lo..<hi]`, 2 number test,
    /// 3 general (the `Leaf` decides), 4 `matches` / `not_matches` (`negated`) with
    /// `regexes[lo]`, searched on a string node's bytes in place, 5 `type` (`lo` is the
    /// type's code, see `PlanEvaluator.typeCode`), 6 a version comparison with a plain
    /// dotted-number operand whose parts are `scalars[lo..<hi]` (`test` holds for the
    /// comparison's -1, 0 or 1), 7 `length` (`test`), 8 / 9 / 10 `subset_of` / `superset_of` /
    /// `disjoint_from` with the scalar operands `scalars[lo..<hi]`. `missing`: 0 error,
    /// 1 pass, 2 fail.
    struct LeafOp {
        var path: Path
        var code: UInt8
        var negated: Bool
        var missing: UInt8
        /// 0 none, 1 `as: bool` (decided here for equals / in), 2 `as: lower` (decided here for
        /// equals / in on an ASCII string), 3 `as: int`, 4 `as: bytes`, 5 `as: duration`
        /// (decided here for a number test when the value is a number or a plain string like
        /// `128M`), 6 `as: version` (general path).
        var coercion: UInt8
        var lo: Int32, hi: Int32
        var test: NumberTest
    }

    /// `filter`/`check` are node indices or -1; `test` is used by count.
    struct Quant { var path: Path; var filter: Int32; var check: Int32; var missing: UInt8; var test: NumberTest }

    let nodes: UnsafeMutableBufferPointer<Node>
    let kids: UnsafeMutableBufferPointer<Int32>
    let steps: UnsafeMutableBufferPointer<Step>
    let leafOps: UnsafeMutableBufferPointer<LeafOp>
    let quants: UnsafeMutableBufferPointer<Quant>
    let scalars: UnsafeMutableBufferPointer<Scalar>
    let pool: UnsafeMutableBufferPointer<UInt8>
    /// The tree leaves, by leaf index, for the general path.
    let leaves: [Leaf]
    /// The patterns of `matches` leaves (code 4), kept alive by the plan.
    let regexes: [Regex]
    /// The same patterns, read on the pass path without reference counting.
    let regexRefs: UnsafeMutableBufferPointer<Unmanaged<Regex>>
    /// One per rule, in the order given: the kinds the rule needs (a bit per index into
    /// `SnapshotKinds.known`) and the root nodes of `when` (or -1) and of `check`.
    struct Entry { var kinds: UInt64; var when: Int32; var check: Int32 }
    let entries: UnsafeMutableBufferPointer<Entry>

    init(_ rules: [(kinds: [Int], when: Cond?, check: Cond)]) {
        var b = Builder()
        var entries: [Entry] = []
        for r in rules {
            let when = r.when.map { b.add($0) } ?? -1
            let check = b.add(r.check)
            entries.append(Entry(kinds: FlatPlan.mask(r.kinds), when: when, check: check))
        }
        self.entries = FlatPlan.copy(entries)
        nodes = FlatPlan.copy(b.nodes)
        kids = FlatPlan.copy(b.kids)
        steps = FlatPlan.copy(b.steps)
        leafOps = FlatPlan.copy(b.leafOps)
        quants = FlatPlan.copy(b.quants)
        scalars = FlatPlan.copy(b.scalars)
        pool = FlatPlan.copy(b.pool)
        leaves = b.leaves
        regexes = b.regexes
        regexRefs = FlatPlan.copy(b.regexes.map { Unmanaged.passUnretained($0) })
    }

    deinit {
        nodes.deallocate()
        kids.deallocate()
        steps.deallocate()
        leafOps.deallocate()
        quants.deallocate()
        scalars.deallocate()
        pool.deallocate()
        regexRefs.deallocate()
        entries.deallocate()
    }

    /// The bit set of kind indices; there are far fewer kinds than 64.
    static func mask(_ kinds: [Int]) -> UInt64 {
        kinds.reduce(0) { m, k in
            precondition(k >= 0 && k < 64, "kind index \(k) out of range for a kind mask")
            return m | 1 << UInt64(k)
        }
    }

    private static func copy<T>(_ xs: [T]) -> UnsafeMutableBufferPointer<T> {
        let p = UnsafeMutableBufferPointer<T>.allocate(capacity: max(xs.count, 1))
        _ = p.initialize(from: xs)
        return p
    }

    private struct Builder {
        var nodes: [Node] = []
        var kids: [Int32] = []
        var steps: [Step] = []
        var leafOps: [LeafOp] = []
        var quants: [Quant] = []
        var scalars: [Scalar] = []
        var pool: [UInt8] = []
        var leaves: [Leaf] = []
        var regexes: [Regex] = []

        mutating func add(_ c: Cond) -> Int32 {
            switch c {
            case .leaf(let l): return node(.leaf, leaf(l), 0)
            case .not(let x): let k = add(x); return node(.not, k, 0)
            case .all(let xs): return group(.all, xs)
            case .any(let xs): return group(.any, xs)
            case .none(let xs): return group(.none, xs)
            case .quantifier(let q):
                let filter = q.filter.map { add($0) } ?? -1
                let check = q.check.map { add($0) } ?? -1
                var test = NumberTest(relation: .gte, operand: 0)
                let tag: Tag
                switch q.kind {
                case .every: tag = .every
                case .some: tag = .some
                case .count(let t): tag = .count; test = t
                }
                quants.append(Quant(path: path(q.path), filter: filter, check: check, missing: missing(q.missing), test: test))
                return node(tag, Int32(quants.count - 1), 0)
            }
        }

        private mutating func node(_ tag: Tag, _ a: Int32, _ b: Int32) -> Int32 {
            nodes.append(Node(tag: tag, a: a, b: b))
            return Int32(nodes.count - 1)
        }

        private mutating func group(_ tag: Tag, _ xs: [Cond]) -> Int32 {
            let children = xs.map { add($0) }
            let first = Int32(kids.count)
            kids.append(contentsOf: children)
            return node(tag, first, Int32(children.count))
        }

        private func missing(_ m: MissingPolicy?) -> UInt8 { m == .pass ? 1 : m == .fail ? 2 : 0 }

        private mutating func bytes(_ s: String) -> (Int32, Int32) {
            let offset = Int32(pool.count)
            pool.append(contentsOf: s.utf8)
            return (offset, Int32(pool.count) - offset)
        }

        private mutating func path(_ p: CompiledPath) -> Path {
            let first = Int32(steps.count)
            for s in p.steps {
                switch s {
                case .key(let k):
                    let (o, n) = bytes(k.text)
                    steps.append(Step(kind: 0, offset: o, length: n, hash: k.hash))
                case .index(let i): steps.append(Step(kind: 1, offset: Int32(clamping: i), length: 0))
                case .wildcard: steps.append(Step(kind: 2, offset: 0, length: 0))
                }
            }
            let base: Int32
            switch p.base {
            case .kind(let k): base = Int32(k)
            case .element: base = -1
            }
            return Path(base: base, first: first, count: Int32(steps.count) - first)
        }

        private mutating func leaf(_ l: Leaf) -> Int32 {
            leaves.append(l)
            let coercion: UInt8
            switch l.coercion {
            case nil: coercion = 0
            case .bool: coercion = 1
            case .int: coercion = 3
            case .bytes: coercion = 4
            case .duration: coercion = 5
            case .lower: coercion = 2
            case .version: coercion = 6
            }
            var op = LeafOp(
                path: path(l.path), code: 3, negated: false, missing: missing(l.missing), coercion: coercion,
                lo: 0, hi: 0, test: NumberTest(relation: .gte, operand: 0))
            switch l.op {
            case .exists(let want): op.code = 0; op.negated = !want
            case .equals(let x, let negated): flatten([x], negated, &op)
            case .oneOf(let xs, let negated): flatten(xs, negated, &op)
            case .number(let t): op.code = 2; op.test = t
            case .matches(let re, let negated):
                op.code = 4; op.negated = negated; op.lo = Int32(regexes.count)
                regexes.append(re)
            case .type(let name):
                if let code = PlanEvaluator.typeNames.firstIndex(of: name) { op.code = 5; op.lo = Int32(code) }
            case .length(let t): op.code = 7; op.test = t
            case .subsetOf(let xs): flatten(xs, false, &op); if op.code == 1 { op.code = 8 }
            case .supersetOf(let xs): flatten(xs, false, &op); if op.code == 1 { op.code = 9 }
            case .disjointFrom(let xs): flatten(xs, false, &op); if op.code == 1 { op.code = 10 }
            case .version(let relation, let operand) where l.coercion == nil:
                guard let parts = PlanEvaluator.plainVersion(Array(operand.utf8)) else { break }
                op.code = 6
                op.lo = Int32(scalars.count)
                for x in parts { scalars.append(Scalar(kind: 2, offset: 0, length: 0, int: x, double: 0)) }
                op.hi = Int32(scalars.count)
                let r: NumberTest.Relation
                switch relation {
                case .lt: r = .lt
                case .lte: r = .lte
                case .gt: r = .gt
                case .gte: r = .gte
                case .equals: r = .equals
                }
                op.test = NumberTest(relation: r, operand: 0)
            default: break
            }
            leafOps.append(op)
            return Int32(leafOps.count - 1)
        }

        /// Scalar operands only (equals / in and the set operators); anything else stays general.
        private mutating func flatten(_ xs: [Value], _ negated: Bool, _ op: inout LeafOp) {
            var out: [Scalar] = []
            for x in xs {
                switch x {
                case .string(let s): let (o, n) = bytes(s); out.append(Scalar(kind: 0, offset: o, length: n, int: 0, double: 0))
                case .bool(let v): out.append(Scalar(kind: 1, offset: 0, length: 0, int: v ? 1 : 0, double: 0))
                case .int(let v): out.append(Scalar(kind: 2, offset: 0, length: 0, int: v, double: 0))
                case .double(let v): out.append(Scalar(kind: 3, offset: 0, length: 0, int: 0, double: v))
                case .null: out.append(Scalar(kind: 4, offset: 0, length: 0, int: 0, double: 0))
                default: return
                }
            }
            op.code = 1
            op.negated = negated
            op.lo = Int32(scalars.count)
            scalars.append(contentsOf: out)
            op.hi = Int32(scalars.count)
        }
    }
}
