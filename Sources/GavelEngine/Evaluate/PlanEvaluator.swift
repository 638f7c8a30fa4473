import GavelCore
import GavelJSON
import GavelResults

/// Decides a rule's truth from its `FlatPlan`, without evidence: the path every rule takes
/// first. It must give the same truth as `Evaluator` on the tree; a rule that does not come
/// out `.yes` is evaluated again by `Evaluator` to collect its evidence.
///
/// It is made for one rule on one asset, and holds both without reference counting: the
/// caller (`RuleEvaluator.evaluate`) keeps the rule and the view alive for the whole call.
struct PlanEvaluator {
    unowned(unsafe) let plan: FlatPlan
    unowned(unsafe) let asset: AssetView.Storage

    init(plan: FlatPlan, asset: AssetView) {
        self.plan = plan
        self.asset = asset.storage
    }

    func eval(_ i: Int32, _ el: JSONNode?) -> Truth {
        let n = plan.nodes[Int(i)]
        switch n.tag {
        case .leaf: return leaf(plan.leafOps[Int(n.a)], Int(n.a), el)
        case .not: return eval(n.a, el).negated
        case .all: return group(n, decisive: .no, el)
        case .any: return group(n, decisive: .yes, el)
        case .none: return group(n, decisive: .yes, el).negated
        case .every: return quantifier(plan.quants[Int(n.a)], decisive: .no, count: false, el)
        case .some: return quantifier(plan.quants[Int(n.a)], decisive: .yes, count: false, el)
        case .count: return quantifier(plan.quants[Int(n.a)], decisive: .yes, count: true, el)
        }
    }

    @inline(__always)
    private func group(_ n: FlatPlan.Node, decisive: Truth, _ el: JSONNode?) -> Truth {
        var unknown = false
        for k in Int(n.a)..<Int(n.a + n.b) {
            let r = eval(plan.kids[k], el)
            if r == decisive { return decisive }
            if r == .unknown { unknown = true }
        }
        return unknown ? .unknown : decisive.negated
    }

    @inline(__always)
    private func start(_ p: FlatPlan.Path, _ el: JSONNode?) -> JSONNode? {
        p.base < 0 ? el : asset.rootBuffer[Int(p.base)]
    }

    @inline(__always)
    func key(_ s: FlatPlan.Step, _ node: JSONNode) -> JSONNode? {
        node.member(bytes: plan.pool.baseAddress! + Int(s.offset), count: Int(s.length), hash: s.hash)
    }

    /// Whether the collector declared the absent child `step` of `parent` unavailable.
    func isGap(_ parent: JSONNode, _ step: FlatPlan.Step) -> Bool {
        let token =
            step.kind == .key
            ? String(decoding: UnsafeBufferPointer(start: plan.pool.baseAddress! + Int(step.offset), count: Int(step.length)), as: UTF8.self)
            : String(step.offset)
        return asset.gap(under: parent, token) != nil
    }

    @inline(__always)
    private func missing(_ m: FlatPlan.MissingCode) -> Truth { m == .pass ? .yes : m == .fail ? .no : .unknown }

    // MARK: Leaves

    private func leaf(_ op: FlatPlan.LeafOp, _ index: Int, _ el: JSONNode?) -> Truth {
        var node = start(op.path, el)
        var s = Int(op.path.first)
        let end = s + Int(op.path.count)
        while s < end, let current = node {
            let step = plan.steps[s]
            switch step.kind {
            case .key: node = key(step, current)
            case .index: node = current.element(Int(step.offset))
            case .wildcard: node = nil  // a leaf's path has none (the compiler refuses [*] there)
            }
            if node == nil && asset.hasGaps && isGap(current, step) { return .unknown }
            s += 1
        }
        if op.code == .exists { return (node == nil) == op.negated ? .yes : .no }
        guard let node else { return missing(op.missing) }
        if op.code == .number && op.coercion.isNumeric, let n = coercedNumber(node, op.coercion) {
            return op.test.holds(n) ? .yes : .no
        }
        if op.code == .type { return typeCode(node) == Int(op.lo) ? .yes : .no }
        if op.code == .version, let c = versionOrder(node, Int(op.lo), Int(op.hi)) { return op.test.holds(Double(c)) ? .yes : .no }
        if op.coercion == .bool && op.code == .oneOf, let b = asBool(node) {
            var any = false
            for i in Int(op.lo)..<Int(op.hi) where plan.scalars[i].kind == .bool && (plan.scalars[i].int != 0) == b { any = true; break }
            return any != op.negated ? .yes : .no
        }
        if op.coercion == .lower && op.code == .oneOf, let b = node.stringBytes {
            let found = oneOf(Int(op.lo), Int(op.hi)) { sameLowered(b, $0) }
            if found != .unknown { return (found == .yes) != op.negated ? .yes : .no }
        }
        if op.coercion == .none {
            switch op.code {
            case .oneOf:
                let found = member(node, Int(op.lo), Int(op.hi))
                if found != .unknown { return (found == .yes) != op.negated ? .yes : .no }
            case .number:
                if let d = node.number { return op.test.holds(d) ? .yes : .no }
            case .matches:
                if let bytes = node.stringBytes {
                    let found = plan.regexRefs[Int(op.lo)]._withUnsafeGuaranteedRef { $0.search(bytes: bytes) }
                    return found != op.negated ? .yes : .no
                }
            case .length:
                if let n = length(node) { return op.test.holds(Double(n)) ? .yes : .no }
            case .subsetOf, .supersetOf, .disjointFrom:
                if let t = setTest(node, op) { return t }
            default: break
            }
        }
        return Evaluator.decide(plan.leaves[index], node).truth
    }

