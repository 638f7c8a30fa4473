import GavelCore
import GavelResults

/// The auditor's report (`gavel report --format html`, `gavel eval --format html`): one
/// self-contained HTML file, organised by framework and control. Summary first (pass rate
/// per framework, failing controls by severity, changes since the previous run, coverage),
/// then every control with the rules behind it and, per asset, verdict, evidence, snapshot
/// provenance, remediation and waivers; an appendix lists every file read with its SHA-256.
/// Inline CSS, SVG and script only: it makes no network request.
public struct HTMLReporter: Sendable {
    public init() {}

    public func render(_ m: AuditModel) -> String {
        var out = ""
        render(m) { out += $0 }
        return out
    }

    /// The same page, handed to `emit` a control at a time: a fleet's report runs to
    /// hundreds of megabytes, which a caller writing it to a file need not hold whole.
    public func render(_ m: AuditModel, to emit: (String) throws -> Void) rethrows {
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out +=
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<meta name=\"generator\" content=\"gavel \(ResultsDocument.toolVersion)\">\n"
        out += "<title>Gavel compliance report, \(esc(Timestamp.string(m.doc.startedAt)))</title>\n"
        out += "<style>\n\(HTMLReportAssets.css)\n</style>\n</head>\n<body>\n"
        out += header(m) + filters(m) + summary(m)
        try emit(out)
        for f in m.frameworks {
            try emit(frameworkStart(f))
            for c in f.controls { try emit(control(c, m)) }
            try emit("</section>\n")
        }
        out = appendix(m)
        out += "<footer>Written by gavel \(ResultsDocument.toolVersion) from the results of the run started \(esc(Timestamp.string(m.doc.startedAt)))"
        out += m.doc.recordedDigest.map { " (document SHA-256 <span class=\"mono\">\(esc($0))</span>)" } ?? ""
        out += ". This file is complete on its own and loads nothing from the network.</footer>\n"
        out += "<script>\n\(HTMLReportAssets.script)\n</script>\n</body>\n</html>\n"
        try emit(out)
    }

    func esc(_ s: String) -> String { XMLText.escape(s) }

    func badge(_ v: Verdict) -> String { "<span class=\"badge \(v.rawValue)\">\(AuditModel.verdictWord(v).uppercased())</span>" }

