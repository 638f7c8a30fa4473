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
    struct Step { var kind: StepKind; var offset: Int32; var length: Int32; var hash: UInt32 = 0 }
    enum StepKind: UInt8 { case key, index, wildcard }

    /// `base` is a kind index, or -1 for the current element; steps `first..<first+count`.
    struct Path { var base: Int32; var first: Int32; var count: Int32 }

    /// A scalar operand of equals / in: a string (pool bytes), a bool or int (`int`), a double, or null.
    struct Scalar { var kind: ScalarKind; var offset: Int32; var length: Int32; var int: Int64; var double: Double }
    enum ScalarKind: UInt8 { case string, bool, int, double, null }

    /// What a leaf's plan decides with.
    enum LeafCode: UInt8 {
        /// `exists` (`negated` = wants absence).
        case exists
        /// One of `scalars[lo..<hi]` (equals / in).
        case oneOf
        /// A number test (`test`).
        case number
        /// The `Leaf` decides (the general path).
        case general
        /// `matches` / `not_matches` (`negated`) with `regexes[lo]`, searched on a string
        /// node's bytes in place.
        case matches
        /// `type`: `lo` is the type's code (`PlanEvaluator.typeCode`).
        case type
        /// A version comparison with a plain dotted-number operand whose parts are
        /// `scalars[lo..<hi]` (`test` holds for the comparison's -1, 0 or 1).
        case version
        /// `length` (`test`).
        case length
        /// `subset_of` / `superset_of` / `disjoint_from` with the scalar operands `scalars[lo..<hi]`.
        case subsetOf, supersetOf, disjointFrom
    }

    /// What a missing value makes of a leaf or quantifier.
    enum MissingCode: UInt8 { case error, pass, fail }

    /// The conversion a leaf applies: `bool` (decided here for equals / in), `lower` (decided
    /// here for equals / in on an ASCII string), `int`, `bytes`, `duration` (decided here for a
    /// number test when the value is a number or a plain string like `128M`), `version`
    /// (the general path).
    enum CoercionCode: UInt8 {
        case none, bool, lower, int, bytes, duration, version
        /// int, bytes and duration: the number tests the plan decides itself.
        var isNumeric: Bool { self == .int || self == .bytes || self == .duration }
    }

    struct LeafOp {
        var path: Path
        var code: LeafCode
        var negated: Bool
        var missing: MissingCode
        var coercion: CoercionCode
        var lo: Int32, hi: Int32
        var test: NumberTest
    }

    /// `filter`/`check` are node indices or -1; `test` is used by count.
    struct Quant { var path: Path; var filter: Int32; var check: Int32; var missing: MissingCode; var test: NumberTest }

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

    /// `xs` in a buffer of exactly its count. The allocation has room for at least one
    /// element, so the base address is never nil; an empty list's buffer still has count 0
    /// (a count of 1 left an uninitialized element for anyone iterating the buffer).
    private static func copy<T>(_ xs: [T]) -> UnsafeMutableBufferPointer<T> {
        let p = UnsafeMutableBufferPointer<T>.allocate(capacity: max(xs.count, 1))
        _ = p.initialize(from: xs)
        return UnsafeMutableBufferPointer(start: p.baseAddress, count: xs.count)
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

        private func missing(_ m: MissingPolicy?) -> MissingCode { m == .pass ? .pass : m == .fail ? .fail : .error }

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
                    steps.append(Step(kind: .key, offset: o, length: n, hash: k.hash))
                case .index(let i): steps.append(Step(kind: .index, offset: Int32(clamping: i), length: 0))
                case .wildcard: steps.append(Step(kind: .wildcard, offset: 0, length: 0))
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
            let coercion: CoercionCode
            switch l.coercion {
            case nil: coercion = .none
            case .bool: coercion = .bool
            case .int: coercion = .int
            case .bytes: coercion = .bytes
            case .duration: coercion = .duration
            case .lower: coercion = .lower
            case .version: coercion = .version
            }
            var op = LeafOp(
                path: path(l.path), code: .general, negated: false, missing: missing(l.missing), coercion: coercion,
                lo: 0, hi: 0, test: NumberTest(relation: .gte, operand: 0))
            switch l.op {
            case .exists(let want): op.code = .exists; op.negated = !want
            case .equals(let x, let negated): flatten([x], negated, &op)
            case .oneOf(let xs, let negated): flatten(xs, negated, &op)
            case .number(let t): op.code = .number; op.test = t
            case .matches(let re, let negated):
                op.code = .matches; op.negated = negated; op.lo = Int32(regexes.count)
                regexes.append(re)
            case .type(let name):
                if let code = PlanEvaluator.typeNames.firstIndex(of: name) { op.code = .type; op.lo = Int32(code) }
            case .length(let t): op.code = .length; op.test = t
            case .subsetOf(let xs): flatten(xs, false, &op); if op.code == .oneOf { op.code = .subsetOf }
            case .supersetOf(let xs): flatten(xs, false, &op); if op.code == .oneOf { op.code = .supersetOf }
            case .disjointFrom(let xs): flatten(xs, false, &op); if op.code == .oneOf { op.code = .disjointFrom }
            case .version(let relation, let operand) where l.coercion == nil:
                guard let parts = PlanEvaluator.plainVersion(Array(operand.utf8)) else { break }
                op.code = .version
                op.lo = Int32(scalars.count)
                for x in parts { scalars.append(Scalar(kind: .int, offset: 0, length: 0, int: x, double: 0)) }
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
                case .string(let s): let (o, n) = bytes(s); out.append(Scalar(kind: .string, offset: o, length: n, int: 0, double: 0))
                case .bool(let v): out.append(Scalar(kind: .bool, offset: 0, length: 0, int: v ? 1 : 0, double: 0))
                case .int(let v): out.append(Scalar(kind: .int, offset: 0, length: 0, int: v, double: 0))
                case .double(let v): out.append(Scalar(kind: .double, offset: 0, length: 0, int: 0, double: v))
                case .null: out.append(Scalar(kind: .null, offset: 0, length: 0, int: 0, double: 0))
                default: return
                }
            }
            op.code = .oneOf
            op.negated = negated
            op.lo = Int32(scalars.count)
            scalars.append(contentsOf: out)
            op.hi = Int32(scalars.count)
        }
    }
}
