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

    mutating func eval(_ c: Cond, _ ev: inout [Evidence]?) -> Truth {
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
    private mutating func combine(_ xs: [Cond], all: Bool, _ ev: inout [Evidence]?) -> Truth {
        let decisive: Truth = all ? .no : .yes
        if ev == nil {
            var unknown = false
            for x in xs {
                var none: [Evidence]? = nil
                let r = eval(x, &none)
                if r == decisive { return decisive }
                if r == .unknown { unknown = true }
            }
            return unknown ? .unknown : decisive.negated
        }
        var results: [(Truth, [Evidence])] = []
        for x in xs {
            var sub: [Evidence]? = []
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

    private mutating func quantifier(_ q: Quantifier, _ ev: inout [Evidence]?) -> Truth {
        let collecting = ev != nil
        let elements: [Frame]
        switch collection(q.path, collecting) {
        case .failure(let problem):
            let r: Truth = problem.absent ? (q.missing == .pass ? .yes : q.missing == .fail ? .no : .unknown) : .unknown
            if collecting {
                ev!.append(record(problem.parts, problem.kind, observed: problem.observed, op: quantifierName(q), expected: quantifierOperand(q),
                                  coercion: nil, result: r, note: problem.note))
            }
            return r
        case .success(let list):
            elements = list
        }
        switch q.kind {
        case .every, .some:
            let all: Bool
            if case .every = q.kind { all = true } else { all = false }
            let decisive: Truth = all ? .no : .yes
            var results: [(Truth, [Evidence])] = []
            var unknown = false
            for el in elements {
                frames.append(el)
                var sub: [Evidence]? = collecting ? [] : nil
                var r: Truth = .yes
                if let f = q.filter { r = eval(f, &sub) }
                if r == .yes { sub = collecting ? [] : nil; r = eval(q.check!, &sub) }
                else if r == .no { frames.removeLast(); continue }
                frames.removeLast()
                if !collecting {
                    if r == decisive { return decisive }
                    if r == .unknown { unknown = true }
                } else {
                    results.append((r, sub ?? []))
                }
            }
            if !collecting { return unknown ? .unknown : decisive.negated }
            let result = Evaluator.fold(results.map(\.0), all: all)
            for (r, e) in results where r == result { ev!.append(contentsOf: e) }
            return result
        case .count(let test):
            var n = 0
            var errors: [Evidence] = []
            var unknown = false
            for el in elements {
                guard let f = q.filter else { n += 1; continue }
                frames.append(el)
                var sub: [Evidence]? = collecting ? [] : nil
                let r = eval(f, &sub)
                frames.removeLast()
                if r == .yes { n += 1 } else if r == .unknown { unknown = true; errors += sub ?? [] }
            }
            let result: Truth = unknown ? .unknown : (test.holds(Double(n)) ? .yes : .no)
            if collecting {
                let (parts, kind) = concreteParts(q.path, stopAtWildcard: true)
                ev!.append(record(parts, kind, observed: .int(Int64(n)), op: "count \(test.relation.rawValue)", expected: number(test.operand),
                                  coercion: nil, result: result, note: q.filter == nil ? "\(n) element(s)" : "\(n) element(s) match 'where'"))
                ev!.append(contentsOf: errors)
            }
            return result
        }
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

    /// The elements a quantifier path denotes; `[*]` fans out (nested `[*]` flatten).
    private func collection(_ path: CompiledPath, _ collecting: Bool) -> Result<[Frame], CollectionProblem> {
        guard let start = base(path) else {
            return .failure(CollectionProblem(absent: true, parts: [], kind: baseKind(path), observed: nil,
                                              note: "missing evidence: no \(path.text)"))
        }
        var current: [Frame] = [start]
        var seenWildcard = false
        for step in path.steps {
            var next: [Frame] = []
            next.reserveCapacity(current.count)
            for f in current {
                switch step {
                case .key(let k):
                    if let n = f.node.member(k) {
                        next.append(Frame(node: n, kind: f.kind, parts: collecting ? f.parts + [.key(k.text)] : []))
                    } else if !seenWildcard {
                        return .failure(CollectionProblem(absent: true, parts: f.parts + [.key(k.text)], kind: f.kind, observed: nil,
                                                          note: "missing evidence: \(display(f.parts + [.key(k.text)], f.kind)) is absent"))
                    }
                case .index(let i):
                    if let n = f.node.element(i) {
                        next.append(Frame(node: n, kind: f.kind, parts: collecting ? f.parts + [.index(i)] : []))
                    } else if !seenWildcard {
                        return .failure(CollectionProblem(absent: true, parts: f.parts + [.index(i)], kind: f.kind, observed: nil,
                                                          note: "missing evidence: \(display(f.parts + [.index(i)], f.kind)) is absent"))
                    }
                case .wildcard:
                    switch f.node.type {
                    case .array:
                        for i in 0..<f.node.count {
                            next.append(Frame(node: f.node.element(i)!, kind: f.kind, parts: collecting ? f.parts + [.index(i)] : []))
                        }
                    case .object:
                        f.node.forEachMember { k, v in
                            next.append(Frame(node: v, kind: f.kind, parts: collecting ? f.parts + [.key(k)] : []))
                        }
                    default:
                        if !seenWildcard {
                            return .failure(CollectionProblem(absent: false, parts: f.parts, kind: f.kind, observed: f.node.toValue(),
                                                              note: "\(display(f.parts, f.kind)) is \(f.node.toValue().typeName), not an array or object"))
                        }
                    }
                }
            }
            if case .wildcard = step { seenWildcard = true }
            current = next
        }
        return .success(current)
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

    private mutating func leaf(_ l: Leaf, _ ev: inout [Evidence]?) -> Truth {
        var node: JSONNode?
        if let start = base(l.path) {
            node = start.node
            for step in l.path.steps {
                switch step {
                case .key(let k): node = node?.member(k)
                case .index(let i): node = node?.element(i)
                case .wildcard: node = nil
                }
                if node == nil { break }
            }
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
                let note = r == .unknown ? "missing evidence: \(display(parts, kind))" : "absent (missing: \(l.missing!.rawValue))"
                ev!.append(leafRecord(l, observed: nil, result: r, note: note))
            }
            return r
        }
        let raw = node.toValue()
        var value = raw
        if let c = l.coercion {
            switch c.apply(raw) {
            case .success(let v): value = v
            case .failure(let f):
                if ev != nil { ev!.append(leafRecord(l, observed: raw, result: .unknown, note: f.message)) }
                return .unknown
            }
        }
        let out = l.op.apply(value)
        if ev != nil { ev!.append(leafRecord(l, observed: raw, result: out.truth, note: out.note)) }
        return out.truth
    }

    private func leafRecord(_ l: Leaf, observed: Value?, result: Truth, note: String?) -> Evidence {
        let (parts, kind) = concreteParts(l.path, stopAtWildcard: false)
        return record(parts, kind, observed: observed, op: l.opName, expected: l.expected, coercion: l.coercion?.rawValue, result: result, note: note)
    }

    private func record(_ parts: [PathPart], _ kind: Int?, observed: Value?, op: String, expected: Value, coercion: String?, result: Truth, note: String?) -> Evidence {
        Evidence(path: display(parts, kind), kind: kind.map { SnapshotKinds.known[$0] }, observed: observed, op: op, expected: expected,
                 coercion: coercion, result: result, note: note, provenance: provenance(parts, kind))
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
    func display(_ parts: [PathPart], _ kind: Int?) -> String {
        var s = kind.map { SnapshotKinds.known[$0] } ?? "."
        for p in parts {
            switch p {
            case .index(let i): s += "[\(i)]"
            case .key(let k):
                let plain = !k.isEmpty && k.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
                    && !("0"..."9").contains(k.unicodeScalars.first!)
                s += plain ? ".\(k)" : ".\"\(k.replacingOccurrences(of: "\"", with: "\\\""))\""
            }
        }
        return s
    }

    /// Looks the JSON Pointer of `parts` up in the snapshot's provenance map, walking up to
    /// the nearest ancestor that has an entry.
    private func provenance(_ parts: [PathPart], _ kind: Int?) -> String? {
        guard let kind, let map = asset.provenance[kind] else { return nil }
        var tokens = parts.map { p -> String in
            switch p {
            case .index(let i): return String(i)
            case .key(let k): return k.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
            }
        }
        while true {
            let pointer = tokens.isEmpty ? "" : "/" + tokens.joined(separator: "/")
            if let hit = map.member(pointer)?.string { return hit }
            if tokens.isEmpty { return nil }
            tokens.removeLast()
        }
    }
}

import Foundation
