import Foundation
import XCTest

/// The HTML report in a real browser: Debian's chromium, headless, loads the file; the tests
/// assert on the DOM after its script ran, on the network log, and on the printed PDF.
/// Installed by `scripts/setup.sh --integration`; without it these tests skip, except under
/// scripts/test.sh (GAVEL_REQUIRE_CHROMIUM), where they fail.
extension CLITests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    func requireChromium() throws -> String {
        guard let c = CLITests.chromium else {
            if ProcessInfo.processInfo.environment["GAVEL_REQUIRE_CHROMIUM"] != nil { XCTFail("chromium is not installed (scripts/setup.sh --integration)") }
            throw XCTSkip("chromium is not installed (scripts/setup.sh --integration installs it)")
        }
        return c
    }

    /// Runs headless chromium on `url` with `extra` flags; returns stdout.
    func chromium(_ url: String, _ extra: [String], in dir: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try requireChromium())
        p.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(dir)/profile", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
            ] + extra + [url]
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = dir
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "chromium exit status")
        return String(decoding: data, as: UTF8.self)
    }

    /// The number of elements in `dom` whose start tag begins with `prefix`, and how many of
    /// them carry the `hidden` attribute.
    func count(_ prefix: String, in dom: String) -> (all: Int, hidden: Int) {
        let tags = dom.components(separatedBy: prefix).dropFirst().map { $0.prefix { $0 != ">" } }
        return (tags.count, tags.filter { $0.range(of: #"(^|\s)hidden(=""|\s|$)"#, options: .regularExpression) != nil }.count)
    }

    func testTheHTMLReportRendersInChromiumWithItsFilters() throws {
        _ = try requireChromium()
        let dir = try evaluatedCopy()
        XCTAssertEqual(try gavel(["report", "results.json", "-o", "report.html"], cwd: dir).code, 0)
        let doc = try jsonObject(dir + "/results.json")
        let controls = doc["controls"] as! [[String: Any]]

        var dom = try chromium("file://\(dir)/report.html", ["--dump-dom"], in: dir)
        XCTAssertEqual(count("<article class=\"control ", in: dom).all, controls.count)
        XCTAssertEqual(count("<article class=\"control ", in: dom).hidden, 0)
        XCTAssertTrue(dom.contains("\(controls.count) of \(controls.count) controls shown"), "the script ran")

        // Filtered through the address: failing controls with a judged rule on clinic-b.
        dom = try chromium("file://\(dir)/report.html#verdict=fail&asset=clinic-b.example.com", ["--dump-dom"], in: dir)
        let expected = controls.filter { c in
            c["verdict"] as? String == "fail"
                && (c["assets"] as! [[String: Any]]).contains {
                    $0["asset"] as? String == "clinic-b.example.com" && $0["verdict"] as? String != "not_applicable"
                }
        }.count
        XCTAssertGreaterThan(expected, 0)
        XCTAssertLessThan(expected, controls.count)
        let articles = count("<article class=\"control ", in: dom)
        XCTAssertEqual(articles.all - articles.hidden, expected)
        XCTAssertTrue(dom.contains("\(expected) of \(controls.count) controls shown"))
        let rows = count("<tr class=\"row\" data-asset=\"clinic-a.example.com\"", in: dom)
        XCTAssertEqual(rows.hidden, rows.all, "another asset's rows are hidden")
        XCTAssertGreaterThan(rows.all, 0)
    }

    func testTheHTMLReportMakesNoNetworkRequest() throws {
        _ = try requireChromium()
        let dir = try evaluatedCopy()
        XCTAssertEqual(try gavel(["report", "results.json", "-o", "report.html"], cwd: dir).code, 0)
        _ = try chromium("file://\(dir)/report.html", ["--dump-dom", "--log-net-log=\(dir)/net.json"], in: dir)
        let log = try jsonObject(dir + "/net.json")
        // Requests the page made carry its file:// network isolation key; the browser's own
        // background traffic does not.
        let fromPage = (log["events"] as! [[String: Any]]).compactMap { e -> String? in
            guard let p = e["params"] as? [String: Any], let url = p["url"] as? String,
                (p["network_isolation_key"] as? String)?.hasPrefix("file://") == true
            else { return nil }
            return url
        }
        XCTAssertEqual(fromPage.filter { !$0.hasPrefix("file://") }, [])
        // The check itself can fail: a page that loads an image is caught.
        try "<img src=\"http://198.51.100.7/pixel.png\">".write(toFile: dir + "/probe.html", atomically: true, encoding: .utf8)
        _ = try chromium("file://\(dir)/probe.html", ["--dump-dom", "--log-net-log=\(dir)/net2.json"], in: dir)
        let probe = String(decoding: try Data(contentsOf: URL(fileURLWithPath: dir + "/net2.json")), as: UTF8.self)
        XCTAssertTrue(probe.contains("198.51.100.7/pixel.png"))
    }

    func testTheHTMLReportPrintsOnPagesWithAFrameworkPerPage() throws {
        _ = try requireChromium()
        let dir = try evaluatedCopy()
        XCTAssertEqual(try gavel(["report", "results.json", "-o", "report.html"], cwd: dir).code, 0)
        _ = try chromium("file://\(dir)/report.html", ["--no-pdf-header-footer", "--print-to-pdf=\(dir)/report.pdf"], in: dir)
        let pdf = String(decoding: try Data(contentsOf: URL(fileURLWithPath: dir + "/report.pdf")), as: UTF8.self)
        XCTAssertTrue(pdf.hasPrefix("%PDF-"))
        let pages = pdf.components(separatedBy: "/Type /Page").count - 1 - (pdf.components(separatedBy: "/Type /Pages").count - 1)
        let frameworks = Set((try jsonObject(dir + "/results.json")["controls"] as! [[String: Any]]).map { $0["framework"] as! String }).count
        // The summary, each framework from a new page, the inputs appendix from a new page.
        XCTAssertGreaterThanOrEqual(pages, frameworks + 2, "\(pages) pages")
    }

    func testTextFromTheAuditedSystemsStaysText() throws {
        _ = try requireChromium()
        let dir = try evaluatedCopy()
        // A hostile value in a snapshot, shown as evidence of a failure.
        let php = dir + "/Snapshots/clinic-b.example.com/php.json"
        let text = try String(contentsOfFile: php, encoding: .utf8)
        let hostile = #"<img src=x onerror=\"document.title='owned'\"><script>document.title='owned'</script>"#
        let patched = text.replacingOccurrences(of: #""session.cookie_secure": "0""#, with: #""session.cookie_secure": "\#(hostile)""#)
        XCTAssertNotEqual(patched, text, "the sample has session.cookie_secure = 0")
        try patched.write(toFile: php, atomically: true, encoding: .utf8)
        XCTAssertEqual(try gavel(["eval", "--format", "html", "-o", "report.html", "--fail-on", "none"], cwd: dir).code, 0)
        let dom = try chromium("file://\(dir)/report.html", ["--dump-dom"], in: dir)
        XCTAssertTrue(dom.contains("<title>Gavel compliance report"), "the title was not rewritten")
        XCTAssertTrue(dom.contains("&lt;script&gt;document.title='owned'&lt;/script&gt;"), "the value is shown as text")
        XCTAssertEqual(dom.components(separatedBy: "<script>").count - 1, 1, "only the report's own script")
        XCTAssertFalse(dom.contains("<img src=\"x\""))
    }
}

/// The report as a folder in Chromium: the index's script filters its controls, a control's
/// page filters its rows by a part of an asset's name, the pages load nothing but themselves.
extension CLITests {
    func testTheReportAsAFolderWorksInChromiumAndStaysInItsFolder() throws {
        _ = try requireChromium()
        let dir = try evaluatedCopy()
        XCTAssertEqual(try gavel(["report", "results.json", "--layout", "folder", "-o", "report"], cwd: dir).code, 0)
        let controls = try jsonObject(dir + "/results.json")["controls"] as! [[String: Any]]

        var dom = try chromium("file://\(dir)/report/index.html", ["--dump-dom", "--log-net-log=\(dir)/net-index.json"], in: dir)
        XCTAssertEqual(count("<tr data-framework=", in: dom).all, controls.count)
        XCTAssertTrue(dom.contains(">\(controls.count) of \(controls.count) controls shown<"), "the script ran")
        dom = try chromium("file://\(dir)/report/index.html#verdict=pass", ["--dump-dom"], in: dir)
        let passing = controls.filter { $0["verdict"] as? String == "pass" }.count
        let rows = count("<tr data-framework=", in: dom)
        XCTAssertEqual(rows.all - rows.hidden, passing)
        XCTAssertTrue(dom.contains(">\(passing) of \(controls.count) controls shown<"))

        // CC6.1 on the shipped fleet: results on several assets; filtered to clinic-b's.
        let page = "file://\(dir)/report/controls/soc2_cc6.1.html"
        dom = try chromium(page + "#asset=CLINIC-B", ["--dump-dom", "--log-net-log=\(dir)/net-control.json"], in: dir)
        let shown = count("<tr class=\"row\" data-asset=\"clinic-b.example.com\"", in: dom)
        let other = count("<tr class=\"row\" data-asset=\"clinic-a.example.com\"", in: dom)
        XCTAssertGreaterThan(shown.all, 0)
        XCTAssertEqual(shown.hidden, 0)
        XCTAssertEqual(other.hidden, other.all, "a part of the name, any case, keeps only that asset's rows")
        XCTAssertGreaterThan(other.all, 0)
        XCTAssertTrue(dom.contains(">\(shown.all) of "), "the count is of the rows left")

        _ = try chromium("file://\(dir)/report/assets/clinic-b.example.com.html", ["--dump-dom", "--log-net-log=\(dir)/net-asset.json"], in: dir)
        for log in ["net-index", "net-control", "net-asset"] {
            let events = (try jsonObject(dir + "/\(log).json")["events"] as! [[String: Any]])
            let fromPage = events.compactMap { e -> String? in
                guard let p = e["params"] as? [String: Any], let url = p["url"] as? String,
                    (p["network_isolation_key"] as? String)?.hasPrefix("file://") == true
                else { return nil }
                return url
            }
            XCTAssertEqual(fromPage.filter { !$0.hasPrefix("file://\(dir)/report/") }, [], log)
        }
    }
}
