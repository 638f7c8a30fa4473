import GavelCore

extension ResultsDocument {
    /// The assets whose names match any of `patterns` (`*` matches any run of characters,
    /// as in waivers), in the document's order.
    public func assets(matching patterns: [String]) -> [String] {
        assets.filter { a in patterns.contains { Waiver.glob($0, a) } }
    }

    /// The document narrowed to the assets `patterns` match, for a report of some sites of
    /// a fleet: their results and snapshots, and each control judged again over them alone
    /// (docs/LANGUAGE.md#controls-catalogs: fail if any of its rules fails on one of them, and so on) with its worst
    /// failing severity. What belongs to the run as a whole is kept as it is: policy files,
    /// parameters, input errors, attestations and coverage; a waiver's count of what it
    /// waived counts these assets only. A manual control keeps its verdict (attestations
    /// judge it, not assets).
    public func selecting(assets patterns: [String]) -> ResultsDocument {
        let keep = Set(assets(matching: patterns))
        var out = self
        out.selection = (patterns, selection?.of ?? assets.count)
        out.assets = assets.filter(keep.contains)
        out.entries = entries.filter { keep.contains($0.asset) }
        out.snapshots = snapshots.filter { keep.contains($0.asset) }
        var worst: [String: Severity] = [:]
        for e in out.entries where e.verdict == .fail {
            for c in e.controls { worst[c] = max(worst[c] ?? e.severity, e.severity) }
        }
        out.controls = controls.map { c in
            guard !c.manual else { return c }
            var c = c
            c.assets = c.assets.filter { keep.contains($0.asset) }
            c.verdict = ControlVerdicts.combine(c.assets.map(\.verdict))
            c.worstFailing = worst[c.ref.description]
            return c
        }
        for i in out.waivers.indices { out.waivers[i].applied = 0 }
        for e in out.entries { if let w = e.waiver, w < out.waivers.count { out.waivers[w].applied += 1 } }
        return out
    }
}
