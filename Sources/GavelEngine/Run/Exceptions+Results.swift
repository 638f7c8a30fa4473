import GavelCore

/// Waivers and attestations (docs/LANGUAGE.md#waivers-and-attestations) applied to a run, in the one place every command goes through (eval, diff and
/// the reports are all built from a `ResultsDocument`): waivers turn in-force failures
/// into `waived`, attestations judge manual controls.
extension ResultsDocument {
    mutating func applyWaivers(_ list: [Waiver]) {
        waivers = list.map { WaiverState(waiver: $0, status: ExceptionStatus.of(until: $0.expires, on: asOf, window: expiringWithin), applied: 0) }
        guard !list.isEmpty else { return }
        var byRule: [String: [Int]] = [:]
        for (i, w) in list.enumerated() { byRule[w.rule, default: []].append(i) }
        for i in entries.indices {
            guard let candidates = byRule[entries[i].rule] else { continue }
            let asset = entries[i].asset
            let matching = candidates.filter { list[$0].covers(asset: asset) }
            guard entries[i].verdict == .fail, !matching.isEmpty else { continue }
            // The in-force waiver that lasts longest wins; else the latest expired one is shown.
            if let w = matching.filter({ waivers[$0].status.inForce }).max(by: { list[$0].expires < list[$1].expires }) {
                entries[i].verdict = .waived
                entries[i].waiver = w
                waivers[w].applied += 1
            } else {
                entries[i].expiredWaiver = matching.max { list[$0].expires < list[$1].expires }
            }
        }
        let names = Set(assets)
        for w in list {
            for pattern in w.assets where !assets.contains(where: { Waiver.glob(pattern, $0) }) {
                policyErrors.append(
                    Diagnostic(
                        .unknownAsset,
                        "waiver for \(w.rule) names asset '\(pattern)', which matches no asset of this run\(Suggest.hint(for: pattern, in: names))",
                        at: w.location))
            }
        }
    }

    /// Manual controls are judged by attestations only: pass while one is in force, else fail
    /// ("not attested", or when the latest expired). Attestations of automated controls are
    /// listed beside them without changing their verdict.
    mutating func judgeManualControls(_ program: Program) {
        attestations = program.attestations.map {
            AttestationState(attestation: $0, status: ExceptionStatus.of(from: $0.date, until: $0.expires, on: asOf, window: expiringWithin))
        }
        var byControl: [ControlRef: [Int]] = [:]
        for (i, a) in program.attestations.enumerated() { byControl[a.control, default: []].append(i) }
        for i in controls.indices { controls[i].attestations = byControl[controls[i].ref] ?? [] }
        for cat in program.catalogs {
            for c in cat.controls where c.manual {
                let ref = ControlRef(framework: cat.framework, id: c.id)
                let mine = byControl[ref] ?? []
                let inForce = mine.filter { attestations[$0].status.inForce }
                let verdict: Verdict
                let note: String
                if let best = inForce.max(by: {
                    (attestations[$0].attestation.expires ?? Day(ordinal: .max)) < (attestations[$1].attestation.expires ?? Day(ordinal: .max))
                }) {
                    let a = attestations[best].attestation
                    verdict = .pass
                    note = "attested by \(a.attestedBy) on \(a.date)" + (a.expires.map { ", until \($0)" } ?? "")
                } else if let last = mine.filter({ attestations[$0].status == .expired }).max(by: {
                    attestations[$0].attestation.expires! < attestations[$1].attestation.expires!
                }) {
                    verdict = .fail
                    note = "attestation expired on \(attestations[last].attestation.expires!)"
                } else {
                    verdict = .fail
                    note = mine.isEmpty ? "not attested" : "attestation not valid until \(attestations[mine[0]].attestation.date)"
                }
                controls.append(
                    ControlEntry(
                        ref: ref, title: c.title, manual: true, verdict: verdict, rules: [], assets: [], note: note,
                        worstFailing: nil, attestations: mine))
            }
        }
        controls.sort { $0.ref < $1.ref }
    }

    /// Waivers and attestations that lapse within `expiringWithin` days or have lapsed, for
    /// `--warn-expiring` and the reports.
    public var lapsing: [String] {
        var out: [String] = []
        for w in waivers where w.status == .expiring || w.status == .expired {
            let when = w.status == .expired ? "expired on \(w.waiver.expires)" : "expires \(w.waiver.expires) (in \(asOf.days(until: w.waiver.expires)) days)"
            out.append("waiver of \(w.waiver.rule) for \(w.waiver.assets.joined(separator: ", ")) (\(w.waiver.location)) \(when)")
        }
        for a in attestations where a.status == .expiring || a.status == .expired {
            guard let e = a.attestation.expires else { continue }
            let when = a.status == .expired ? "expired on \(e)" : "expires \(e) (in \(asOf.days(until: e)) days)"
            out.append("attestation of \(a.attestation.control) by \(a.attestation.attestedBy) (\(a.attestation.location)) \(when)")
        }
        return out
    }
}
