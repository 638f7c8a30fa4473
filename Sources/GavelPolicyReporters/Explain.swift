import GavelCore
import GavelEngine
import GavelReporters

/// Puts a compiled rule into words for `gavel explain`.
public enum Explain {
    public static func text(_ rule: Rule, _ program: Program) -> String {
        var out = "\(rule.id): \(rule.title)\n"
        out += "  severity:  \(rule.severity.rawValue)\n"
        out += "  policy:    \(rule.policyID) (\(rule.location))\n"
        out += "  kinds:     \(rule.kindNames.joined(separator: ", "))\n"
        if let reason = rule.disabledReason { out += "  DISABLED by tailoring: \(reason)\n" }
        out += "  controls:\n"
        for c in rule.controls {
            out += "    - \(c): \(program.control(c)?.title ?? "")\n"
        }
        if let w = rule.when {
            out += "  applies when:\n" + describe(w, indent: 4)
        }
        out += "  passes when:\n" + describe(rule.check, indent: 4)
        if let s = rule.remediation.summary { out += "  remediation: \(s)\n" }
        if let fix = rule.remediation.fix {
            out += "  fix:\n" + fix.split(separator: "\n", omittingEmptySubsequences: false).map { "    \($0)" }.joined(separator: "\n") + "\n"
        }
        if !rule.fix.isEmpty {
            out += "  machine fix (gavel fix writes it as a proven patch):\n"
            for f in rule.fix { out += "    - \(f.summary)\n" }
        }
        for r in rule.remediation.references { out += "  see: \(r)\n" }
        return out
    }

    public static func describe(_ c: Cond, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        switch c {
        case .all(let xs): return pad + "all of:\n" + xs.map { describe($0, indent: indent + 2) }.joined()
        case .any(let xs): return pad + "any of:\n" + xs.map { describe($0, indent: indent + 2) }.joined()
        case .none(let xs): return pad + "none of:\n" + xs.map { describe($0, indent: indent + 2) }.joined()
        case .not(let x): return pad + "not:\n" + describe(x, indent: indent + 2)
        case .leaf(let l): return pad + leaf(l) + "\n"
        case .quantifier(let q):
            var head: String
            switch q.kind {
            case .every: head = "every element of \(q.path.text)"
            case .some: head = "at least one element of \(q.path.text)"
            case .count(let t):
                head = "the number of elements of \(q.path.text)"
                if q.filter != nil { head += " matching the filter" }
                head += " \(relation(t.relation)) \(JSONWriter.formatDouble(t.operand).replacingOccurrences(of: ".0", with: ""))"
            }
            var out = pad + head + parameterNote(q.parameter) + (q.missing.map { " (if absent: \($0.rawValue))" } ?? "") + "\n"
            if let f = q.filter { out += pad + "  considering only elements where:\n" + describe(f, indent: indent + 4) }
            if let ch = q.check { out += pad + "  must satisfy:\n" + describe(ch, indent: indent + 4) }
            return out
        }
    }

    static func relation(_ r: NumberTest.Relation) -> String { r.operatorName.declaration.words }

    /// The test in words, from its operator's declaration.
    static func leaf(_ l: Leaf) -> String {
        let subject = l.path.text + (l.coercion.map { " (read as \($0.rawValue))" } ?? "")
        let decl = l.operator.declaration
        let phrase: String
        switch l.op {
        case .exists(let b): phrase = b ? decl.words : "is absent"
        case .length(let t): phrase = "\(decl.words) \(relation(t.relation)) \(JSONWriter.formatDouble(t.operand).replacingOccurrences(of: ".0", with: ""))"
        default:
            switch decl.operandWords {
            case .json: phrase = decl.words + " " + JSONWriter.string(l.expected)
            case .pattern: phrase = decl.words + " /\(l.expected.display)/"
            case .text: phrase = decl.words + " " + l.expected.display
            }
        }
        let missing = l.missing.map { " (if absent: \($0.rawValue))" } ?? ""
        return "\(subject) \(phrase)\(parameterNote(l.parameter))\(missing)"
    }

    /// " (parameter php.session.max_session_seconds, set by tailoring)": which tailoring key
    /// changes an operand.
    static func parameterNote(_ p: (name: String, tailored: Bool)?) -> String {
        p.map { " (parameter \($0.name)\($0.tailored ? ", set by tailoring" : ""))" } ?? ""
    }
}
