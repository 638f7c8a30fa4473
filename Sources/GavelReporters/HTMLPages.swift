import GavelCore
import GavelResults

/// What every page of the report as a folder shares: the page around a body (the report's
/// style and script inline, the same Content-Security-Policy as the one-file report, a
/// bar linking the summary, the assets and the inputs), and tables cut into pages.
struct HTMLPages {
    let m: AuditModel
    let html = HTMLReporter()

    /// A whole page. `depth` is how many folders below the report's root it lies, so that its
    /// links to other pages are relative and the folder can be moved or zipped whole.
    func page(_ title: String, depth: Int, _ body: String) -> String {
        let up = String(repeating: "../", count: depth)
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out +=
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<meta name=\"generator\" content=\"gavel \(ResultsDocument.toolVersion)\">\n"
        out += "<title>\(html.esc(title)), Gavel compliance report of \(html.esc(Timestamp.string(m.doc.startedAt)))</title>\n"
        out += "<style>\n\(HTMLReportAssets.css)\n</style>\n</head>\n<body>\n"
        out += "<nav class=\"site\"><a href=\"\(up)index.html\">Summary and controls</a> <a href=\"\(up)assets.html\">Assets</a> "
        out += "<a href=\"\(up)inputs.html\">Inputs</a> <span class=\"muted\">run of \(html.esc(Timestamp.string(m.doc.startedAt)))</span></nav>\n"
        if depth > 0 || title != "Summary", let warning = integrityWarning { out += warning }
        out += body
        out += "<footer>Written by gavel \(ResultsDocument.toolVersion) from the results of the run started \(html.esc(Timestamp.string(m.doc.startedAt)))"
        out += m.doc.recordedDigest.map { " (document SHA-256 <span class=\"mono\">\(html.esc($0))</span>)" } ?? ""
        out += ". This page is one of a folder that loads nothing from the network.</footer>\n"
        return out + "<script>\n\(HTMLReportAssets.folderScript)\n</script>\n</body>\n</html>\n"
    }

    /// Every page but the summary (which has the whole banner) repeats an edited document's
    /// warning: a reader may open any page first.
    var integrityWarning: String? {
        switch m.integrity {
        case .changed:
            "<p class=\"banner bad\" id=\"integrity\"><strong>The results file was edited after Gavel wrote it</strong>: do not rely on this report; run <code>gavel verify</code>.</p>\n"
        case .unrecorded: "<p class=\"banner bad\" id=\"integrity\">The results file carries no SHA-256 of its own, so edits to it cannot be detected.</p>\n"
        case .fresh, .verified: nil
        }
    }

    /// The file of page `n` (from 1) of a table cut into pages: `base.html`, `base-p2.html`, ...
    static func file(_ base: String, page n: Int) -> String { n == 1 ? base + ".html" : base + "-p\(n).html" }

    /// Cuts `count` rows (made one at a time by `row`) into pages of about `budget` bytes
    /// each (a row larger than that gets a page of its own), and hands each page's rows to
    /// `emit` with its number, its first and last row (from 0) and whether another follows.
    /// One page at least, though it may have no rows.
    static func paged(
        count: Int, budget: Int, row: (Int) -> String, emit: (_ page: Int, _ rows: String, _ first: Int, _ last: Int, _ more: Bool) throws -> Void
    ) rethrows {
        var page = 1, first = 0, body = ""
        for i in 0..<count {
            body += row(i)
            if body.utf8.count >= budget && i + 1 < count {
                try emit(page, body, first, i, true)
                page += 1
                first = i + 1
                body = ""
            }
        }
        try emit(page, body, first, max(count - 1, first), false)
    }

    /// "Page 2: rows 1,001 to 2,000 of 4,500", with links to the pages before and after.
    func pager(_ base: String, page: Int, first: Int, last: Int, count: Int, more: Bool, noun: String) -> String {
        guard page > 1 || more else { return "" }
        var out = "<p class=\"pager\">Page \(page): \(noun) \(number(first + 1)) to \(number(last + 1)) of \(number(count))."
        if page > 1 { out += " <a href=\"\(HTMLPages.file(base, page: page - 1))\" rel=\"prev\">Previous page</a>" }
        if more { out += " <a href=\"\(HTMLPages.file(base, page: page + 1))\" rel=\"next\">Next page</a>" }
        return out + "</p>\n"
    }

    func number(_ n: Int) -> String {
        let s = String(n)
        guard s.count > 3 else { return s }
        var out = ""
        for (i, c) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }
}
