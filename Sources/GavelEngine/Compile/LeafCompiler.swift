import GavelCore
import GavelYAML

extension CompileSession {
    /// `path:` plus exactly one operator, optional `as:` and `missing:`; operands are
    /// type-checked against the operator and the coercion here, once.
    func compileLeaf(_ m: MapReader, _ scope: CondScope) -> Cond? {
        var ok = true
        for k in m.keys where !ConditionKeys.leafKeys.contains(k) && !ConditionKeys.operators.contains(k) {
            ok = false
            if let near = Suggest.closest(to: k, in: ConditionKeys.operators) {
                diags.error(.unknownOperator, "unknown operator '\(k)'; did you mean '\(near)'?", at: m.keyLocation(k))
            } else if k == "where" || k == "check" {
                diags.error(
                    .unknownOperator,
                    "'\(k)' belongs inside every/some/count, next to their 'path'; a test has 'path', one operator, and optionally 'as' and 'missing'",
                    at: m.keyLocation(k))
            } else if ConditionKeys.combinators.contains(k) || ConditionKeys.quantifiers.contains(k) {
                diags.error(.multipleConditions, "'\(k)' cannot sit beside 'path:' in the same mapping; put the test inside it", at: m.keyLocation(k))
            } else {
                diags.error(
                    .unknownOperator, "unknown operator '\(k)'", at: m.keyLocation(k),
                    notes: ["operators: \(ConditionKeys.operators.joined(separator: ", "))"])
            }
        }
        let ops = m.keys.filter { ConditionKeys.operators.contains($0) }
        if ops.isEmpty {
            if ok {
                diags.error(.missingOperator, "a test needs one operator beside 'path:' (e.g. equals, matches, gte, exists)", at: m.node.location)
            }
            ok = false
        } else if ops.count > 1 {
            diags.error(
                .multipleOperators, "a test has exactly one operator; found \(ops.joined(separator: ", ")). Combine tests with 'all:'",
                at: m.keyLocation(ops[1]))
            ok = false
        }
        // The rest is checked whatever the operator's fate, so that one run reports every error.
        guard let pathNode = m["path"], let (text, _) = MapReader.text(pathNode, "'path'", diags) else { return nil }
        let typed = compileTypedPath(text, pathNode, scope, wildcard: false)
        let path = typed?.0
        var coercion: Coercion?
        if let (c, at) = m.string("as") {
            coercion = Coercion(rawValue: c)
            if coercion == nil {
                diags.error(
                    .unknownCoercion, "unknown conversion 'as: \(c)'\(Suggest.hint(for: c, in: Coercion.allCases.map(\.rawValue)))", at: at,
                    notes: ["conversions: \(Coercion.allCases.map(\.rawValue).joined(separator: ", "))"])
                ok = false
            }
        }
        let missing = compileMissing(m)
        if m.has("missing"), missing == nil { ok = false }
        guard ops.count == 1 else { return nil }
        let opName = ops[0]
        let name = OperatorName(rawValue: opName)!
        if name == .exists, m.has("missing") {
            diags.error(.conflictingKeys, "'missing' has no effect on 'exists', which already says what absence means", at: m.keyLocation("missing"))
            ok = false
        }
        guard ok, let path, let operand = compileOperator(name, m[opName]!, coercion, scope) else { return nil }
        if coercion == nil, let type = typed?.1 { warnIfOperandCannotMatch(name, operand.1, type, text, m[opName]!.location) }
        // `length: {gte: {param: N}}` has its parameter one level down.
        let operandNode = name == .length ? m[opName]!.mapping?.first?.value : m[opName]
        if operandNode.flatMap({ parameter($0, scope) }) == nil { warnIfListIsEmpty(name, operand.1, m[opName]!.location) }
        return .leaf(
            Leaf(
                path: path, op: operand.0, coercion: coercion, missing: missing, operator: name, expected: operand.1,
                parameter: operandNode.flatMap { parameter($0, scope) }, location: m.node.location))
    }

