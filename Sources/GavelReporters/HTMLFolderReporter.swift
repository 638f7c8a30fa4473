import GavelCore
import GavelResults

/// The auditor's report as a folder (`gavel report --layout folder -o DIR`), for fleets whose
/// one-file report would run to hundreds of megabytes: `index.html` holds the summary and
/// every control of every framework in one table; each control has a page
/// (`controls/NAME.html`) with its rules and the verdict, evidence and provenance per asset;
/// each asset has a page (`assets/NAME.html`) with all its rules; `assets.html` lists the
/// assets, `inputs.html` every file read, `changes.html` the changes since the previous run.
/// A page is opened only when its link is followed, and long tables continue on further
/// pages (`NAME-p2.html`, ...) of about `pageBudget` bytes, so no file grows with the fleet
/// beyond that. Every page is complete on its own (inline style and script, relative links,
/// no network request).
public struct HTMLFolderReporter: Sendable {
    /// About how many bytes of table rows a page holds before the table continues on the next.
    public var pageBudget: Int
    /// How many changes and input errors the first page shows before linking to the rest.
    public var summaryLimit: Int

    public init(pageBudget: Int = 1 << 20, summaryLimit: Int = 100) {
        self.pageBudget = pageBudget
        self.summaryLimit = summaryLimit
    }

    /// Hands each page to `file` as its path inside the folder and its content.
    public func render(_ m: AuditModel, to file: (_ path: String, _ html: String) throws -> Void) throws {
        let names = ReportFolderNames(m.doc)
        let pages = HTMLPages(m: m)
        var byAsset: [String: [Int]] = [:]
        for (i, e) in m.doc.entries.enumerated() { byAsset[e.asset, default: []].append(i) }
        var snapshots: [String: [SnapshotInfo]] = [:]
        for s in m.doc.snapshots { snapshots[s.asset, default: []].append(s) }

        try file("index.html", pages.page("Summary", depth: 0, index(m, names)))
        for f in m.frameworks {
            for c in f.controls { try control(c, f, m, names, pages, file) }
        }
        for a in m.doc.assets { try asset(a, byAsset[a] ?? [], snapshots[a] ?? [], m, names, pages, file) }
        try assetList(m, names, pages, byAsset, file)
        try inputs(m, names, pages, file)
        try changes(m, names, pages, file)
    }

    // MARK: the first page