    func anchor(_ ref: ControlRef) -> String {
        "c-" + String(ref.description.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" })
    }

    func header(_ m: AuditModel) -> String {
        let d = m.doc
        var out = "<header>\n<h1>Compliance report</h1>\n<dl class=\"facts\">\n"
        func fact(_ k: String, _ v: String) { out += "<dt>\(esc(k))</dt><dd>\(v)</dd>\n" }
        fact("Run", "\(esc(Timestamp.string(d.startedAt))) to \(esc(Timestamp.string(d.finishedAt)))")
        fact("Waivers judged on", esc(d.asOf.description))
        fact("Evaluated", "\(esc(AuditModel.assetsEvaluated(d))), \(d.rules.count) rules, \(d.entries.count) evaluations")
        fact("Policy set digest", "<span class=\"mono\">\(esc(d.policyDigest))</span>")
        if let s = m.source { fact("Results file", "<span class=\"mono\">\(esc(s))</span>") }
        out += "</dl>\n"
        switch m.integrity {
        case .verified:
            out += "<p class=\"banner ok\" id=\"integrity\">The results file matches its recorded SHA-256: it has not been edited since Gavel wrote it.</p>\n"
        case .changed:
            out +=
                "<p class=\"banner bad\" id=\"integrity\"><strong>The results file was edited after Gavel wrote it</strong>: its content no longer matches its recorded SHA-256. Do not rely on this report; run <code>gavel verify</code>.</p>\n"
        case .unrecorded:
            out += "<p class=\"banner bad\" id=\"integrity\">The results file carries no SHA-256 of its own, so edits to it cannot be detected.</p>\n"
        case .fresh: break
        }
        return out + "</header>\n"
    }

    func filters(_ m: AuditModel) -> String {
        func select(_ key: String, _ label: String, _ options: [(String, String)]) -> String {
            "<label>\(label)<select id=\"f-\(key)\"><option value=\"\">all</option>"
                + options.map { "<option value=\"\(esc($0.0))\">\(esc($0.1))</option>" }.joined() + "</select></label>\n"
        }
        var out = "<nav id=\"filters\" aria-label=\"Filters\">\n"
        out += select("framework", "Framework", m.frameworks.map { ($0.framework, $0.title) })
        out += select("verdict", "Verdict", [Verdict.fail, .error, .pass, .waived, .notApplicable].map { ($0.rawValue, AuditModel.verdictWord($0)) })
        out += select("asset", "Asset", m.doc.assets.map { ($0, $0) })
        out += select("severity", "Severity", Severity.allCases.sorted(by: >).map { ($0.rawValue, $0.rawValue) })
        return out + "<span id=\"f-count\" class=\"muted\"></span>\n</nav>\n"
    }

    func bar(_ f: AuditModel.Framework) -> String {
        let parts: [(Verdict, String)] = [(.pass, "#1a7f37"), (.waived, "#1f5fbf"), (.fail, "#c62828"), (.error, "#b26a00"), (.notApplicable, "#9ca3af")]
        let total = max(f.controls.count, 1)
        var x = 0.0, out = "<svg viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"controls by verdict\">"
        for (v, colour) in parts where f.count(v) > 0 {
            let w = Double(f.count(v)) * 100 / Double(total)
            out +=
                "<rect x=\"\(fmt(x))\" y=\"0\" width=\"\(fmt(w))\" height=\"10\" fill=\"\(colour)\"><title>\(f.count(v)) \(AuditModel.verdictWord(v))</title></rect>"
            x += w
        }
        return out + "</svg>"
    }

    func fmt(_ d: Double) -> String { String(format: "%.2f", d) }

    /// The summary. The report as a folder links each failing control to its page
    /// (`controlHref`), and keeps its first page small: the first `changesLimit` changes, the
    /// first `errorsLimit` input errors, each with a link to the rest.
    func summary(
        _ m: AuditModel, controlHref: ((ResultsDocument.ControlEntry) -> String)? = nil, changesLimit: Int? = nil, errorsLimit: Int? = nil
    ) -> String {
        var out = "<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">\n"
        for f in m.frameworks {
            let rate = f.passRate.map { "\(Int(($0 * 100).rounded(.down)))%" } ?? "n/a"
            out += "<div class=\"card\" data-framework=\"\(esc(f.framework))\"><h3>\(esc(f.title))</h3><div class=\"rate\">\(rate)</div>\(bar(f))"
            out += "<div class=\"muted\">\(f.count(.pass)) pass, \(f.count(.fail)) fail, \(f.count(.error)) error, \(f.count(.notApplicable)) not applicable"
            out += " of \(f.controls.count) controls</div></div>\n"
        }
        out += "</div>\n<h3 id=\"failing\">Failing controls by severity</h3>\n"
        let groups = m.failingBySeverity
        if groups.isEmpty {
            out += "<p>No control fails.</p>\n"
        } else {
            out += "<table><thead><tr><th>severity</th><th>controls</th></tr></thead><tbody>\n"
            for g in groups {
                out += "<tr><td><span class=\"sev \(g.severity?.rawValue ?? "")\">\(g.severity?.rawValue ?? "manual")</span> (\(g.controls.count))</td><td>"
                out += g.controls.map { "<a href=\"\(esc(controlHref?($0) ?? "#" + anchor($0.ref)))\">\(esc($0.ref.description))</a>" }.joined(separator: ", ")
                out += "</td></tr>\n"
            }
            out += "</tbody></table>\n"
        }
        out += changes(m, limit: changesLimit, more: changesLimit.map { _ in "changes.html" }) + coverage(m) + exceptions(m)
        let errors = m.doc.inputErrors
        for e in errors.prefix(errorsLimit ?? errors.count) { out += inputError(e) }
        if let errorsLimit, errors.count > errorsLimit {
            out += "<p><a href=\"inputs.html#input-errors\">All \(errors.count) input errors</a> (the first \(errorsLimit) are above).</p>\n"
        }
        return out + "</section>\n"
    }

    /// The changes since the previous run; past `limit` rows, a link to `more` (the report as
    /// a folder, whose first page must stay small) instead of the rest.
    func changes(_ m: AuditModel, limit: Int? = nil, more: String? = nil) -> String {
        var out = "<h3 id=\"changes\">Changes since the previous run</h3>\n"
        guard let diff = m.changes else {
            return out + "<p class=\"muted\">\(esc(m.noPreviousRun))</p>\n"
        }
        out += "<p>Compared with the run started \(esc(m.previousStartedAt ?? "")): "
        out += [
            plural(m.changes([.newlyFailing]).count, "new failure"), "\(m.changes([.newlyPassing]).count) fixed",
            plural(m.changes([.newlyErroring]).count, "new error"), "\(m.changes([.newlyWaived]).count) newly waived",
        ].joined(separator: ", ")
        out += diff.rules.isEmpty ? ".</p>\n" : "; \(plural(diff.rules.count, "rule")) changed in the policy set.</p>\n"
        let all = m.changes([.newlyFailing, .newlyErroring, .newlyPassing, .newlyWaived])
        let rows = limit.map { Array(all.prefix($0)) } ?? all
        if !rows.isEmpty {
            out += HTMLReporter.changesHead
            for c in rows { out += changeRow(c, m) }
            out += "</tbody></table>\n"
        }
        if let more, !all.isEmpty {
            out += "<p><a href=\"\(esc(more))\">All \(all.count) changes</a>\(rows.count < all.count ? " (the first \(rows.count) are above)" : "").</p>\n"
        }
        return out
    }

    func inputError(_ e: Diagnostic) -> String { "<p class=\"banner bad\">Input error: <span class=\"mono\">\(esc(e.description))</span></p>\n" }

    static let changesHead =
        "<table id=\"changes-table\"><thead><tr><th>change</th><th>rule</th><th>asset</th><th>was</th><th>now</th><th>controls</th></tr></thead><tbody>\n"

    func changeRow(_ c: PolicyDiff.VerdictChange, _ m: AuditModel, assetHref: String? = nil) -> String {
        let controls = m.rule(c.rule)?.controls.map(\.description).joined(separator: ", ") ?? ""
        let name = assetHref.map { "<a href=\"\(esc($0))\">\(esc(c.asset))</a>" } ?? esc(c.asset)
        return
            "<tr data-change=\"\(c.kind.rawValue)\" data-asset=\"\(esc(c.asset))\"><td>\(esc(c.kind.label))</td><td><code>\(esc(c.rule))</code></td><td>\(name)</td>"
            + "<td>\(c.base.map(badge) ?? "-")</td><td>\(c.head.map(badge) ?? "-")</td><td>\(esc(controls))</td></tr>\n"
    }

    func coverage(_ m: AuditModel) -> String {
        guard let cov = m.doc.coverage else { return "" }
        var out =
            "<h3 id=\"coverage\">Control coverage</h3>\n<table><thead><tr><th>framework</th><th>controls</th><th>automated</th><th>manual (attested)</th><th>neither</th></tr></thead><tbody>\n"
        for f in cov.frameworks {
            out +=
                "<tr><td>\(esc(f.title))</td><td>\(f.controls.count)</td><td>\(f.count(.automated))</td><td>\(f.count(.manual)) (\(f.attested))</td><td>\(f.count(.neither))</td></tr>\n"
        }
        out += "</tbody></table>\n"
        let gaps = cov.frameworks.flatMap { f in f.controls.filter(\.isGap) }
        if !gaps.isEmpty {
            out += "<details><summary>\(plural(gaps.count, "control")) without automated rules or an attestation in force</summary>\n<table><tbody>\n"
            for g in gaps {
                out +=
                    "<tr><td><code>\(esc(g.ref.description))</code></td><td>\(esc(g.title))</td><td class=\"muted\">\(g.kind == .manual ? "manual, not attested" : "no rule")</td></tr>\n"
            }
            out += "</tbody></table>\n</details>\n"
        }
        return out
    }

    func exceptions(_ m: AuditModel) -> String {
        let d = m.doc
        guard !d.waivers.isEmpty || !d.attestations.isEmpty else { return "" }
        var out = "<h3 id=\"exceptions\">Waivers and attestations</h3>\n"
        if !d.waivers.isEmpty {
            out +=
                "<table id=\"waivers\"><thead><tr><th>waiver of</th><th>assets</th><th>reason</th><th>approved by</th><th>expires</th><th>status</th><th>applied</th></tr></thead><tbody>\n"
            for w in d.waivers {
                out +=
                    "<tr data-status=\"\(w.status.rawValue)\"><td><code>\(esc(w.waiver.rule))</code></td><td>\(esc(w.waiver.assets.joined(separator: ", ")))</td>"
                out += "<td class=\"wrap\">\(esc(w.waiver.reason))</td><td>\(esc(w.waiver.approvedBy))</td><td>\(esc(w.waiver.expires.description))</td>"
                out += "<td>\(esc(w.status.rawValue.replacingOccurrences(of: "_", with: " ")))</td><td>\(w.applied)</td></tr>\n"
            }
            out += "</tbody></table>\n"
        }
        if !d.attestations.isEmpty {
            out +=
                "<table id=\"attestations\"><thead><tr><th>control</th><th>statement</th><th>attested by</th><th>date</th><th>expires</th><th>status</th></tr></thead><tbody>\n"
            for a in d.attestations { out += attestationRow(a) }
            out += "</tbody></table>\n"
        }
        return out
    }

    func attestationRow(_ s: ResultsDocument.AttestationState) -> String {
        let a = s.attestation
        return "<tr data-status=\"\(s.status.rawValue)\"><td><code>\(esc(a.control.description))</code></td><td class=\"wrap\">\(esc(a.statement))"
            + (a.evidence.map { " <span class=\"muted\">(evidence: \(esc($0)))</span>" } ?? "")
            + "</td><td>\(esc(a.attestedBy))</td><td>\(esc(a.date.description))</td><td>\(esc(a.expires?.description ?? "never"))</td>"
            + "<td>\(esc(s.status.rawValue.replacingOccurrences(of: "_", with: " ")))</td></tr>\n"
    }

    func frameworkStart(_ f: AuditModel.Framework) -> String {
        "<section class=\"framework\" id=\"fw-\(esc(f.framework))\" data-framework=\"\(esc(f.framework))\">\n<h2>\(esc(f.title))</h2>\n"
    }

    func control(_ c: ResultsDocument.ControlEntry, _ m: AuditModel) -> String {
        var out =
            "<article class=\"control \(c.verdict.rawValue)\" id=\"\(anchor(c.ref))\" data-framework=\"\(esc(c.ref.framework))\" data-verdict=\"\(c.verdict.rawValue)\">\n"
        out += "<h3>\(badge(c.verdict)) <code>\(esc(c.ref.id))</code> \(esc(c.title))</h3>\n"
        if c.manual { out += "<p class=\"note\">Manual control, judged by attestation: \(esc(c.note ?? ""))</p>\n" }
        out += attestationTable(c, m)
        if !c.rules.isEmpty {
            out += ruleList(c, m)
            let rows = m.rows(c)
            let judged = rows.filter { $0.verdict != .notApplicable }
            if !judged.isEmpty {
                out += "<table class=\"rows\"><thead><tr><th>asset</th><th>rule</th><th>severity</th><th>verdict</th><th>snapshot</th></tr></thead><tbody>\n"
                for row in judged { out += self.row(row, m) }
                out += "</tbody></table>\n"
            }
            if let na = AuditModel.notApplicable(rows) { out += "<p class=\"muted na\">Not applicable: \(esc(na))</p>\n" }
        }
        return out + "</article>\n"
    }

    /// The rules behind a control: title, severity, where each is defined, how to fix it.
    func ruleList(_ c: ResultsDocument.ControlEntry, _ m: AuditModel) -> String {
        var out = "<ul class=\"rules\">\n"
        for id in c.rules {
            guard let r = m.rule(id) else { out += "<li><code>\(esc(id))</code></li>\n"; continue }
            out += "<li><code>\(esc(r.id))</code> \(esc(r.title)) <span class=\"sev \(r.severity.rawValue)\">\(r.severity.rawValue)</span>"
            out += " <span class=\"muted mono\">\(esc(r.location.description))</span>" + remediation(r) + "</li>\n"
        }
        return out + "</ul>\n"
    }

    /// A control's attestations, when it has any.
    func attestationTable(_ c: ResultsDocument.ControlEntry, _ m: AuditModel) -> String {
        guard !c.attestations.isEmpty else { return "" }
        var out =
            "<table class=\"attestations\"><thead><tr><th>control</th><th>statement</th><th>attested by</th><th>date</th><th>expires</th><th>status</th></tr></thead><tbody>\n"
        for i in c.attestations { out += attestationRow(m.doc.attestations[i]) }
        return out + "</tbody></table>\n"
    }

    func remediation(_ r: RuleInfo) -> String {
        let rem = r.remediation
        guard rem.summary != nil || rem.fix != nil || !rem.references.isEmpty else { return "" }
        var out = "<details class=\"remediation\"><summary>Remediation</summary>"
        if let s = rem.summary { out += "<p>\(esc(s))</p>" }
        if let f = rem.fix { out += "<pre>\(esc(f))</pre>" }
        if !rem.references.isEmpty { out += "<p>" + rem.references.map { "<a href=\"\(esc($0))\">\(esc($0))</a>" }.joined(separator: "<br>") + "</p>" }
        return out + "</details>"
    }

    /// A rule on an asset, and below it what a failure shows (message, evidence, snapshots,
    /// waiver). `assetHref` links the asset's name to its own page (the report as a folder).
    func row(_ r: AuditModel.Row, _ m: AuditModel, assetHref: String? = nil) -> String {
        let sev = r.rule?.severity.rawValue ?? ""
        let attrs = "data-asset=\"\(esc(r.asset))\" data-severity=\"\(sev)\" data-verdict=\"\(r.verdict.rawValue)\""
        let name = assetHref.map { "<a href=\"\(esc($0))\">\(esc(r.asset))</a>" } ?? esc(r.asset)
        var out = "<tr class=\"row\" \(attrs)><td>\(name)</td><td><code>\(esc(r.ruleID))</code></td><td><span class=\"sev \(sev)\">\(sev)</span></td>"
        out += "<td>\(badge(r.verdict))</td><td>"
        out += r.snapshots.map { s in
            "collected \(esc(s.collectedAt ?? "(unknown)")) <span class=\"mono\" title=\"SHA-256 \(esc(s.sha256)) of \(esc(s.source))\">\(esc(String(s.sha256.prefix(12))))…</span>"
        }.joined(separator: "<br>")
        out += "</td></tr>\n"
        guard let e = r.entry, e.verdict == .fail || e.verdict == .error || e.verdict == .waived || e.expiredWaiver != nil || e.baselined else { return out }
        out += "<tr class=\"detail\" \(attrs)><td colspan=\"5\">"
        if let msg = e.message { out += "<p><strong>\(esc(msg))</strong></p>" }
        if !e.evidence.isEmpty {
            out += "<table class=\"evidence\"><thead><tr><th>path</th><th>observed</th><th>expected</th><th>result</th><th>source</th></tr></thead><tbody>"
            for ev in e.evidence {
                var expected = ev.op + " " + AuditModel.show(ev.expected)
                if let c = ev.coercion { expected += " (as \(c))" }
                out += "<tr><td><code>\(esc(ev.path))</code></td><td class=\"wrap\"><code>\(esc(AuditModel.show(ev.observed)))</code></td>"
                out +=
                    "<td class=\"wrap\"><code>\(esc(expected))</code></td><td>\(esc(ev.result.word))\(ev.note.map { " <span class=\"muted\">(\(esc($0)))</span>" } ?? "")</td>"
                out += "<td class=\"mono\">\(esc(ev.provenance ?? ""))</td></tr>"
            }
            out += "</tbody></table>"
            if e.omitted > 0 { out += "<p class=\"muted\">\(e.omitted) more evidence records omitted.</p>" }
        }
        for s in r.snapshots {
            out +=
                "<p class=\"muted\">Snapshot <span class=\"mono\">\(esc(s.source))</span>, collected \(esc(s.collectedAt ?? "(unknown)")), SHA-256 <span class=\"mono\">\(esc(s.sha256))</span></p>"
        }
        if let w = waiverText(e, m) { out += w }
        if e.baselined { out += "<p class=\"muted\">Known failure: suppressed by the baseline.</p>" }
        return out + "</td></tr>\n"
    }

