import Foundation
import GavelCore
import GavelResults
import XCTest

@testable import GavelReporters

/// The report as a folder, rendered from the audit golden fixture's model into memory.
final class HTMLFolderReporterTests: XCTestCase {
    func render(_ m: AuditModel, _ r: HTMLFolderReporter = HTMLFolderReporter()) throws -> [String: String] {
        var pages: [String: String] = [:]
        try r.render(m) { path, html in
            XCTAssertNil(pages[path], "\(path) written twice")
            pages[path] = html
        }
        return pages
    }

    /// The relative links of a page (`href="..."`, not `#...` or `https:`), resolved against
    /// the page's folder, without their `#` part.
    func links(_ html: String, from path: String) -> [String] {
        let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : ""
        return html.components(separatedBy: "href=\"").dropFirst().compactMap { part -> String? in
            let target = String(part.prefix { $0 != "\"" && $0 != "#" })
            guard !target.isEmpty, !target.contains(":") else { return nil }
            var parts = folder.isEmpty ? [] : folder.split(separator: "/").map(String.init)
            for p in target.split(separator: "/") {
                if p == ".." { if parts.popLast() == nil { return "OUTSIDE:" + target } } else { parts.append(String(p)) }
            }
            return parts.joined(separator: "/")
        }
    }

    func testEveryPageIsReachableFromTheIndexAndEveryLinkResolves() throws {
        let m = AuditGoldenTests.model()
        let pages = try render(m)
        var seen: Set<String> = ["index.html"], queue = ["index.html"]
        while let p = queue.popLast() {
            for target in links(pages[p]!, from: p) {
                XCTAssertNotNil(pages[target], "\(p) links to \(target), which is not in the folder")
                if pages[target] != nil, seen.insert(target).inserted { queue.append(target) }
            }
        }
        XCTAssertEqual(seen, Set(pages.keys), "pages no link leads to: \(Set(pages.keys).subtracting(seen).sorted())")
        // A page for every control and every asset, and the lists.
        XCTAssertEqual(pages.keys.filter { $0.hasPrefix("controls/") }.count, m.doc.controls.count)
        XCTAssertEqual(pages.keys.filter { $0.hasPrefix("assets/") }.count, m.doc.assets.count)
        for p in ["index.html", "assets.html", "inputs.html", "changes.html"] { XCTAssertNotNil(pages[p], p) }
    }

    func testTheIndexListsEachControlOnceWithItsVerdict() throws {
        let m = AuditGoldenTests.model()
        let index = try render(m)["index.html"]!
        for c in m.doc.controls {
            let link = "<a href=\"\(XMLText.escape(ReportFolderNames(m.doc).control(c.ref)))\"><code>\(XMLText.escape(c.ref.id))</code></a>"
            XCTAssertEqual(index.components(separatedBy: link).count - 1, 1, c.ref.description)
        }
        let rows = index.components(separatedBy: "<tr data-framework=").dropFirst()
        XCTAssertEqual(rows.count, m.doc.controls.count)
        XCTAssertEqual(rows.filter { $0.contains("data-verdict=\"fail\"") }.count, m.doc.controls.filter { $0.verdict == .fail }.count)
    }

    /// Each control's page holds each judged rule result once, failures first; with a small
    /// budget the table continues over pages linked in a chain, each page near the budget.
    func testLongTablesContinueOnPagesOfAboutTheBudget() throws {
        let m = AuditGoldenTests.model()
        let names = ReportFolderNames(m.doc)
        let budget = 1_000
        let pages = try render(m, HTMLFolderReporter(pageBudget: budget))
        let whole = try render(m)
        var split = 0
        for c in m.doc.controls where !c.rules.isEmpty {
            let base = names.controlBase(c.ref)
            var n = 1, rows: [String] = []
            while let page = pages[HTMLPages.file(base, page: n)] {
                let body = page.components(separatedBy: "<table class=\"rows filterable\">").dropFirst().first ?? ""
                let own = body.components(separatedBy: "<tr class=\"row\"").dropFirst().map { String($0.prefix { $0 != ">" }) }
                rows += own
                // Rows stop once past the budget: a page holds at most the budget and one row.
                let tableBytes = body.components(separatedBy: "</tbody></table>\n<p class=\"pager\"").first!.utf8.count
                XCTAssertLessThan(tableBytes, budget + 4_000, "\(base) page \(n)")
                XCTAssertEqual(page.contains("rel=\"next\""), pages[HTMLPages.file(base, page: n + 1)] != nil, "\(base) page \(n)")
                XCTAssertEqual(page.contains("rel=\"prev\""), n > 1)
                n += 1
            }
            if n > 2 { split += 1 }
            let wholeRows = whole[base + ".html"]!.components(separatedBy: "<tr class=\"row\"").dropFirst().map { String($0.prefix { $0 != ">" }) }
            XCTAssertEqual(rows, wholeRows, "\(c.ref): the pages hold the rows of the one page, in order")
            XCTAssertEqual(rows.count, m.rows(c).filter { $0.verdict != .notApplicable }.count, c.ref.description)
            let verdicts = rows.map { r in [Verdict.fail, .error, .waived, .pass].firstIndex { r.contains("data-verdict=\"\($0.rawValue)\"") }! }
            XCTAssertEqual(verdicts, verdicts.sorted(), "\(c.ref): failures first")
        }
        XCTAssertGreaterThanOrEqual(split, 2, "the fixture is large enough to cut some controls into pages")
    }