    func index(_ m: AuditModel, _ names: ReportFolderNames) -> String {
        let h = HTMLReporter()
        var out = h.header(m)
        out += filters([("framework", "Framework", m.frameworks.map { ($0.framework, $0.title) }), verdictFilter, severityFilter], noun: "controls")
        out += h.summary(m, controlHref: { names.control($0.ref) }, changesLimit: summaryLimit, errorsLimit: summaryLimit)
        for f in m.frameworks {
            out += h.frameworkStart(f)
            out += "<table class=\"controls filterable\"><thead><tr><th>verdict</th><th>control</th><th>title</th><th>rules</th>"
            out += "<th>assets failing</th><th>assets judged</th></tr></thead><tbody>\n"
            for c in f.controls {
                let judged = c.assets.filter { $0.verdict != .notApplicable }
                let failing = judged.filter { $0.verdict == .fail || $0.verdict == .error }.count
                let sev = m.severities(c).map(\.rawValue).joined(separator: " ")
                out += "<tr data-framework=\"\(h.esc(c.ref.framework))\" data-verdict=\"\(c.verdict.rawValue)\" data-severity=\"\(sev)\">"
                out += "<td>\(h.badge(c.verdict))</td><td><a href=\"\(h.esc(names.control(c.ref)))\"><code>\(h.esc(c.ref.id))</code></a></td>"
                out += "<td>\(h.esc(c.title))\(c.manual ? " <span class=\"muted\">(manual)</span>" : "")</td><td>\(c.rules.count)</td>"
                out += "<td>\(failing)</td><td>\(judged.count)</td></tr>\n"
            }
            out += "</tbody></table>\n</section>\n"
        }
        return out
    }

    var verdictFilter: (String, String, [(String, String)]) {
        ("verdict", "Verdict", [Verdict.fail, .error, .pass, .waived, .notApplicable].map { ($0.rawValue, AuditModel.verdictWord($0)) })
    }
    var severityFilter: (String, String, [(String, String)]) {
        ("severity", "Severity", Severity.allCases.sorted(by: >).map { ($0.rawValue, $0.rawValue) })
    }

    /// The filter bar: selects, an asset name box when `assetBox`, and the count of rows shown
    /// (`noun`). The script keeps the choice in the address's `#` part.
    func filters(_ selects: [(String, String, [(String, String)])], assetBox: Bool = false, noun: String) -> String {
        let h = HTMLReporter()
        var out = "<nav id=\"filters\" aria-label=\"Filters\">\n"
        for (key, label, options) in selects {
            out += "<label>\(label)<select id=\"f-\(key)\"><option value=\"\">all</option>"
            out += options.map { "<option value=\"\(h.esc($0.0))\">\(h.esc($0.1))</option>" }.joined() + "</select></label>\n"
        }
        if assetBox { out += "<label>Asset<input id=\"f-asset\" type=\"search\" placeholder=\"name contains\"></label>\n" }
        return out + "<span id=\"f-count\" class=\"muted\" data-noun=\"\(noun)\"></span>\n</nav>\n"
    }

    // MARK: a control

    func control(
        _ c: ResultsDocument.ControlEntry, _ f: AuditModel.Framework, _ m: AuditModel, _ names: ReportFolderNames, _ pages: HTMLPages,
        _ file: (String, String) throws -> Void
    ) throws {
        let h = HTMLReporter()
        let base = names.controlBase(c.ref)
        let rows = m.rows(c)
        // Failures first: the first page of a control failing on a few of 10,000 assets shows them.
        let judged = rows.enumerated().filter { $0.element.verdict != .notApplicable }
            .sorted { (rank($0.element.verdict), $0.offset) < (rank($1.element.verdict), $1.offset) }.map(\.element)
        var head = "<article class=\"control \(c.verdict.rawValue)\" data-framework=\"\(h.esc(c.ref.framework))\" data-verdict=\"\(c.verdict.rawValue)\">\n"
        head += "<h1>\(h.badge(c.verdict)) <code>\(h.esc(c.ref.id))</code> \(h.esc(c.title))</h1>\n"
        head += "<p class=\"muted\">\(h.esc(f.title)) · \(judged.count) rule results on \(Set(judged.map(\.asset)).count) assets judged</p>\n"
        if c.manual { head += "<p class=\"note\">Manual control, judged by attestation: \(h.esc(c.note ?? ""))</p>\n" }
        head += h.attestationTable(c, m)
        if !c.rules.isEmpty { head += h.ruleList(c, m) + tally(c, rows, h) }
        let notApplicable = rows.filter { $0.verdict == .notApplicable }
        var tail = ""
        if notApplicable.count > summaryLimit {
            tail =
                "<p class=\"muted na\">Not applicable: \(notApplicable.count) rule results on \(Set(notApplicable.map(\.asset)).count) assets (each asset's page lists them).</p>\n"
        } else if let na = AuditModel.notApplicable(notApplicable) {
            tail = "<p class=\"muted na\">Not applicable: \(h.esc(na))</p>\n"
        }
        try HTMLPages.paged(count: judged.count, budget: pageBudget, row: { h.row(judged[$0], m, assetHref: "../" + names.asset(judged[$0].asset)) }) {
            page, body, first, last, more in
            var out = page == 1 ? head : "<h1>\(h.badge(c.verdict)) <code>\(h.esc(c.ref.id))</code> \(h.esc(c.title))</h1>\n"
            let pager = pages.pager(PathNames.lastComponent(of: base), page: page, first: first, last: last, count: judged.count, more: more, noun: "results")
            if !c.rules.isEmpty {
                out += filters([verdictFilter, severityFilter], assetBox: true, noun: "results") + pager
                out +=
                    "<table class=\"rows filterable\"><thead><tr><th>asset</th><th>rule</th><th>severity</th><th>verdict</th><th>snapshot</th></tr></thead><tbody>\n"
                out += body + "</tbody></table>\n" + pager
            }
            if !more { out += tail }
            try file(HTMLPages.file(base, page: page), pages.page(c.ref.description, depth: 1, out + "</article>\n"))
        }
    }

    /// Per rule, its results on the control's assets by verdict: the whole control at a
    /// glance before the rows, which may run over many pages.
    func tally(_ c: ResultsDocument.ControlEntry, _ rows: [AuditModel.Row], _ h: HTMLReporter) -> String {
        let order: [Verdict] = [.fail, .error, .waived, .pass, .notApplicable]
        var counts: [String: [Int]] = [:]
        for r in rows { counts[r.ruleID, default: Array(repeating: 0, count: order.count)][rank(r.verdict)] += 1 }
        var out = "<table class=\"tally\"><thead><tr><th>rule</th>" + order.map { "<th>\(AuditModel.verdictWord($0))</th>" }.joined()
        out += "</tr></thead><tbody>\n"
        for id in c.rules {
            out +=
                "<tr><td><code>\(h.esc(id))</code></td>" + (counts[id] ?? Array(repeating: 0, count: order.count)).map { "<td>\($0)</td>" }.joined() + "</tr>\n"
        }
        return out + "</tbody></table>\n"
    }

    func rank(_ v: Verdict) -> Int {
        switch v {
        case .fail: 0
        case .error: 1
        case .waived: 2
        case .pass: 3
        case .notApplicable: 4
        }
    }

    // MARK: an asset

    func asset(
        _ a: String, _ entries: [Int], _ snapshots: [SnapshotInfo], _ m: AuditModel, _ names: ReportFolderNames, _ pages: HTMLPages,
        _ file: (String, String) throws -> Void
    ) throws {
        let h = HTMLReporter()
        let base = names.assetBase(a)
        let all = entries.map { i -> AuditModel.Row in
            let e = m.doc.entries[i]
            return AuditModel.Row(asset: a, rule: m.rule(e.rule), ruleID: e.rule, entry: e, verdict: e.verdict, snapshots: m.snapshots(e.rule, a))
        }
        let judged = all.enumerated().filter { $0.element.verdict != .notApplicable }
            .sorted { (rank($0.element.verdict), $0.offset) < (rank($1.element.verdict), $1.offset) }.map(\.element)
        var head = "<h1>\(h.esc(a))</h1>\n<p>" + counts(all.map(\.verdict)) + "</p>\n"
        head += "<h2>Snapshots</h2>\n" + HTMLReporter.snapshotsHead
        for s in snapshots { head += h.snapshotRow(s) }
        head += "</tbody></table>\n"
        // The controls each failing rule counts against, with links to their pages.
        var controls: [String] = []
        var seen: Set<String> = []
        for r in judged where r.verdict == .fail || r.verdict == .error {
            for c in r.entry?.controls ?? [] where seen.insert(c).inserted { controls.append(c) }
        }
        if !controls.isEmpty {
            head += "<h2>Controls its failures count against</h2>\n<p>"
            head +=
                controls.map { c in names.control(id: c).map { "<a href=\"../\(h.esc($0))\">\(h.esc(c))</a>" } ?? h.esc(c) }.joined(separator: ", ") + "</p>\n"
        }
        head += "<h2>Rules</h2>\n"
        let na = all.filter { $0.verdict == .notApplicable }.map(\.ruleID)
        try HTMLPages.paged(count: judged.count, budget: pageBudget, row: { h.row(judged[$0], m) }) { page, body, first, last, more in
            var out = page == 1 ? head : "<h1>\(h.esc(a))</h1>\n"
            let pager = pages.pager(PathNames.lastComponent(of: base), page: page, first: first, last: last, count: judged.count, more: more, noun: "results")
            out += filters([verdictFilter, severityFilter], noun: "results") + pager
            out +=
                "<table class=\"rows filterable\"><thead><tr><th>asset</th><th>rule</th><th>severity</th><th>verdict</th><th>snapshot</th></tr></thead><tbody>\n"
            out += body + "</tbody></table>\n" + pager
            if !more && !na.isEmpty { out += "<p class=\"muted na\">Not applicable: \(h.esc(na.joined(separator: ", ")))</p>\n" }
            try file(HTMLPages.file(base, page: page), pages.page(a, depth: 1, out))
        }
    }

    /// "3 fail, 1 error, 40 pass, 64 not applicable".
    func counts(_ verdicts: [Verdict]) -> String {
        [Verdict.fail, .error, .waived, .pass, .notApplicable].compactMap { v in
            let n = verdicts.filter { $0 == v }.count
            return n == 0 ? nil : "\(n) \(AuditModel.verdictWord(v))"
        }.joined(separator: ", ")
    }

    // MARK: lists

    func assetList(
        _ m: AuditModel, _ names: ReportFolderNames, _ pages: HTMLPages, _ byAsset: [String: [Int]], _ file: (String, String) throws -> Void
    ) throws {
        let h = HTMLReporter()
        let assets = m.doc.assets
        try HTMLPages.paged(
            count: assets.count, budget: pageBudget,
            row: { i in
                let a = assets[i]
                let verdicts = (byAsset[a] ?? []).map { m.doc.entries[$0].verdict }
                let worst = verdicts.min { rank($0) < rank($1) } ?? .notApplicable
                var out = "<tr data-asset=\"\(h.esc(a))\" data-verdict=\"\(worst.rawValue)\"><td><a href=\"\(h.esc(names.asset(a)))\">\(h.esc(a))</a></td>"
                out += "<td>\(h.badge(worst))</td>"
                for v in [Verdict.fail, .error, .waived, .pass, .notApplicable] { out += "<td>\(verdicts.filter { $0 == v }.count)</td>" }
                return out + "</tr>\n"
            }
        ) { page, body, first, last, more in
            var out = "<h1>Assets</h1>\n<p>\(h.esc(AuditModel.assetsEvaluated(m.doc))); the worst verdict of each and its rule results by verdict.</p>\n"
            out += filters([verdictFilter], assetBox: true, noun: "assets")
            let pager = pages.pager("assets", page: page, first: first, last: last, count: assets.count, more: more, noun: "assets")
            out += pager + "<table class=\"assets filterable\"><thead><tr><th>asset</th><th>worst</th><th>fail</th><th>error</th><th>waived</th><th>pass</th>"
            out += "<th>not applicable</th></tr></thead><tbody>\n" + body + "</tbody></table>\n" + pager
            try file(HTMLPages.file("assets", page: page), pages.page("Assets", depth: 0, out))
        }
    }

    func inputs(_ m: AuditModel, _ names: ReportFolderNames, _ pages: HTMLPages, _ file: (String, String) throws -> Void) throws {
        let h = HTMLReporter()
        let snaps = m.doc.snapshots
        var head = "<h1>Inputs</h1>\n"
        if !m.doc.inputErrors.isEmpty {
            head += "<h2 id=\"input-errors\">Input errors</h2>\n"
            for e in m.doc.inputErrors { head += h.inputError(e) }
        }
        head += h.policyInputs(m) + "<h2>Snapshots</h2>\n"
        try HTMLPages.paged(count: snaps.count, budget: pageBudget, row: { h.snapshotRow(snaps[$0], assetHref: names.asset(snaps[$0].asset)) }) {
            page, body, first, last, more in
            let pager = pages.pager("inputs", page: page, first: first, last: last, count: snaps.count, more: more, noun: "snapshots")
            let out = (page == 1 ? head : "<h1>Inputs</h1>\n<h2>Snapshots</h2>\n") + pager + HTMLReporter.snapshotsHead + body + "</tbody></table>\n" + pager
            try file(HTMLPages.file("inputs", page: page), pages.page("Inputs", depth: 0, out))
        }
    }

    func changes(_ m: AuditModel, _ names: ReportFolderNames, _ pages: HTMLPages, _ file: (String, String) throws -> Void) throws {
        let h = HTMLReporter()
        guard m.changes != nil else { return }
        let rows = m.changes([.newlyFailing, .newlyErroring, .newlyPassing, .newlyWaived])
        try HTMLPages.paged(count: rows.count, budget: pageBudget, row: { h.changeRow(rows[$0], m, assetHref: names.asset(rows[$0].asset)) }) {
            page, body, first, last, more in
            var out = "<h1>Changes since the previous run</h1>\n<p>Compared with the run started \(h.esc(m.previousStartedAt ?? "")).</p>\n"
            let pager = pages.pager("changes", page: page, first: first, last: last, count: rows.count, more: more, noun: "changes")
            out += pager + HTMLReporter.changesHead + body + "</tbody></table>\n" + pager
            try file(HTMLPages.file("changes", page: page), pages.page("Changes", depth: 0, out))
        }
    }
}