    /// Every file the run read, with its SHA-256, and how the policy set was tailored.
    func appendix(_ m: AuditModel) -> String {
        let d = m.doc
        var out = "<section id=\"appendix\">\n<h2>Inputs</h2>\n<h3>Snapshots</h3>\n" + HTMLReporter.snapshotsHead
        for s in d.snapshots { out += snapshotRow(s) }
        out += "</tbody></table>\n" + policyInputs(m)
        return out + "</section>\n"
    }

    static let snapshotsHead =
        "<table id=\"snapshots\"><thead><tr><th>asset</th><th>kind</th><th>file</th><th>collected</th><th>SHA-256</th><th>bytes</th></tr></thead><tbody>\n"

    func snapshotRow(_ s: SnapshotInfo, assetHref: String? = nil) -> String {
        let name = assetHref.map { "<a href=\"\(esc($0))\">\(esc(s.asset))</a>" } ?? esc(s.asset)
        return "<tr data-asset=\"\(esc(s.asset))\"><td>\(name)</td><td>\(esc(s.kind))</td><td class=\"mono wrap\">\(esc(s.source))</td>"
            + "<td>\(esc(s.collectedAt ?? "(unknown)"))</td><td class=\"mono wrap\">\(esc(s.sha256))</td><td>\(s.bytes)</td></tr>\n"
    }