    /// The names of `type`, indexed by the codes `typeCode` gives (as `Value.typeName`).
    static let typeNames = ["null", "bool", "number", "string", "array", "object"]

    @inline(__always)
    private func typeCode(_ node: JSONNode) -> Int {
        switch node.type {
        case .null: return 0
        case .bool: return 1
        case .integer, .real: return 2
        case .string: return 3
        case .array: return 4
        case .object: return 5
        }
    }

    /// `as: int` (3), `as: bytes` (4) or `as: duration` (5) on a node, as `Coercion` does it,
    /// for the common forms only: a number, or a string of at most 15 ASCII digits with, for
    /// bytes, one of `kKmMgG` (at most 9 digits then) and, for durations, one of `smhdw`
    /// (at most 12 digits with a unit).
    /// nil for anything else, which the general path decides (and explains if it fails).
    @inline(__always)
    private func coercedNumber(_ node: JSONNode, _ coercion: FlatPlan.CoercionCode) -> Double? {
        switch node.type {
        case .integer: return Double(node.integer!)
        case .real:
            let d = node.real!
            if coercion != .int { return d }
            return d == d.rounded() && abs(d) < 9e18 ? d : nil
        case .string:
            guard let b = node.stringBytes, !b.isEmpty, b.count <= 16 else { return nil }
            var end = b.count
            var factor: Int64 = 1
            let last = b[end - 1]
            if last < 48 || last > 57 {
                switch (coercion, last) {
                case (.bytes, UInt8(ascii: "k")), (.bytes, UInt8(ascii: "K")): factor = 1024
                case (.bytes, UInt8(ascii: "m")), (.bytes, UInt8(ascii: "M")): factor = 1024 * 1024
                case (.bytes, UInt8(ascii: "g")), (.bytes, UInt8(ascii: "G")): factor = 1024 * 1024 * 1024
                case (.duration, UInt8(ascii: "s")): factor = 1
                case (.duration, UInt8(ascii: "m")): factor = 60
                case (.duration, UInt8(ascii: "h")): factor = 3600
                case (.duration, UInt8(ascii: "d")): factor = 86400
                case (.duration, UInt8(ascii: "w")): factor = 604800
                default: return nil
                }
                end -= 1
            }
            // Few enough digits that the product fits an Int64 and is exact as a Double.
            guard end >= 1, end <= (factor == 1 ? 15 : coercion == .bytes ? 9 : 12) else { return nil }
            var n: Int64 = 0
            for i in 0..<end {
                let c = b[i]
                guard c >= 48 && c <= 57 else { return nil }
                n = n * 10 + Int64(c - 48)
            }
            return Double(n * factor)
        default:
            return nil
        }
    }

    /// The parts of a plain dotted-number version (`12`, `8.2.7`: digits and single dots,
    /// no dot at either end, parts of at most 18 digits), for which PHP's `version_compare`
    /// is a comparison part by part where a longer version wins a tie; nil for any other form
    /// (`1.0rc1`, `v2`, `1..2`), which `VersionCompare` decides.
    static func plainVersion(_ b: some Collection<UInt8>) -> [Int64]? {
        var parts: [Int64] = []
        var n: Int64 = 0, digits = 0
        for c in b {
            if c == 46 {
                guard digits > 0 else { return nil }
                parts.append(n); n = 0; digits = 0
            } else if c >= 48 && c <= 57 && digits < 18 {
                n = n * 10 + Int64(c - 48); digits += 1
            } else {
                return nil
            }
        }
        guard digits > 0 else { return nil }
        parts.append(n)
        return parts
    }

