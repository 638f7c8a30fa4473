import GavelCore
import GavelJSON
import GavelYAML

/// Which snapshot kinds a rule reads: declared with `kind:`, or inferred from its paths.
final class KindTracker {
    let declared: [String]?
    var used: Set<String> = []
    init(declared: [String]?) { self.declared = declared }
}

struct CondScope {
    var policy: PolicyHeader
    var kinds: KindTracker
    /// Quantifier nesting depth; relative paths need at least one.
    var depth: Int
    /// The schema of the current element inside every/some/count (nil: unknown, unchecked).
    var element: SchemaType? = nil
    /// The quantifier path whose element `.` is, for messages.
    var elementPath: String? = nil
}

enum ConditionKeys {
    static let combinators = ["all", "any", "none", "not"]
    static let quantifiers = ["every", "some", "count"]
    static let operators = OperatorName.allCases.map(\.rawValue)
    static let leafKeys = ["path", "as", "missing"]
}

extension CompileSession {
    func compileCondition(_ node: YAMLNode, _ scope: CondScope) -> Cond? {
        guard let m = MapReader(node, "a condition", diags) else { return nil }
        if m.has("path") { return compileLeaf(m, scope) }
        let structural = m.keys.filter { ConditionKeys.combinators.contains($0) || ConditionKeys.quantifiers.contains($0) }
        if structural.count > 1 {
            diags.error(
                .multipleConditions,
                "a condition holds exactly one of all/any/none/not/every/some/count; found \(structural.joined(separator: ", ")); wrap them in 'all:'",
                at: m.keyLocation(structural[1]))
            return nil
        }
        guard let key = structural.first else {
            if let op = m.keys.first(where: { ConditionKeys.operators.contains($0) }) {
                diags.error(.missingPath, "the test '\(op)' needs a 'path:' saying which value it reads", at: node.location)
            } else if let k = m.keys.first {
                let all = ConditionKeys.combinators + ConditionKeys.quantifiers + ["path"]
                diags.error(
                    .unknownCondition, "unknown condition '\(k)'\(Suggest.hint(for: k, in: all + ConditionKeys.operators))", at: m.keyLocation(k),
                    notes: ["a condition is one of all, any, none, not, every, some, count, or a test with 'path:'"])
            } else {
                diags.error(.unknownCondition, "empty condition", at: node.location)
            }
            return nil
        }
        m.allowOnly([key])
        let value = m[key]!
        switch key {
        case "not":
            return compileCondition(value, scope).map { .not($0) }
        case "all", "any", "none":
            guard let items = value.sequence else {
                diags.error(.wrongType, "'\(key)' takes a list of conditions, found \(value.describedType)", at: value.location)
                return nil
            }
            if items.isEmpty {
                diags.error(.emptyList, "'\(key)' needs at least one condition", at: value.location)
                return nil
            }
            let parts = items.map { compileCondition($0, scope) }
            guard parts.allSatisfy({ $0 != nil }) else { return nil }
            let conds = parts.map { $0! }
            return key == "all" ? .all(conds) : key == "any" ? .any(conds) : .none(conds)
        default:
            return compileQuantifier(key, value, scope)
        }
    }

    private func compileQuantifier(_ key: String, _ node: YAMLNode, _ scope: CondScope) -> Cond? {
        guard let m = MapReader(node, "'\(key)'", diags) else { return nil }
        let numberKeys = NumberTest.Relation.allCases.map(\.rawValue)
        m.allowOnly(key == "count" ? ["path", "where", "missing"] + numberKeys : ["path", "where", "check", "missing"])
        guard let pathNode = m.require("path"), let (text, _) = MapReader.text(pathNode, "'path'", diags) else { return nil }
        guard let (path, elementType) = compileTypedPath(text, pathNode, scope, wildcard: true) else { return nil }
        if case .wildcard? = path.steps.last {
        } else {
            diags.error(.missingWildcard, "the path of '\(key)' must end in [*] (array elements or object values), e.g. \(text)[*]", at: pathNode.location)
            return nil
        }
        var inner = scope
        inner.depth += 1
        inner.element = elementType
        inner.elementPath = text
        let filter = m["where"].flatMap { compileCondition($0, inner) }
        if m.has("where"), filter == nil { return nil }
        let missing = compileMissing(m)
        let kind: Quantifier.Kind
        var check: Cond?
        if key == "count" {
            guard let test = compileNumberTest(m, numberKeys, "count", scope) else { return nil }
            kind = .count(test)
        } else {
            guard let c = m.require("check") else { return nil }
            guard let compiled = compileCondition(c, inner) else { return nil }
            check = compiled
            kind = key == "every" ? .every : .some
        }
        let bound = key == "count" ? m.keys.first(where: numberKeys.contains).flatMap { m[$0] }.flatMap { parameter($0, scope) } : nil
        return .quantifier(Quantifier(kind: kind, path: path, filter: filter, check: check, missing: missing, parameter: bound, location: node.location))
    }