    /// The policy files with their SHA-256, the rules tailoring switched off, the parameters.
    func policyInputs(_ m: AuditModel) -> String {
        let d = m.doc
        var out = "<h3>Policy files</h3>\n<table id=\"policy-files\"><thead><tr><th>file</th><th>SHA-256</th></tr></thead><tbody>\n"
        for f in d.policyFiles { out += "<tr><td class=\"mono wrap\">\(esc(f.path))</td><td class=\"mono wrap\">\(esc(f.sha256))</td></tr>\n" }
        out += "</tbody></table>\n"
        if !d.disabled.isEmpty {
            out += "<h3>Rules switched off by tailoring</h3>\n<table><tbody>\n"
            for r in d.disabled { out += "<tr><td><code>\(esc(r.rule))</code></td><td>\(esc(r.reason))</td></tr>\n" }
            out += "</tbody></table>\n"
        }
        if !d.parameters.isEmpty {
            out += "<h3>Parameters</h3>\n<table><tbody>\n"
            for p in d.parameters { out += "<tr><td><code>\(esc(p.name))</code></td><td><code>\(esc(AuditModel.show(p.value)))</code></td></tr>\n" }
            out += "</tbody></table>\n"
        }
        return out
    }

    func waiverText(_ e: ResultsDocument.Entry, _ m: AuditModel) -> String? {
        func describe(_ w: Waiver) -> String {
            "\(esc(w.reason)), approved by \(esc(w.approvedBy)), <span class=\"mono\">\(esc(w.location.description))</span>"
        }
        if let i = e.waiver {
            let w = m.doc.waivers[i].waiver
            return "<p class=\"waiver\">Waived until \(esc(w.expires.description)): \(describe(w))</p>"
        }
        if let i = e.expiredWaiver {
            let w = m.doc.waivers[i].waiver
            return "<p class=\"waiver expired\">A waiver expired on \(esc(w.expires.description)) and no longer applies: \(describe(w))</p>"
        }
        return nil
    }
}