/// The file names of the folder's pages: an asset's or control's name in lower case with
/// every character but letters, digits, `-`, `_` and `.` made `_` (so no name can reach
/// outside the folder); a name that would then start with a dot or repeat one taken
/// before (on a case-insensitive file system too) is told apart by the start of its SHA-256.
struct ReportFolderNames {
    private var assets: [String: String] = [:]
    private var controls: [String: String] = [:]

    init(_ doc: ResultsDocument) {
        var taken: Set<String> = []
        for a in doc.assets { assets[a] = ReportFolderNames.unique(a, &taken) }
        taken = []
        for c in doc.controls { controls[c.ref.description] = ReportFolderNames.unique(c.ref.description, &taken) }
    }

    static func unique(_ name: String, _ taken: inout Set<String>) -> String {
        let safe = String(
            name.unicodeScalars.map { s -> Character in
                switch s {
                case "a"..."z", "0"..."9", "-", "_", ".": Character(s)
                case "A"..."Z": Character(String(s).lowercased())
                default: "_"
                }
            }.prefix(80))
        var file = safe
        if safe.hasPrefix(".") || safe.isEmpty || taken.contains(safe) {
            file = (safe.hasPrefix(".") ? "_" + safe.dropFirst() : Substring(safe)) + "-" + SHA256.hex(Array(name.utf8)).prefix(10)
        }
        taken.insert(file)
        return file
    }

    /// `assets/NAME`, without `.html`.
    func assetBase(_ asset: String) -> String { "assets/" + (assets[asset] ?? "_") }
    func asset(_ asset: String) -> String { assetBase(asset) + ".html" }
    func controlBase(_ ref: ControlRef) -> String { "controls/" + (controls[ref.description] ?? "_") }
    func control(_ ref: ControlRef) -> String { controlBase(ref) + ".html" }
    func control(id: String) -> String? { controls[id].map { "controls/\($0).html" } }
}
