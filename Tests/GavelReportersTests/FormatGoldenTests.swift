import Foundation
import GavelEngine
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

    func testJUnit() throws { try assertGolden(JUnitReporter().render(sampleDoc()), "sample-fleet.junit.xml") }

    func testSARIF() throws { try assertGolden(SARIFReporter(root: FormatGoldenTests.repo).render(sampleDoc()), "sample-fleet.sarif") }

    func testGitHubAnnotations() throws {
        // Snapshot paths relative to the repository, as a CI job sees them.
        let text = GitHubReporter().render(sampleDoc()).replacingOccurrences(of: FormatGoldenTests.repo + "/", with: "")
        try assertGolden(text, "sample-fleet.github.txt")
    }

    func testMarkdown() throws { try assertGolden(MarkdownReporter().render(sampleDoc()), "sample-fleet.md") }

    func testPolicyTestsAsJUnit() throws {
        let program = Compiler.compile(path: FormatGoldenTests.repo + "/Policies").program!
        let text = JUnitReporter().render(TestRunner.run(program)).replacingOccurrences(of: FormatGoldenTests.repo + "/", with: "")
        try assertGolden(text, "policy-tests.junit.xml")
    }

    func testEscaping() {
        XCTAssertEqual(XMLText.escape("a<b & \"c\"\u{01}"), "a&lt;b &amp; &quot;c&quot;\u{FFFD}")
        XCTAssertEqual(GitHubReporter().property("a:b,c\n100%"), "a%3Ab%2Cc%0A100%25")
        XCTAssertEqual(MarkdownReporter().cell("x | y\n<script>"), "x \\| y &lt;script>")
        XCTAssertEqual(MarkdownReporter().cell("a\r\nb|c"), "a  b\\|c", "CR and LF each become a space")
        XCTAssertEqual(MarkdownReporter().cell("clínica"), "clínica")
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
