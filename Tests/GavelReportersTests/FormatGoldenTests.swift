import Foundation
import GavelEngine
import GavelPolicyReporters
import GavelResults
import XCTest

@testable import GavelReporters

/// Golden files for the CI formats, rendered from the shipped sample fleet. Regenerate with
/// `GAVEL_UPDATE_GOLDEN=1 swift test --filter FormatGoldenTests` and review the diff.
final class FormatGoldenTests: XCTestCase {
    static let repo = TextReporterTests.repo

    private func sampleDoc() -> ResultsDocument {
        let program = Compiler.compile(path: FormatGoldenTests.repo + "/Policies").program!
        let plan = SnapshotPlan.make([FormatGoldenTests.repo + "/Snapshots"])
        return ResultsDocument(run: Runner.run(program, plan, jobs: 2), failOn: .info)
    }

    private func assertGolden(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        if ProcessInfo.processInfo.environment["GAVEL_UPDATE_GOLDEN"] != nil {
            try text.write(toFile: FormatGoldenTests.repo + "/Tests/GavelReportersTests/Golden/\(name)", atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOfFile: Bundle.module.resourcePath! + "/Golden/\(name)", encoding: .utf8)
        XCTAssertEqual(text, golden, "\(name) differs from its golden file", file: file, line: line)
    }

    /// `gavel eval --format F` goes through ResultsFormat: each format is its golden file.
    func testResultsFormatsWriteTheGoldenFiles() throws {
        let doc = sampleDoc()
        func written(_ f: ResultsFormat) throws -> String {
            var bytes: [UInt8] = []
            try f.write(doc, ResultsFormat.Context(jobs: 2)) { bytes += $0 }
            return String(decoding: bytes, as: UTF8.self)
        }
        try assertGolden(try written(.junit), "sample-fleet.junit.xml")
        try assertGolden(try written(.sarif).replacingOccurrences(of: "file://" + FormatGoldenTests.repo + "/", with: ""), "sample-fleet.sarif")
        try assertGolden(try written(.markdown), "sample-fleet.md")
        XCTAssertEqual(try written(.text), TextReporter(style: .plain).render(doc))
        XCTAssertEqual(try written(.github), GitHubReporter().render(doc))
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try written(.json).utf8)) as? [String: Any])
        XCTAssertEqual(json["gavel"] as? String, "results/v1")
        XCTAssertTrue(try written(.html).hasPrefix("<!DOCTYPE html>"))
    }

    func testJUnit() throws { try assertGolden(JUnitReporter().render(sampleDoc()), "sample-fleet.junit.xml") }

    func testSARIF() throws { try assertGolden(SARIFReporter(root: FormatGoldenTests.repo).render(sampleDoc()), "sample-fleet.sarif") }

    /// `gavel eval` streams JUnit (an asset's suite at a time) and SARIF (about a megabyte at
    /// a time): the pieces must make the golden files, and a log without results must still
    /// close its empty list as `JSONWriter` writes one.
    func testStreamedJUnitAndSARIFAreTheGoldenFiles() throws {
        let doc = sampleDoc()
        var suites: [String] = []
        JUnitReporter().render(doc) { suites.append($0) }
        XCTAssertEqual(suites.count, doc.assets.count + 2, "the header, a suite per asset, the end")
        try assertGolden(suites.joined(), "sample-fleet.junit.xml")
        var bytes: [UInt8] = []
        SARIFReporter(root: FormatGoldenTests.repo).render(doc) { bytes += $0 }
        try assertGolden(String(decoding: bytes, as: UTF8.self), "sample-fleet.sarif")

        var passing = doc
        passing.entries = doc.entries.filter { $0.verdict == .pass }
        let empty = SARIFReporter(root: FormatGoldenTests.repo).render(passing)
        XCTAssertTrue(empty.contains("\"results\": []\n    }\n  ]\n}\n"), String(empty.suffix(80)))
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(empty.utf8)))
    }

    func testGitHubAnnotations() throws {
        // Snapshot paths relative to the repository, as a CI job sees them.
        let text = GitHubReporter().render(sampleDoc()).replacingOccurrences(of: FormatGoldenTests.repo + "/", with: "")
        try assertGolden(text, "sample-fleet.github.txt")
    }

    func testMarkdown() throws { try assertGolden(MarkdownReporter().render(sampleDoc()), "sample-fleet.md") }

    func testPolicyTestsAsJUnit() throws {
        let program = Compiler.compile(path: FormatGoldenTests.repo + "/Policies").program!
        let text = TestJUnitReporter().render(TestRunner.run(program)).replacingOccurrences(of: FormatGoldenTests.repo + "/", with: "")
        try assertGolden(text, "policy-tests.junit.xml")
    }

    func testEscaping() {
        XCTAssertEqual(XMLText.escape("a<b & \"c\"\u{01}"), "a&lt;b &amp; &quot;c&quot;\u{FFFD}")
        XCTAssertEqual(GitHubReporter().property("a:b,c\n100%"), "a%3Ab%2Cc%0A100%25")
        XCTAssertEqual(GitHubReporter().data("a:b,c\r\nd"), "a:b,c%0D%0Ad", "messages keep : and , and escape both bytes of CR LF")
        XCTAssertEqual(GitHubReporter().property("clínica"), "clínica")
        XCTAssertEqual(MarkdownText.text("x | y\n<script>"), "x \\| y \\<script\\>")
        XCTAssertEqual(MarkdownText.text("a\r\nb|c"), "a  b\\|c", "CR and LF each become a space")
        XCTAssertEqual(MarkdownText.text("clínica"), "clínica")
        XCTAssertEqual(MarkdownText.text("![i](u) @team"), "\\!\\[i\\]\\(u\\) @\u{2060}team")
        XCTAssertEqual(MarkdownText.code("plain"), "`plain`")
        XCTAssertEqual(MarkdownText.code("a ` b"), "``a ` b``", "the fence outlasts any run inside")
        XCTAssertEqual(MarkdownText.code("``x"), "``` ``x ```", "a leading backtick is padded off the fence")
        XCTAssertEqual(MarkdownText.code("a|b\nc"), "`a\\|b c`")
        XCTAssertEqual(MarkdownText.code(""), "")
        XCTAssertEqual(MarkdownText.code("a\u{1B}[31m"), "`a\u{FFFD}[31m`")
        XCTAssertEqual(MarkdownText.text("see https://x.example or WWW.y.example"), "see https\\://x.example or WWW\\.y.example")
        XCTAssertEqual(SARIFReporter(root: "/repo").uri("/repo/Snapshots/a b/php.json"), "Snapshots/a%20b/php.json")
        XCTAssertEqual(SARIFReporter(root: "/repo").uri("/etc/php/8.2/fpm/php.ini"), "file:///etc/php/8.2/fpm/php.ini")
    }

    func testMarkdownFoldsLongTables() {
        var r = MarkdownReporter()
        r.visibleRows = 2
        let t = r.table(["a"], [["1"], ["2"], ["3"], ["4"]])
        XCTAssertTrue(t.contains("<details><summary>2 more</summary>"))
        XCTAssertEqual(t.components(separatedBy: "| 3 |").count, 2, "row 3 appears once, folded")
    }
}