    /// `VersionCompare.compare(node, operand)` for a plain version string against the plain
    /// operand `scalars[lo..<hi]`, without allocating; nil when the node is not a plain version.
    @inline(__always)
    private func versionOrder(_ node: JSONNode, _ lo: Int, _ hi: Int) -> Int? {
        guard let b = node.stringBytes, !b.isEmpty, b.count <= 64 else { return nil }
        var k = lo
        var i = 0
        var result = 0
        while i < b.count {
            var n: Int64 = 0, digits = 0
            while i < b.count && b[i] != 46 {
                let c = b[i]
                guard c >= 48 && c <= 57 && digits < 18 else { return nil }
                n = n * 10 + Int64(c - 48); digits += 1; i += 1
            }
            guard digits > 0 else { return nil }
            if i < b.count { i += 1; guard i < b.count else { return nil } }  // a dot, not the last byte
            if result != 0 { continue }  // decided; still check the form
            if k == hi { result = 1; continue }  // the value has more parts
            let x = plan.scalars[k].int
            if n != x { result = n < x ? -1 : 1 }
            k += 1
        }
        if result == 0 && k < hi { result = -1 }  // the operand has more parts
        return result
    }

    /// `as: bool` on a node, as `Coercion.bool` does it; nil when it would fail.
    @inline(__always)
    private func asBool(_ node: JSONNode) -> Bool? {
        switch node.type {
        case .bool: return node.bool
        case .null: return false
        case .integer:
            let i = node.integer!
            return i == 0 || i == 1 ? i == 1 : nil
        case .real:
            let d = node.real!
            return d == 0 || d == 1 ? d == 1 : nil
        case .string: return node.stringBytes.flatMap(Coercion.boolWord)
        default: return nil
        }
    }

    /// `Value.same` on a node and a scalar operand; `.unknown` when only the general path can
    /// tell (different bytes that Unicode normalisation might still make equal).
    @inline(__always)
    private func same(_ node: JSONNode, _ x: FlatPlan.Scalar) -> Truth {
        switch x.kind {
        case .string:
            let pool = plan.pool.baseAddress! + Int(x.offset)
            guard let a = node.stringBytes else { return .no }
            if a.count == Int(x.length) {
                var equal = true
                for i in 0..<a.count where a[i] != pool[i] { equal = false; break }
                if equal { return .yes }
            }
            for b in a where b >= 0x80 { return .unknown }
            for i in 0..<Int(x.length) where pool[i] >= 0x80 { return .unknown }
            return .no
        case .bool:
            guard let b = node.bool else { return .no }
            return b == (x.int != 0) ? .yes : .no
        case .int:
            if let n = node.integer { return n == x.int ? .yes : .no }
            if let d = node.real { return d == Double(x.int) ? .yes : .no }
            return .no
        case .double:
            guard let d = node.number else { return .no }
            return d == x.double ? .yes : .no
        case .null:
            return node.isNull ? .yes : .no
        }
    }

    /// `as: lower` then `Value.same` on a string and a scalar operand, for an ASCII string
    /// (whose lower case is ASCII's); `.unknown` for any other string, or an operand that
    /// only Unicode equivalence could match.
    @inline(__always)
    private func sameLowered(_ a: UnsafeBufferPointer<UInt8>, _ x: FlatPlan.Scalar) -> Truth {
        for b in a where b >= 0x80 { return .unknown }
        guard x.kind == .string else { return .no }
        let pool = plan.pool.baseAddress! + Int(x.offset)
        if a.count == Int(x.length) {
            var equal = true
            for i in 0..<a.count where (a[i] >= 65 && a[i] <= 90 ? a[i] + 32 : a[i]) != pool[i] { equal = false; break }
            if equal { return .yes }
        }
        for i in 0..<Int(x.length) where pool[i] >= 0x80 { return .unknown }
        return .no
    }

