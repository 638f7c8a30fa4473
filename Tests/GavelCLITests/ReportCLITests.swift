import Foundation
import XCTest

/// `gavel report` (and `gavel eval --format html`): every format from a results file, a
/// previous run's changes, an edited or foreign file refused or flagged.
extension CLITests {
    /// A copy of the shipped policies and snapshots, evaluated into `results.json`.
    func evaluatedCopy() throws -> String {
        let dir = tempDir()
        for sub in ["Policies", "Snapshots"] { try FileManager.default.copyItem(atPath: CLITests.repo + "/" + sub, toPath: dir + "/" + sub) }
        let r = try gavel(["eval", "--format", "json", "-o", "results.json", "--fail-on", "none"], cwd: dir)
        XCTAssertEqual(r.code, 0, r.err)
        return dir
    }

    func jsonObject(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    func testReportWritesHTMLCSVAndMarkdownFromAResultsFile() throws {
        let dir = try evaluatedCopy()
        for f in ["html", "csv", "markdown"] {
            let r = try gavel(["report", "results.json", "--format", f, "-o", "report.\(f)"], cwd: dir)
            XCTAssertEqual(r.code, 0, r.err)
        }
        let html = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
        let doc = try jsonObject(dir + "/results.json")
        let controls = doc["controls"] as! [[String: Any]]
        XCTAssertEqual(html.components(separatedBy: "<article class=\"control ").count - 1, controls.count, "one section per control")
        XCTAssertTrue(html.contains("id=\"integrity\">The results file matches its recorded SHA-256"))
        XCTAssertTrue(html.contains("Policies/php/session.yaml"), "the appendix names the policy files")

        // CSV: a header, then one row per control, asset and rule (a manual control: one row).
        let csv = try String(contentsOfFile: dir + "/report.csv", encoding: .utf8)
        let expected = controls.reduce(0) { n, c in
            let rules = (c["rules"] as! [String]).count, assets = (c["assets"] as! [Any]).count
            return n + (rules == 0 ? 1 : rules * assets)
        }
        XCTAssertEqual(csv.components(separatedBy: "\r\n").count - 2, expected)
        XCTAssertTrue(csv.contains("soc2,CC6.7,"), "control rows name framework and control")

        let md = try String(contentsOfFile: dir + "/report.markdown", encoding: .utf8)
        XCTAssertTrue(md.hasPrefix("# Compliance report"))
        XCTAssertTrue(md.contains("### FAIL `CC6.7`"), md)

        // eval renders the same report straight from the run.
        let r = try gavel(["eval", "--format", "html", "--fail-on", "none"], cwd: dir)
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertEqual(r.out.components(separatedBy: "<article class=\"control ").count - 1, controls.count)
        XCTAssertFalse(r.out.contains("id=\"integrity\""), "a fresh run has no file to check")
    }

    /// `--asset`: a site's report out of a fleet's run, each control judged on that site.
    func testReportOfSomeAssetsJudgesEachControlOnThem() throws {
        let dir = try evaluatedCopy()
        let r = try gavel(["report", "results.json", "--format", "markdown", "--asset", "clinic-b.*"], cwd: dir)
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertTrue(r.out.contains("; 1 of 4 assets (--asset 'clinic-b.*'), 159 rules, 159 evaluations;"), r.out)
        var differs = 0
        for c in try jsonObject(dir + "/results.json")["controls"] as! [[String: Any]] where c["manual"] as? Bool == false {
            let onB = (c["assets"] as! [[String: Any]]).first { $0["asset"] as? String == "clinic-b.example.com" }!["verdict"] as! String
            if onB != c["verdict"] as! String { differs += 1 }
            XCTAssertTrue(r.out.contains("### \(onB.uppercased()) `\(c["control"] as! String)`"), "\(c["control"]!) is \(onB) on clinic-b")
        }
        XCTAssertGreaterThan(differs, 0, "some control's fleet verdict is not clinic-b's, or the test shows nothing")
        let csv = try gavel(["report", "results.json", "--format", "csv", "--asset", "clinic-b.*", "--asset", "pharmacy-*"], cwd: dir).out
        XCTAssertTrue(csv.contains(",clinic-b.example.com,") && csv.contains(",pharmacy-c.example.com,"))
        XCTAssertFalse(csv.contains(",clinic-a.example.com,") || csv.contains(",northwind-telehealth.myshopify.com,"), "other assets left out")

        let none = try gavel(["report", "results.json", "--asset", "clinic-z.*", "-o", "z.html"], cwd: dir)
        XCTAssertEqual(none.code, 2)
        XCTAssertTrue(none.err.contains("error[unknown-asset]: no asset of results.json matches --asset 'clinic-z.*'"), none.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/z.html"), "nothing written")
    }

    func testReportListsWhatChangedSinceThePreviousRun() throws {
        let dir = try evaluatedCopy()
        try FileManager.default.moveItem(atPath: dir + "/results.json", toPath: dir + "/previous.json")
        // The expiring certificate on clinic-b is renewed overnight.
        let hosting = dir + "/Snapshots/clinic-b.example.com/hosting.json"
        let text = try String(contentsOfFile: hosting, encoding: .utf8)
        try text.replacingOccurrences(of: "\"days_left\": 4,", with: "\"days_left\": 89,").write(toFile: hosting, atomically: true, encoding: .utf8)
        XCTAssertEqual(try gavel(["eval", "--format", "json", "-o", "results.json", "--fail-on", "none"], cwd: dir).code, 0)
        let r = try gavel(["report", "results.json", "--format", "markdown", "--previous", "previous.json"], cwd: dir)
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertTrue(r.out.contains("| newly passing | `HOST-CERT-001` | `clinic-b.example.com` | fail | pass |"), r.out)
        XCTAssertTrue(r.out.contains(": 1 verdict changed."), r.out)
        XCTAssertFalse(r.out.contains("| newly failing |"), "nothing else changed")
        let html = try gavel(["report", "results.json", "--previous", "previous.json"], cwd: dir).out
        XCTAssertTrue(
            html.contains(
                "<tr data-change=\"newly_passing\" data-asset=\"clinic-b.example.com\"><td>newly passing</td><td><code>HOST-CERT-001</code></td><td>clinic-b.example.com</td>"
            ))
        XCTAssertTrue(html.contains("0 new failures, 1 fixed, 0 new errors"), "the summary counts the changes")
    }

    func testAReportOfAnEditedResultsFileSaysSoAndExitsOne() throws {
        let dir = try evaluatedCopy()
        let original = try String(contentsOfFile: dir + "/results.json", encoding: .utf8)
        let edited = original.replacingOccurrences(
            of: #""verdict":"fail""#, with: #""verdict":"pass""#, options: [], range: original.range(of: #""verdict":"fail""#))
        try edited.write(toFile: dir + "/results.json", atomically: true, encoding: .utf8)
        let r = try gavel(["report", "results.json", "-o", "report.html"], cwd: dir)
        XCTAssertEqual(r.code, 1)
        XCTAssertTrue(r.err.contains("error[document-changed]: ") && r.err.contains("results.json was edited after Gavel wrote it"), r.err)
        let html = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
        XCTAssertTrue(html.contains("<strong>The results file was edited after Gavel wrote it</strong>"), "the report itself says so, at the top")
    }

    func testReportRefusesWhatIsNotAResultsDocument() throws {
        let dir = try evaluatedCopy()
        var r = try gavel(["report", "missing.json"], cwd: dir)
        XCTAssertEqual(r.code, 3)
        XCTAssertTrue(r.err.contains("cannot read missing.json"), r.err)
        try "{\"gavel\": \"baseline/v1\", \"failures\": []}".write(toFile: dir + "/b.json", atomically: true, encoding: .utf8)
        r = try gavel(["report", "b.json"], cwd: dir)
        XCTAssertEqual(r.code, 3)
        XCTAssertTrue(r.err.contains("b.json: error[bad-results]: not a Gavel results document"), r.err)
        let cut = String(try String(contentsOfFile: dir + "/results.json", encoding: .utf8).prefix(300))
        try cut.write(toFile: dir + "/cut.json", atomically: true, encoding: .utf8)
        r = try gavel(["report", "cut.json", "-o", "out.html"], cwd: dir)
        XCTAssertEqual(r.code, 3)
        XCTAssertTrue(r.err.range(of: #"cut\.json:\d+:\d+: error\[bad-json\]"#, options: .regularExpression) != nil, r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/out.html"), "nothing is written for a bad input")
        r = try gavel(["report", "results.json", "--previous", "b.json"], cwd: dir)
        XCTAssertEqual(r.code, 3, "a bad --previous is refused too")
    }
}
