import GavelCore
import GavelResults

/// Wording shared by the diff reporters.
enum DiffSummary {
    static func verdict(_ v: Verdict?) -> String { v?.rawValue ?? "absent" }

    /// "2 newly failing (1 regression), 1 newly passing, 3 controls changed, 1 rule changed",
    /// leaving out what is zero.
    static func counts(_ d: PolicyDiff) -> [String] {
        var parts: [String] = []
        for kind in PolicyDiff.Kind.allCases {
            let n = d.count(kind)
            guard n > 0 else { continue }
            var part = "\(n) \(kind.label)"
            if kind == .newlyFailing || kind == .newlyErroring {
                let r = d.verdicts.filter { $0.kind == kind && $0.isRegression }.count
                if r > 0 { part += " (\(plural(r, "regression")))" }
            }
            parts.append(part)
        }
        if !d.controls.isEmpty { parts.append("\(d.controls.count) control\(d.controls.count == 1 ? "" : "s") changed") }
        if !d.rules.isEmpty { parts.append("\(d.rules.count) rule\(d.rules.count == 1 ? "" : "s") changed") }
        return parts
    }

    static func describe(_ a: PolicyDiff.RuleAspect) -> String {
        switch a {
        case .added: "added"
        case .removed: "removed"
        case .enabled: "enabled (was disabled by tailoring)"
        case .disabled(let reason): "disabled by tailoring (\(reason))"
        case .severity(let from, let to): "severity \(from.rawValue) -> \(to.rawValue)"
        case .controls(let added, let removed):
            "controls " + (added.map { "+" + $0 } + removed.map { "-" + $0 }).joined(separator: " ")
        }
    }
}

func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
