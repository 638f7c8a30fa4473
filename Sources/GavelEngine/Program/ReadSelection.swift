import GavelCore
import GavelJSON

/// What the rules of compiled policy sets read of each kind's `data`, worked out from their
/// conditions: a test reads the value at its path whole (an operator may compare a whole
/// object or list), a quantifier reads every element at its path and, in each, what its
/// `where` and `check` read. Everything else in a snapshot is never looked at by a run, so
/// the loader checks it and skips it instead of building it (`JSONPruner`), which makes
/// parsing, most of a run, several times cheaper. Kinds no rule reads keep an empty `data`.
public struct ReadSelection: Sendable {
    private let kinds: [String: JSONSelection]

    public init(_ programs: [Program]) {
        var roots: [String: JSONSelection.Builder] = [:]
        func root(_ k: Int) -> JSONSelection.Builder {
            let name = SnapshotKinds.name(k)
            if let b = roots[name] { return b }
            let b = JSONSelection.Builder()
            roots[name] = b
            return b
        }
        func end(_ path: CompiledPath, _ element: JSONSelection.Builder?) -> JSONSelection.Builder? {
            var b: JSONSelection.Builder
            switch path.base {
            case .kind(let k): b = root(k)
            case .element:
                guard let e = element else { return nil }
                b = e
            }
            for step in path.steps {
                switch step {
                case .key(let k): b = b.member(k.text)
                case .index, .wildcard: b = b.each()
                }
            }
            return b
        }
        func add(_ c: Cond, _ element: JSONSelection.Builder?) {
            switch c {
            case .all(let cs), .any(let cs), .none(let cs): for x in cs { add(x, element) }
            case .not(let x): add(x, element)
            case .leaf(let l): end(l.path, element)?.all()
            case .quantifier(let q):
                // The path ends in [*]: where it ends is each element.
                guard let each = end(q.path, element) else { return }
                if let f = q.filter { add(f, each) }
                if let c = q.check { add(c, each) }
            }
        }
        for program in programs {
            for rule in program.enabledRules {
                if let w = rule.when { add(w, nil) }
                add(rule.check, nil)
            }
        }
        kinds = roots.mapValues { $0.freeze() }
    }

    /// What is read of `kind`'s data: nothing of a kind no rule reads.
    public func selection(kind: String) -> JSONSelection { kinds[kind] ?? .nothing }
}