    /// `length` as `Op.applyLength` counts it (Unicode scalars of a string, elements,
    /// members); nil for other types, which the general path reports as an error.
    @inline(__always)
    private func length(_ node: JSONNode) -> Int? {
        switch node.type {
        case .array, .object: return node.count
        case .string:
            guard let b = node.stringBytes else { return nil }
            var n = 0
            for c in b where c & 0xC0 != 0x80 { n += 1 }  // one lead byte per scalar (jansson checked the UTF-8)
            return n
        default: return nil
        }
    }

    /// Whether `same` holds for one of `scalars[lo..<hi]`: `.yes` at the first that does,
    /// `.unknown` when none does but only the general path can tell for some.
    @inline(__always)
    private func oneOf(_ lo: Int, _ hi: Int, _ same: (FlatPlan.Scalar) -> Truth) -> Truth {
        var undecided = false
        for i in lo..<hi {
            switch same(plan.scalars[i]) {
            case .yes: return .yes
            case .no: break
            case .unknown: undecided = true
            }
        }
        return undecided ? .unknown : .no
    }

    /// Whether a node (a value, or an array's element) is one of `scalars[lo..<hi]`.
    @inline(__always)
    private func member(_ el: JSONNode, _ lo: Int, _ hi: Int) -> Truth { oneOf(lo, hi) { same(el, $0) } }

    /// `subset_of` (8), `superset_of` (9), `disjoint_from` (10) on an array node, as
    /// `Op.applySet` decides them; nil for a node that is not an array or a membership only
    /// the general path can decide.
    private func setTest(_ node: JSONNode, _ op: FlatPlan.LeafOp) -> Truth? {
        guard node.type == .array else { return nil }
        let (lo, hi) = (Int(op.lo), Int(op.hi))
        let n = node.count
        if op.code == .supersetOf {
            for i in lo..<hi {
                var found = false
                var undecided = false
                for k in 0..<n {
                    switch same(node.element(k)!, plan.scalars[i]) {
                    case .yes: found = true
                    case .no: break
                    case .unknown: undecided = true
                    }
                    if found { break }
                }
                if !found { return undecided ? nil : .no }
            }
            return .yes
        }
        for k in 0..<n {
            switch member(node.element(k)!, lo, hi) {
            case .unknown: return nil
            case .yes: if op.code == .disjointFrom { return .no }
            case .no: if op.code == .subsetOf { return .no }
            }
        }
        return .yes
    }

    // MARK: Quantifiers

    struct Tally {
        var decided = false
        var unknown = false
        var n = 0
    }

    /// Decides a quantifier's elements as they are met, until one decides it.
    struct TallyVisitor: PlanElementVisitor {
        let evaluator: PlanEvaluator
        let q: FlatPlan.Quant
        let decisive: Truth
        let count: Bool
        var t = Tally()

        static var recordsPicks: Bool { false }
        var stopped: Bool { t.decided }
        mutating func visit(_ el: JSONNode, picks: UnsafeMutablePointer<PlanEvaluator.Pick>?, depth: Int) {
            evaluator.visit(el, q, decisive, count, &t)
        }
        mutating func unreadableElement() { t.unknown = true }
    }

    private func quantifier(_ q: FlatPlan.Quant, decisive: Truth, count: Bool, _ el: JSONNode?) -> Truth {
        guard let root = start(q.path, el) else { return missing(q.missing) }
        var tally = TallyVisitor(evaluator: self, q: q, decisive: decisive, count: count)
        let first = Int(q.path.first)
        let problem = walk(root, first, first + Int(q.path.count), false, nil, 0, &tally)
        let t = tally.t
        switch problem {
        case .absent: return missing(q.missing)
        case .notCollection: return .unknown
        case .none: break
        }
        if count { return t.unknown ? .unknown : (q.test.holds(Double(t.n)) ? .yes : .no) }
        return t.decided ? decisive : t.unknown ? .unknown : decisive.negated
    }

    @inline(__always)
    fileprivate func visit(_ el: JSONNode, _ q: FlatPlan.Quant, _ decisive: Truth, _ count: Bool, _ t: inout Tally) {
        if count {
            if q.filter < 0 { t.n += 1; return }
            let r = eval(q.filter, el)
            if r == .yes { t.n += 1 } else if r == .unknown { t.unknown = true }
            return
        }
        var r: Truth = .yes
        if q.filter >= 0 { r = eval(q.filter, el) }
        if r == .no { return }
        if r == .yes { r = eval(q.check, el) }
        if r == decisive { t.decided = true } else if r == .unknown { t.unknown = true }
    }
}