    /// `equals` / `in` (and their negations) without `as:` against a value whose type the
    /// kind's schema fixes: an operand of another type is never equal to it, so the test
    /// always fails (or, negated, always passes). The language defines that outcome, so this
    /// is a warning (`operand-type`), with the fix; `check` shows it.
    private func warnIfOperandCannotMatch(_ name: OperatorName, _ operand: Value, _ type: SchemaType, _ path: String, _ at: SourceLocation) {
        let op = name.rawValue
        let operands: [Value]
        switch name {
        case .equals, .notEquals: operands = [operand]
        case .in, .notIn:
            guard case .array(let items) = operand, !items.isEmpty else { return }
            operands = items
        default: return
        }
        func fits(_ v: Value, _ t: SchemaType) -> Bool {
            switch (t, v) {
            case (.optional, .null): return true
            case (.optional(let inner), _): return fits(v, inner)
            case (.string, .string), (.bool, .bool): return true
            case (.number, _): return v.number != nil
            case (.string, _), (.bool, _): return false
            default: return true  // any, arrays and objects: not checked here
            }
        }
        guard !operands.contains(where: { fits($0, type) }) else { return }
        var notes: [String] = []
        if case .bool = type.unwrapped, operands.contains(where: { ["yes", "no", "on", "off"].contains($0.stringValue?.lowercased() ?? "") }) {
            notes.append("in YAML 1.2 yes, no, on and off are strings; write true or false")
        }
        // Only a string value has a conversion towards the operand's type (`as: int`, `as: bool`).
        let conversion: String?
        switch (type.unwrapped, operands[0]) {
        case (.string, .bool): conversion = "as: bool"
        case (.string, _) where operands[0].number != nil: conversion = "as: int"
        default: conversion = nil
        }
        notes.append("write the operand as \(type.describe)" + (conversion.map { ", or convert the value first with '\($0)'" } ?? ""))
        let what = op.hasSuffix("in") ? "none of \(JSONWriter.string(operand)) can ever equal it" : "\(describe(operands[0])) can never equal it"
        let outcome = op.hasPrefix("not_") ? "always holds" : "never holds"
        diags.add(
            Diagnostic(
                .operandType, "'\(path)' is \(type.describe) (docs/snapshots/), and \(what), so this '\(op)' \(outcome)",
                at: at, level: .warning, notes: notes.map { .init($0) }))
    }

    /// `in: []` and the like, written as such: a list of nothing makes the test's outcome the
    /// same on every value, which is almost always a list left unfinished. A parameter may be
    /// empty on purpose (`not_in: {param: banned}` with nothing banned), so only a literal
    /// list is warned about (`empty-operand`). `subset_of: []` (the list must be empty) is a
    /// real requirement and is not.
    private func warnIfListIsEmpty(_ name: OperatorName, _ operand: Value, _ at: SourceLocation) {
        guard case .array(let items) = operand, items.isEmpty, let outcome = name.declaration.whenListIsEmpty else { return }
        diags.add(
            Diagnostic(
                .emptyOperand, "'\(name.rawValue): []' lists nothing: \(outcome)", at: at, level: .warning,
                notes: [.init("list the values the test is about" + (name == .in || name == .notIn ? ", or use 'exists' to test presence" : ""))]))
    }

    private func mismatch(_ op: String, _ wants: String, _ v: Value, _ at: SourceLocation) -> (Op, Value)? {
        diags.error(.typeMismatch, "'\(op)' needs \(wants), but the operand is \(describe(v))", at: at)
        return nil
    }

    /// Does `v` have the type that `coercion` produces (any type when there is no coercion)?
    private func fits(_ v: Value, _ coercion: Coercion?) -> Bool {
        guard let c = coercion else { return true }
        switch c.resultType {
        case "bool": if case .bool = v { return true }; return false
        case "number": return v.number != nil
        default: return v.stringValue != nil
        }
    }

    /// An operand checked against its operator's declaration (`OperatorDeclaration.Operand`).
    private enum CheckedOperand {
        case bool(Bool), value(Value), list([Value]), number(Double), regex(Regex), version(String), numberTest(NumberTest)
        case typeName(String), dataset(Dataset)
    }