    /// Exactly one of gt/gte/lt/lte/equals/not_equals with a number operand.
    func compileNumberTest(_ m: MapReader, _ keys: [String], _ what: String, _ scope: CondScope) -> NumberTest? {
        let present = m.keys.filter { keys.contains($0) }
        guard present.count == 1, let key = present.first, let rel = NumberTest.Relation(rawValue: key) else {
            diags.error(
                present.isEmpty ? .missingOperator : .multipleOperators,
                "'\(what)' needs exactly one of \(keys.joined(separator: ", "))", at: m.node.location)
            return nil
        }
        guard let (v, at) = resolveOperand(m[key]!, scope) else { return nil }
        guard let n = v.number else {
            diags.error(.typeMismatch, "'\(key)' in '\(what)' compares numbers, but the operand is \(describe(v))", at: at)
            return nil
        }
        return NumberTest(relation: rel, operand: n)
    }

    func compileMissing(_ m: MapReader) -> MissingPolicy? {
        guard let (text, at) = m.string("missing") else { return nil }
        guard let p = MissingPolicy(rawValue: text) else {
            diags.error(.badMissing, "'missing' must be pass or fail, found '\(text)'", at: at)
            return nil
        }
        return p
    }

    /// Compiles a path string against the scope: kind first segment, relative paths, wildcards.
    func compilePath(_ text: String, _ node: YAMLNode, _ scope: CondScope, wildcard: Bool) -> CompiledPath? {
        compileTypedPath(text, node, scope, wildcard: wildcard)?.0
    }

    /// The compiled path and the schema type it reaches (nil when the kind has no schema).
    /// A path that cannot exist in the kind's schema is an error: `unknown-field` or `path-type`.
    func compileTypedPath(_ text: String, _ node: YAMLNode, _ scope: CondScope, wildcard: Bool) -> (CompiledPath, SchemaType?)? {
        let quoted = node.scalar?.style == .singleQuoted || node.scalar?.style == .doubleQuoted
        func at(_ offset: Int) -> SourceLocation {
            var l = node.location
            l.column += offset + (quoted ? 1 : 0)
            return l
        }
        let syntax: PathSyntax
        do { syntax = try PathSyntax.parse(text) } catch {
            diags.error(.badPath, "invalid path '\(text)': \(error.message)", at: at(error.offset))
            return nil
        }
        if syntax.hasWildcard, !wildcard {
            let seg = syntax.segments.first { $0.suffixes.contains(.wildcard) }!
            diags.error(
                .wildcardInLeaf, "[*] is allowed only in the path of every/some/count; a test reads one value. Use 'every:' or 'some:' over \(text)",
                at: at(seg.offset))
            return nil
        }
        var segments = syntax.segments[...]
        let base: CompiledPath.Base
        var type: SchemaType?
        if syntax.anchor == .relative {
            type = scope.element
            guard scope.depth > 0 else {
                diags.error(
                    .relativePathOutsideQuantifier,
                    "'\(text)' starts with '.', which means the current element; it can only be used inside every/some/count",
                    at: node.location)
                return nil
            }
            base = .element
        } else {
            let first = segments.removeFirst()
            guard let kind = first.name, first.suffixes.isEmpty else {
                diags.error(
                    .badPath, "a path starts with a snapshot kind (\(SnapshotKinds.builtIn.joined(separator: ", ")), or one of your own), found '\(text)'",
                    at: at(first.offset))
                return nil
            }
            guard let index = useKind(kind, at: at(first.offset), "path '\(text)' starts with") else { return nil }
            if let declared = scope.kinds.declared, !declared.contains(kind) {
                diags.error(
                    .kindMismatch,
                    "path '\(text)' reads kind '\(kind)', but the rule's kinds are [\(declared.joined(separator: ", "))]; add '\(kind)' to the rule's kind",
                    at: at(first.offset))
                return nil
            }
            scope.kinds.used.insert(kind)
            base = .kind(index)
            type = schema(of: kind)
        }
        var walked = syntax.anchor == .relative ? (scope.elementPath ?? ".") : (syntax.segments.first?.name ?? "")
        for seg in segments where type != nil {
            if let name = seg.name {
                guard let t = type!.member(name) else {
                    let fields = type!.fieldNames
                    if fields.isEmpty {
                        let hint = type!.element != nil ? "; use [*] (in every/some/count) or [N] to reach its elements" : ""
                        diags.error(
                            .pathType, "'\(walked)' is \(type!.describe), so it has no field '\(name)' (in path '\(text)')\(hint)", at: at(seg.offset))
                    } else {
                        diags.error(
                            .unknownField, "'\(walked)' has no field '\(name)'\(Suggest.hint(for: name, in: fields))",
                            at: at(seg.offset), notes: ["its fields are: \(fields.joined(separator: ", ")) (see docs/snapshots/)"])
                    }
                    return nil
                }
                type = t
                walked += (walked.hasSuffix(".") || walked.isEmpty ? "" : ".") + name
            }
            for _ in seg.suffixes {
                guard let t = type!.element else {
                    diags.error(.pathType, "'\(walked)' is \(type!.describe); [N] and [*] apply to arrays and maps (in path '\(text)')", at: at(seg.offset))
                    return nil
                }
                type = t
                walked += "[]"
            }
        }
        var steps: [CompiledPath.Step] = []
        for seg in segments {
            if let name = seg.name { steps.append(.key(JSONKey(name))) }
            for s in seg.suffixes {
                switch s {
                case .index(let i): steps.append(.index(i))
                case .wildcard: steps.append(.wildcard)
                }
            }
        }
        var kind: Int? = nil
        if case .kind(let k) = base { kind = k }
        var tail = PathTail(steps, kind: kind)
        if let known = tails[tail.key] { tail = known } else { tails[tail.key] = tail }
        return (CompiledPath(base: base, steps: steps, text: text, tail: tail), type)
    }

