import Foundation
import GavelCore
import GavelResults
import GavelYAML

extension CompileSession {
    /// First pass over a policy file: its id, default kinds, params and rule ids.
    func compileHeader(_ f: LoadedFile) {
        let m = f.root
        m.allowOnly(["gavel", "id", "title", "description", "kind", "params", "rules", "tests"])
        guard let (id, idAt) = m.string("id", required: true) else { return }
        if !isIdentifier(id, extra: "._-") {
            diags.error(.badId, "policy id '\(id)' must be letters, digits, '.', '_' or '-'", at: idAt)
        }
        if let other = headers[id] {
            diags.error(.duplicatePolicyId, "policy id '\(id)' is already used", at: idAt, notes: [.init("first used", at: SourceLocation(file: other.file))])
            return
        }
        var header = PolicyHeader(id: id, file: f.path, params: [:], kinds: nil)
        if let k = m["kind"] {
            header.kinds = compileKinds(k)
            header.kindsLocation = k.location
        }
        if let p = m.mapping("params") {
            for pair in p.pairs {
                guard let name = pair.key.scalar?.text else { continue }
                if !isIdentifier(name, extra: "_") {
                    diags.error(.badId, "parameter name '\(name)' must be letters, digits or '_'", at: pair.key.location)
                }
                if case .mapping = pair.value.content {
                    diags.error(.wrongType, "parameter '\(name)' must be a scalar or a list, found a mapping", at: pair.value.location)
                    continue
                }
                header.params[name] = (pair.value.toValue(), pair.value.location)
            }
        }
        headers[id] = header
        for item in m.list("rules", required: true) ?? [] {
            guard let r = item.mapping, let idNode = r.first(where: { $0.key.scalar?.text == "id" })?.value,
                let ruleID = idNode.scalar?.text
            else { continue }
            if let first = ruleLocations[ruleID] {
                diags.error(
                    .duplicateRuleId, "rule id '\(ruleID)' is already used; rule ids are unique across the whole policy set",
                    at: idNode.location, notes: [.init("first defined", at: first)])
            } else {
                ruleLocations[ruleID] = idNode.location
            }
        }
    }

    /// `kind: php` or `kind: [php, nginx]`; each a kind name (`KindUse`).
    func compileKinds(_ node: YAMLNode) -> [String]? {
        let items = node.sequence ?? [node]
        var out: [String] = []
        for item in items {
            guard let (k, at) = MapReader.text(item, "kind", diags) else { return nil }
            guard useKind(k, at: at, "kind") != nil else { return nil }
            if !out.contains(k) { out.append(k) }
        }
        if out.isEmpty {
            diags.error(.wrongType, "kind must name at least one snapshot kind", at: node.location)
            return nil
        }
        return out
    }

    func compileRules(_ f: LoadedFile) {
        guard let id = f.root.string("id")?.0, let header = headers[id], header.file == f.path else { return }
        for item in f.root.list("rules") ?? [] {
            if let rule = compileRule(item, header) { rules.append(rule) }
        }
    }

    private func compileRule(_ node: YAMLNode, _ header: PolicyHeader) -> Rule? {
        guard let m = MapReader(node, "a rule", diags) else { return nil }
        m.allowOnly(["id", "title", "description", "severity", "controls", "kind", "when", "check", "message", "remediation", "fix"])
        guard let (id, idAt) = m.string("id", required: true) else { return nil }
        if !isIdentifier(id, extra: "._-") {
            diags.error(.badId, "rule id '\(id)' must be letters, digits, '.', '_' or '-'", at: idAt)
        }
        let title = m.string("title")?.0 ?? id
        if !m.has("title") {
            diags.add(Diagnostic(.missingTitle, "rule '\(id)' has no title; reports will show its id", at: idAt, level: .warning))
        }
        var severity = Severity.medium
        if let (s, at) = m.string("severity") {
            if let sev = Severity(rawValue: s) {
                severity = sev
            } else {
                diags.error(
                    .badSeverity, "unknown severity '\(s)'\(Suggest.hint(for: s, in: Severity.allCases.map(\.rawValue)))", at: at,
                    notes: ["severities: critical, high, medium, low, info"])
            }
        } else if m.has("severity") == false {
            diags.add(Diagnostic(.missingSeverity, "rule '\(id)' has no severity; it counts as medium", at: idAt, level: .warning))
        }
        let controls = compileControlRefs(m.list("controls", scalarOK: true) ?? [])

        var declared = header.kinds
        if let k = m["kind"] { declared = compileKinds(k) ?? declared }
        let tracker = KindTracker(declared: declared)
        let scope = CondScope(policy: header, kinds: tracker, depth: 0)
        let before = diags.errorCount
        let when = m["when"].flatMap { compileCondition($0, scope) }
        let checkNode = m.require("check")
        let check = checkNode.flatMap { compileCondition($0, scope) }
        let message = m.string("message").flatMap { compileMessage($0.0, $0.1) }
        let remediation = compileRemediation(m)
        if !m.has("remediation") {
            diags.add(
                Diagnostic(
                    .missingRemediation, "rule '\(id)' has no remediation; auditors and operators will not see how to fix a failure",
                    at: idAt, level: .warning))
        }
        guard let check, diags.errorCount == before else { return nil }
        let kindNames = declared ?? tracker.used.sorted()
        var fix: [MachineFix] = []
        if let node = m["fix"] {
            // One action, or a list of them (a rule that needs two directives set).
            let items = node.sequence ?? [node]
            if items.isEmpty { diags.error(.badFix, "a fix needs at least one action", at: m.keyLocation("fix")) }
            fix = items.compactMap { compileFix($0, kinds: kindNames, scope: scope) }
        }
        guard diags.errorCount == before else { return nil }
        let kinds = kindNames.compactMap { SnapshotKinds.known.firstIndex(of: $0) }
        if kinds.isEmpty {
            diags.error(.unknownKind, "rule '\(id)' reads no snapshot kind; give it 'kind:' or use absolute paths such as php.ini.x", at: idAt)
            return nil
        }
        return Rule(
            id: id, title: title, severity: severity, controls: controls, kinds: kinds, when: when, check: check,
            message: message, remediation: remediation, policyID: header.id, location: idAt, disabledReason: disabled[id], fix: fix)
    }