    /// The first page of a control counts each rule's results by verdict over all its pages.
    func testAControlsFirstPageCountsEachRulesResults() throws {
        let m = AuditGoldenTests.model()
        let names = ReportFolderNames(m.doc)
        let pages = try render(m, HTMLFolderReporter(pageBudget: 1_000))
        for c in m.doc.controls where !c.rules.isEmpty {
            let page = pages[names.control(c.ref)]!
            for id in c.rules {
                let verdicts = c.assets.flatMap { $0.rules }.filter { $0.rule == id }.map(\.verdict)
                let cells = [Verdict.fail, .error, .waived, .pass, .notApplicable].map { v in "<td>\(verdicts.filter { $0 == v }.count)</td>" }.joined()
                XCTAssertTrue(page.contains("<tr><td><code>\(id)</code></td>\(cells)</tr>"), "\(c.ref) \(id)")
            }
        }
    }

    func testTheFirstPageShowsTheFirstChangesAndLinksToTheRest() throws {
        let m = AuditGoldenTests.model()
        let all = m.changes([.newlyFailing, .newlyErroring, .newlyPassing, .newlyWaived])
        XCTAssertGreaterThan(all.count, 1)
        let pages = try render(m, HTMLFolderReporter(summaryLimit: 1))
        XCTAssertEqual(pages["index.html"]!.components(separatedBy: "<tr data-change=").count - 1, 1)
        XCTAssertTrue(pages["index.html"]!.contains("<a href=\"changes.html\">All \(all.count) changes</a>"))
        XCTAssertEqual(pages["changes.html"]!.components(separatedBy: "<tr data-change=").count - 1, all.count)
    }

    func testAnEditedDocumentIsFlaggedOnEveryPage() throws {
        var m = AuditGoldenTests.model()
        m.integrity = .changed
        for (path, html) in try render(m) {
            XCTAssertTrue(html.contains("was edited after Gavel wrote it"), path)
        }
        m.integrity = .verified
        for (path, html) in try render(m) where path != "index.html" { XCTAssertFalse(html.contains("id=\"integrity\""), path) }
    }

    /// Asset and control names become file names that stay inside the folder and never
    /// share a file, case-insensitively either.
    func testNamesBecomeDistinctSafeFileNames() {
        var taken: Set<String> = []
        let names = ["clinic-a.example.com", "Clinic-A.example.com", "../../etc/passwd", "..", ".hidden", "", "a b", "a_b", "ünïcode", "soc2:CC6.1"]
        let files = names.map { ReportFolderNames.unique($0, &taken) }
        XCTAssertEqual(Set(files.map { $0.lowercased() }).count, names.count, "\(files)")
        XCTAssertEqual(files[0], "clinic-a.example.com", "a safe name is kept as it is")
        XCTAssertEqual(files[9], "soc2_cc6.1")
        for f in files {
            XCTAssertFalse(f.isEmpty || f.hasPrefix(".") || f.contains("/"), f)
            XCTAssertTrue(f.unicodeScalars.allSatisfy { "abcdefghijklmnopqrstuvwxyz0123456789-_.".unicodeScalars.contains($0) }, f)
        }
    }

    func testEveryPageIsSelfContained() throws {
        for (path, html) in try render(AuditGoldenTests.model()) {
            XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"), path)
            XCTAssertTrue(html.contains("content=\"default-src 'none'"), "\(path): the page may not load anything")
            XCTAssertFalse(html.contains("src=\"http"), path)
            XCTAssertEqual(html.components(separatedBy: "<script>").count - 1, 1, path)
        }
    }
}