    /// Checks the operand (after parameters) and the conversion against the operator's
    /// declaration, then makes the operator. Returns it with the operand as evidence shows it.
    private func compileOperator(_ name: OperatorName, _ node: YAMLNode, _ coercion: Coercion?, _ scope: CondScope) -> (Op, Value)? {
        let op = name.rawValue
        let decl = name.declaration
        if case .numberTest = decl.operand {
            guard let m = MapReader(node, "'\(op)'", diags) else { return nil }
            let keys = NumberTest.Relation.allCases.map(\.rawValue)
            m.allowOnly(keys)
            if let c = coercion { return coercionMismatch(op, c, node.location) }
            guard let t = compileNumberTest(m, keys, op, scope) else { return nil }
            return (makeOp(name, .numberTest(t)), .object([(t.relation.rawValue, .double(t.operand))]))
        }
        guard let (v, at) = resolveOperand(node, scope) else { return nil }
        if case .bool = decl.operand {
            guard case .bool(let b) = v else { return mismatch(op, "true or false", v, at) }
            if let c = coercion { return coercionMismatch(op, c, at) }
            return (makeOp(name, .bool(b)), v)
        }
        if let c = coercion, !decl.conversions.allows(c) { return coercionMismatch(op, c, at) }
        switch decl.operand {
        case .bool, .numberTest:
            return nil  // handled above
        case .value:
            let operand = convertOperand(v, coercion)
            guard fits(operand, coercion) else {
                return mismatch(op, "a \(coercion!.resultType) (as: \(coercion!.rawValue) gives a \(coercion!.resultType))", v, at)
            }
            return (makeOp(name, .value(operand)), operand)
        case .list:
            guard case .array(let items) = v else { return mismatch(op, "a list of values", v, at) }
            let converted = items.map { convertOperand($0, coercion) }
            if let bad = converted.first(where: { !fits($0, coercion) }) {
                return mismatch(op, "a list of \(coercion!.resultType)s (as: \(coercion!.rawValue))", bad, at)
            }
            return (makeOp(name, .list(converted)), .array(converted))
        case .number:
            let operand = convertOperand(v, coercion)
            guard let n = operand.number else { return mismatch(op, "a number", v, at) }
            return (makeOp(name, .number(n)), operand)
        case .pattern:
            guard case .string(let pattern) = v else { return mismatch(op, "a regular expression string", v, at) }
            do {
                return (makeOp(name, .regex(try Regex(pattern))), v)
            } catch {
                let quoted = node.scalar?.style == .singleQuoted || node.scalar?.style == .doubleQuoted
                var l = at
                l.column += error.offset + (quoted ? 1 : 0)
                diags.error(.badRegex, "invalid regular expression \"\(pattern)\": \(error.message) (at character \(error.offset + 1))", at: l)
                return nil
            }
        case .version:
            let text: String
            switch v {
            case .string(let s): text = s
            // A number written here is read as its text (8.10 stays "8.10"); a parameter's value
            // is already a number, and 8.10 would have become 8.1.
            case .double where node.scalar == nil:
                return mismatch(op, "a version string (declare the parameter quoted: as a YAML number, 8.10 is 8.1)", v, at)
            case .int, .double: text = node.scalar?.text ?? v.display
            default: return mismatch(op, "a version string such as \"6.4.2\"", v, at)
            }
            guard !text.isEmpty else { return mismatch(op, "a non-empty version string", v, at) }
            return (makeOp(name, .version(text)), .string(text))
        case .typeName:
            let names = OperatorDeclaration.typeNames
            guard case .string(let t) = v, names.contains(t) else {
                if v == .null {
                    diags.error(
                        .typeMismatch,
                        "'\(op)' must be one of \(names.joined(separator: ", ")), found a YAML null; to test for null write type: \"null\" (quoted)", at: at)
                    return nil
                }
                let given = v.stringValue ?? v.display
                diags.error(
                    .typeMismatch, "'\(op)' must be one of \(names.joined(separator: ", ")), found '\(given)'\(Suggest.hint(for: given, in: names))", at: at)
                return nil
            }
            return (makeOp(name, .typeName(t)), v)
        case .dataset:
            guard case .string(let dataset) = v else { return mismatch(op, "a dataset name", v, at) }
            guard let ds = datasets[dataset] else {
                diags.error(
                    .unknownDataset,
                    "no dataset '\(dataset)' (datasets are files in the policy folder's data/)\(Suggest.hint(for: dataset, in: datasets.keys))", at: at)
                return nil
            }
            return (makeOp(name, .dataset(ds)), v)
        }
    }

    /// What each operator does, from its checked operand: the one place an operator's name
    /// meets its implementation (exhaustive, so a new `OperatorName` does not compile without
    /// a line here).
    private func makeOp(_ name: OperatorName, _ operand: CheckedOperand) -> Op {
        switch (name, operand) {
        case (.exists, .bool(let b)): return .exists(b)
        case (.equals, .value(let x)), (.notEquals, .value(let x)): return .equals(x, negated: name == .notEquals)
        case (.in, .list(let xs)), (.notIn, .list(let xs)): return .oneOf(xs, negated: name == .notIn)
        case (.gt, .number(let n)), (.gte, .number(let n)), (.lt, .number(let n)), (.lte, .number(let n)):
            return .number(NumberTest(relation: NumberTest.Relation(rawValue: name.rawValue)!, operand: n))
        case (.matches, .regex(let re)), (.notMatches, .regex(let re)): return .matches(re, negated: name == .notMatches)
        case (.contains, .value(let x)), (.notContains, .value(let x)): return .contains(x, negated: name == .notContains)
        case (.subsetOf, .list(let xs)): return .subsetOf(xs)
        case (.supersetOf, .list(let xs)): return .supersetOf(xs)
        case (.disjointFrom, .list(let xs)): return .disjointFrom(xs)
        case (.versionLt, .version(let v)), (.versionLte, .version(let v)), (.versionGt, .version(let v)), (.versionGte, .version(let v)),
            (.versionEquals, .version(let v)):
            return .version(VersionRelation(rawValue: name.rawValue)!, v)
        case (.length, .numberTest(let t)): return .length(t)
        case (.type, .typeName(let t)): return .type(t)
        case (.advisories, .dataset(let ds)): return .advisories(ds)
        default: preconditionFailure("operator \(name.rawValue) declared with another operand shape than LeafCompiler.makeOp gives it")
        }
    }

    /// Byte sizes and durations may be written as the user writes them (`64M`, `15m`):
    /// string operands of those conversions are converted once, here.
    private func convertOperand(_ v: Value, _ coercion: Coercion?) -> Value {
        guard let c = coercion, c == .bytes || c == .duration || c == .bool, case .string = v else { return v }
        if case .success(let converted) = c.apply(v) { return converted }
        return v
    }

    private func coercionMismatch(_ op: String, _ c: Coercion, _ at: SourceLocation) -> (Op, Value)? {
        diags.error(.typeMismatch, "'as: \(c.rawValue)' gives a \(c.resultType), which '\(op)' cannot test", at: at)
        return nil
    }
}
