import GavelCore
import GavelResults
import GavelYAML

extension CompileSession {
    /// `gavel: waivers/v1` (docs/LANGUAGE.md#waivers-and-attestations): each waiver names a known rule, asset patterns, a
    /// reason, an approver and a day it expires.
    func compileWaivers(_ f: LoadedFile) {
        let m = f.root
        m.allowOnly(["gavel", "waivers", "description"])
        for item in m.list("waivers", required: true) ?? [] {
            guard let w = MapReader(item, "a waiver", diags) else { continue }
            w.allowOnly(["rule", "assets", "reason", "approved_by", "expires", "ticket"])
            let rule = w.string("rule", required: true)
            if let (id, at) = rule, ruleLocations[id] == nil {
                diags.error(.unknownRule, "waiver for unknown rule '\(id)'\(Suggest.hint(for: id, in: ruleLocations.keys))", at: at)
            }
            var assets: [String] = []
            for a in w.list("assets", required: true, scalarOK: true) ?? [] {
                guard let (pattern, at) = MapReader.text(a, "an asset name or pattern", diags) else { continue }
                if pattern.isEmpty || pattern.contains(where: \.isWhitespace) {
                    diags.error(.badAssetPattern, "asset pattern '\(pattern)' must be an asset name, with '*' for any run of characters", at: at)
                    continue
                }
                assets.append(pattern)
            }
            if let list = w["assets"], list.sequence?.isEmpty == true {
                diags.error(.badAssetPattern, "a waiver needs at least one asset (write [\"*\"] for every asset)", at: list.location)
            }
            let reason = nonEmpty(w, "reason")
            let approver = nonEmpty(w, "approved_by")
            let expires = day(w, "expires", required: true)
            if let (id, _) = rule, ruleLocations[id] != nil, !assets.isEmpty, let reason, let approver, let expires {
                waivers.append(Waiver(rule: id, assets: assets, reason: reason, approvedBy: approver, expires: expires, location: w.node.location))
            }
        }
    }

    /// `gavel: attestations/v1` (docs/LANGUAGE.md#waivers-and-attestations): a statement that a control operates, by whom,
    /// from when, until when, with a pointer to the evidence.
    func compileAttestations(_ f: LoadedFile) {
        let m = f.root
        m.allowOnly(["gavel", "attestations", "description"])
        for item in m.list("attestations", required: true) ?? [] {
            guard let a = MapReader(item, "an attestation", diags) else { continue }
            a.allowOnly(["control", "statement", "attested_by", "date", "expires", "evidence"])
            let refs = a["control"].map { compileControlRefs([$0]) }
            let statement = nonEmpty(a, "statement")
            let by = nonEmpty(a, "attested_by")
            let date = day(a, "date", required: true)
            let expires = day(a, "expires", required: false)
            if let date, let expires, expires < date {
                diags.error(.badDate, "the attestation expires (\(expires)) before it is dated (\(date))", at: a.keyLocation("expires"))
                continue
            }
            if a["control"] == nil { _ = a.require("control") }
            if let ref = refs?.first, let control = controlEntry(ref), !control.manual {
                diags.add(
                    Diagnostic(
                        .attestationForAutomatedControl,
                        "control '\(ref)' is not manual: its verdict comes from its rules, and this attestation is shown beside them without changing it",
                        at: a.keyLocation("control"), level: .warning))
            }
            if let ref = refs?.first, let statement, let by, let date {
                attestations.append(
                    Attestation(
                        control: ref, statement: statement, attestedBy: by, date: date, expires: expires,
                        evidence: a.string("evidence")?.0, location: a.node.location))
            }
        }
    }

    private func controlEntry(_ ref: ControlRef) -> Control? {
        catalogs.first { $0.framework == ref.framework }?.controls.first { $0.id == ref.id }
    }

    private func nonEmpty(_ m: MapReader, _ key: String) -> String? {
        guard let (text, at) = m.string(key, required: true) else { return nil }
        if text.trimmingCharacters(in: .whitespaces).isEmpty {
            diags.error(.missingKey, "'\(key)' in \(m.what) must not be empty: auditors read it", at: at)
            return nil
        }
        return text
    }

    /// A `YYYY-MM-DD` day. YAML 1.2's core schema reads such a plain scalar as a string.
    private func day(_ m: MapReader, _ key: String, required: Bool) -> Day? {
        guard let (text, at) = m.string(key, required: required) else { return nil }
        guard let d = Day(text) else {
            diags.error(.badDate, "'\(key)' must be a date written YYYY-MM-DD, found '\(text)'", at: at)
            return nil
        }
        return d
    }
}
