import Foundation
import FoundationXML
import XCTest

/// Values from snapshots are written by other people. In every output format they must
/// stay text: no remote image, no mention, no HTML, no broken table, no injected workflow
/// command, no invalid XML. Markdown is rendered by cmark-gfm (GitHub's Markdown) and the
/// HTML it makes is inspected.
extension CLITests {
    static let hostile =
        "![t](https://attacker.example/p.png) @octocat `` ` | <img src=x onerror=alert(1)> [x](javascript:alert(1)) \u{1B}[31m%0A::error::fake\n| row |"

    /// A policy whose one rule fails on a hostile value, and a snapshot holding it under a
    /// hostile asset name.
    private func hostileFixture() throws -> String {
        let dir = tempDir()
        try FileManager.default.createDirectory(atPath: dir + "/p", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/s/a", withIntermediateDirectories: true)
        try """
        gavel: policy/v1
        id: hostile
        rules:
          - id: HOSTILE-001
            title: PHP version is pinned
            severity: high
            kind: php
            controls: [test:T-1]
            check: { path: php.version, equals: "8.2.7" }
            remediation: Pin it.
        """.write(toFile: dir + "/p/p.yaml", atomically: true, encoding: .utf8)
        try """
        gavel: controls/v1
        framework: test
        title: "Test framework @octocat ![c](https://attacker.example/c.png)"
        controls:
          - id: T-1
            title: "Pinned <b>versions</b>"
        """.write(toFile: dir + "/p/controls.yaml", atomically: true, encoding: .utf8)
        let snapshot: [String: Any] = [
            "gavel": "snapshot/v1", "asset": "@octocat ![a](https://attacker.example/a.png)", "kind": "php",
            "collected_at": "2026-12-01T00:00:00Z", "collector": ["name": "test", "version": "1"],
            "data": ["version": CLITests.hostile], "provenance": ["/version": "/etc/php.ini:1"],
        ]
        try JSONSerialization.data(withJSONObject: snapshot).write(to: URL(fileURLWithPath: dir + "/s/a/php.json"))
        return dir
    }

    private func cmark(_ markdown: String) throws -> String {
        let exe = "/usr/bin/cmark-gfm"
        guard FileManager.default.isExecutableFile(atPath: exe) else {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("cmark-gfm must be installed in CI (setup.sh installs it)") }
            throw XCTSkip("cmark-gfm is not installed")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = ["-e", "table", "-e", "autolink", "-e", "tagfilter", "-e", "strikethrough"]
        let inp = Pipe(), out = Pipe()
        p.standardInput = inp
        p.standardOutput = out
        try p.run()
        inp.fileHandleForWriting.write(Data(markdown.utf8))
        try inp.fileHandleForWriting.close()
        let html = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return html
    }

    /// The rendered HTML with everything inside <code> removed: what is left is what a
    /// reader's browser (or GitHub's mention finder) acts on.
    private func outsideCode(_ html: String) -> String {
        html.replacingOccurrences(of: "<code>[^<]*</code>", with: "", options: .regularExpression)
    }

    func testMarkdownOutputsKeepHostileValuesAsText() throws {
        let dir = try hostileFixture()
        let eval = try gavel(["eval", "--policies", "p", "--snapshots", "s", "--format", "markdown", "--fail-on", "none"], cwd: dir)
        XCTAssertEqual(eval.code, 0, eval.err)
        XCTAssertEqual(try gavel(["eval", "--policies", "p", "--snapshots", "s", "--format", "json", "-o", "r.json", "--fail-on", "none"], cwd: dir).code, 0)
        let report = try gavel(["report", "r.json", "--format", "markdown"], cwd: dir)
        XCTAssertEqual(report.code, 0, report.err)
        for (name, md) in [("eval", eval.out), ("report", report.out)] {
            let html = try cmark(md)
            let outside = outsideCode(html)
            XCTAssertFalse(html.contains("<img"), "\(name): an image: \(html)")
            XCTAssertFalse(html.contains("<a "), "\(name): a link: \(html)")
            XCTAssertFalse(outside.contains("@octocat"), "\(name): a mention outside code: \(outside)")
            XCTAssertFalse(html.contains("\u{1B}"), "\(name): a raw escape character")
            XCTAssertTrue(
                html.contains("<code>php.version is &quot;![t](https://attacker.example/p.png) @octocat"), "\(name): the value shown literally: \(html)")
            // The finding stays in its row: the failing rule and the failing control, each a
            // table of a header and one row.
            if name == "eval" {
                XCTAssertEqual(html.components(separatedBy: "<tr>").count - 1, 4, "two tables of one row: \(html)")
            }
        }
    }

    func testCIFormatsKeepHostileValuesAsText() throws {
        let dir = try hostileFixture()
        let gh = try gavel(["eval", "--policies", "p", "--snapshots", "s", "--format", "github", "--fail-on", "none"], cwd: dir)
        let lines = gh.out.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        XCTAssertEqual(lines.count, 1, "one annotation, no injected command: \(gh.out)")
        // A workflow command must start a line: the value's own "::error::" stays data.
        XCTAssertTrue(lines[0].hasPrefix("::error file=s/a/php.json,title=HOSTILE-001 failed on @octocat"), gh.out)
        XCTAssertTrue(lines[0].contains("%250A::error::fake"), "% escaped: \(gh.out)")
        XCTAssertFalse(gh.out.contains("\u{1B}"), "no raw escape character reaches the log")
        XCTAssertEqual(try gavel(["eval", "--policies", "p", "--snapshots", "s", "--format", "junit", "-o", "out.xml", "--fail-on", "none"], cwd: dir).code, 0)
        let junit = try String(contentsOfFile: dir + "/out.xml", encoding: .utf8)
        XCTAssertNoThrow(try XMLDocument(xmlString: junit), "well-formed XML")
        XCTAssertTrue(junit.contains("&lt;img src=x"), junit)
        XCTAssertFalse(junit.contains("<img"), junit)
        XCTAssertEqual(
            try gavel(["eval", "--policies", "p", "--snapshots", "s", "--format", "sarif", "-o", "out.sarif", "--fail-on", "none"], cwd: dir).code, 0)
        let sarif = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/out.sarif"))) as! [String: Any]
        let result = ((sarif["runs"] as! [[String: Any]])[0]["results"] as! [[String: Any]])[0]
        let message = result["message"] as! [String: Any]
        XCTAssertNil(message["markdown"], "SARIF carries the finding as plain text only")
        XCTAssertTrue((message["text"] as! String).contains("<img src=x onerror=alert(1)>"), "plain text keeps the value exactly")
        XCTAssertEqual(try gavel(["eval", "--policies", "p", "--snapshots", "s", "--format", "json", "-o", "r.json", "--fail-on", "none"], cwd: dir).code, 0)
        XCTAssertEqual(try gavel(["report", "r.json", "-o", "r.html"], cwd: dir).code, 0)
        let html = try String(contentsOfFile: dir + "/r.html", encoding: .utf8)
        XCTAssertFalse(html.contains("<img src=x"), "raw HTML from a value")
        XCTAssertFalse(html.contains("<b>versions</b>"), "raw HTML from a control title")
        XCTAssertTrue(html.contains("&lt;img src=x"), "the value is shown, escaped")
    }
}