    /// `fix: { ini: { key: expose_php, value: "Off" } }`: one action, checked like a check. A
    /// value may be `{param: NAME}`, so a tailored parameter and the fix agree.
    func compileFix(_ node: YAMLNode, kinds: [String], scope: CondScope) -> MachineFix? {
        guard let m = MapReader(node, "a fix", diags) else { return nil }
        let given = m.keys.map { ($0, m.keyLocation($0)) }
        guard given.count == 1, let action = given.first, MachineFix.actions.contains(action.0) else {
            let at = given.first?.1 ?? m.keyLocation("")
            let name = given.first?.0 ?? ""
            diags.error(
                .badFix, given.count == 1 ? "unknown fix action '\(name)'\(Suggest.hint(for: name, in: MachineFix.actions))" : "a fix has exactly one action",
                at: at, notes: [Diagnostic.Note("fix actions: " + MachineFix.actions.joined(separator: ", ") + " (docs/LANGUAGE.md#machine-fixes)")])
            return nil
        }
        guard let a = MapReader(m[action.0]!, "the \(action.0) fix", diags) else { return nil }
        let fields = FixFields(action: action.0)
        a.allowOnly(fields.allowed)
        guard let (key, keyAt) = a.string(fields.name, required: true) else { return nil }
        var value: Value = .null
        if fields.hasValue {
            guard let node = a.require("value"), let (v, _) = resolveOperand(node, scope) else { return nil }
            value = v
        }
        let text = FixFields.text(value, action: action.0)
        guard let fix = fields.validate(key: key, value: value, text: text, always: a.bool("always") ?? true, at: keyAt, diags) else { return nil }
        if !kinds.contains(fix.kind) {
            diags.error(
                .badFix,
                "\(["wp_define", "magento_config"].contains(action.0) ? "a" : "an") \(action.0) fix edits the files of a '\(fix.kind)' snapshot, which this rule does not read",
                at: action.1)
            return nil
        }
        return fix
    }

    func compileControlRefs(_ items: [YAMLNode]) -> [ControlRef] {
        var refs: [ControlRef] = []
        for item in items {
            guard let (text, at) = MapReader.text(item, "a control reference", diags) else { continue }
            guard let colon = text.firstIndex(of: ":") else {
                diags.error(.badControlRef, "control '\(text)' must be written FRAMEWORK:CONTROL_ID, e.g. soc2:CC6.1", at: at)
                continue
            }
            let ref = ControlRef(framework: String(text[..<colon]), id: String(text[text.index(after: colon)...]))
            guard let catalog = catalogs.first(where: { $0.framework == ref.framework }) else {
                let known = catalogs.map(\.framework)
                diags.error(
                    .unknownFramework, "no controls catalog defines framework '\(ref.framework)'\(Suggest.hint(for: ref.framework, in: known))", at: at,
                    notes: known.isEmpty
                        ? [
                            "no catalog is loaded: give the policy folder (its controls/ catalogs are read), or put a 'gavel: controls/v1' file for '\(ref.framework)' in a controls/ folder beside or above this file"
                        ]
                        : ["loaded frameworks: \(known.joined(separator: ", "))"])
                continue
            }
            guard catalog.controls.contains(where: { $0.id == ref.id }) else {
                diags.error(
                    .unknownControl, "framework '\(ref.framework)' has no control '\(ref.id)'\(Suggest.hint(for: ref.id, in: catalog.controls.map(\.id)))",
                    at: at)
                continue
            }
            if !refs.contains(ref) { refs.append(ref) }
        }
        return refs
    }

    func compileMessage(_ text: String, _ at: SourceLocation) -> MessageTemplate? {
        var parts: [MessageTemplate.Part] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                diags.error(.badMessage, "'{{' without a closing '}}' in message", at: at)
                return nil
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            switch name {
            case "value": parts.append(.value)
            case "path": parts.append(.path)
            case "asset": parts.append(.asset)
            default:
                diags.error(
                    .unknownPlaceholder, "unknown placeholder '{{\(name)}}' in message\(Suggest.hint(for: name, in: ["value", "path", "asset"]))",
                    at: at, notes: ["placeholders: {{value}}, {{path}}, {{asset}}"])
                return nil
            }
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        return MessageTemplate(parts: parts)
    }

    func compileRemediation(_ m: MapReader) -> Remediation {
        guard let node = m["remediation"] else { return Remediation(summary: nil, fix: nil, references: []) }
        if node.scalar != nil {
            return Remediation(summary: MapReader.text(node, "remediation", diags)?.0, fix: nil, references: [])
        }
        guard let r = MapReader(node, "remediation", diags) else { return Remediation(summary: nil, fix: nil, references: []) }
        r.allowOnly(["summary", "fix", "references"])
        let refs = (r.list("references", scalarOK: true) ?? []).compactMap { MapReader.text($0, "a reference", diags)?.0 }
        return Remediation(summary: r.string("summary")?.0, fix: r.string("fix")?.0, references: refs)
    }
}