    /// The parameter an operand written `{param: NAME}` names, as a tailoring file keys it.
    func parameter(_ node: YAMLNode, _ scope: CondScope) -> (name: String, tailored: Bool)? {
        guard let m = node.mapping, m.count == 1, m[0].key.scalar?.text == "param", let name = m[0].value.scalar?.text else { return nil }
        let qualified = "\(scope.policy.id).\(name)"
        return (qualified, paramOverrides[qualified] != nil)
    }

    /// An operand: a literal, or `{param: NAME}` resolved through tailoring.
    func resolveOperand(_ node: YAMLNode, _ scope: CondScope) -> (Value, SourceLocation)? {
        if let m = node.mapping, m.count == 1, m[0].key.scalar?.text == "param" {
            guard let (name, at) = MapReader.text(m[0].value, "param", diags) else { return nil }
            guard let declared = scope.policy.params[name] else {
                diags.error(
                    .unknownParam,
                    "parameter '\(name)' is not declared in the params of policy '\(scope.policy.id)'\(Suggest.hint(for: name, in: scope.policy.params.keys))",
                    at: at)
                return nil
            }
            return finite(paramOverrides["\(scope.policy.id).\(name)"]?.value ?? declared.value, at)
        }
        if let items = node.sequence {
            var out: [Value] = []
            for item in items {
                guard let (v, _) = resolveOperand(item, scope) else { return nil }
                out.append(v)
            }
            return (.array(out), node.location)
        }
        return finite(node.toValue(), node.location)
    }

    /// `.nan` never compares equal, greater or smaller, and neither it nor `.inf` can be
    /// written to a results document (JSON has no such numbers): an operand holding one is
    /// an error, not a test that silently never holds.
    private func finite(_ v: Value, _ at: SourceLocation) -> (Value, SourceLocation)? {
        func bad(_ v: Value) -> Double? {
            switch v {
            case .double(let d): return d.isFinite ? nil : d
            case .array(let items): return items.lazy.compactMap(bad).first
            case .object(let members): return members.lazy.compactMap { bad($0.value) }.first
            default: return nil
            }
        }
        guard let d = bad(v) else { return (v, at) }
        diags.error(
            .badNumber,
            "the operand holds \(d.isNaN ? ".nan" : d < 0 ? "-.inf" : ".inf"), which no value compares with meaningfully and a results document cannot record; write a finite number",
            at: at)
        return nil
    }

    func describe(_ v: Value) -> String {
        switch v {
        case .string(let s): return "the string \"\(s)\""
        case .array: return "a list"
        case .object: return "a mapping"
        case .null: return "null"
        default: return "\(v.typeName) \(JSONWriter.string(v))"
        }
    }
}
