import GavelCore

/// Waivers and attestations (docs/LANGUAGE.md#waivers-and-attestations) applied to a run, in the one place every command goes through (eval, diff and
/// the reports are all built from a `ResultsDocument`): waivers turn in-force failures
/// into `waived`, attestations judge manual controls.
extension ResultsDocument {
    /// `fleet`: the names of all the fleet's assets when this run evaluated a shard of it (a
    /// waiver may name an asset another shard evaluates).
    package mutating func applyWaivers(_ list: [Waiver], fleet: [String]? = nil) {
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
        let known = fleet ?? assets
        let names = Set(known)
        for w in list {
            for pattern in w.assets where !known.contains(where: { Waiver.glob(pattern, $0) }) {
                policyErrors.append(
                    Diagnostic(
                        .unknownAsset,
                        "waiver for \(w.rule) names asset '\(pattern)', which matches no asset of this run\(Suggest.hint(for: pattern, in: names))",
                        at: w.location))
            }
        }
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
