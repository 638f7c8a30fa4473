import Foundation
import GavelCore
import GavelEngine
import GavelResults
import XCTest

@testable import GavelReporters

/// Golden files for the auditor's report (HTML, CSV, Markdown), rendered from the policy set
/// in Golden/audit (the diff fixture's head plus a waiver in force, an expired waiver, a
/// manual control with an attestation and a control no rule covers) over the diff
/// fixture's snapshots, with the diff fixture's base as the previous run. Times are pinned.
/// Regenerate with `GAVEL_UPDATE_GOLDEN=1 swift test --filter AuditGoldenTests`.
final class AuditGoldenTests: XCTestCase {
    static let golden = Bundle.module.resourcePath! + "/Golden"

    static func model() -> AuditModel {
        let head = Compiler.compile(path: golden + "/audit").program!
        let base = Compiler.compile(path: golden + "/diff/base").program!
        let runs = Runner.run([base, head], SnapshotPlan.make([golden + "/diff/snapshots"]), jobs: 2)
        func pinned(_ run: RunResult, _ started: String) -> ResultsDocument {
            var d = ResultsDocument(run: run, failOn: .info, asOf: Day("2026-11-23")!)
            d.startedAt = Timestamp.parse(started)!
            d.finishedAt = d.startedAt.addingTimeInterval(0.25)
            return d
        }
        // Through JSON and back, as `gavel report` sees it; paths relative to the fixture.
        let text = pinned(runs[1], "2026-11-23T02:00:00Z").json().replacingOccurrences(of: golden + "/", with: "")
        var doc = try! ResultsDocument.read(bytes: Array(text.utf8), file: "results.json")
        // The recorded digest covered the absolute paths; the golden shows the relative one.
        doc.recordedDigest = ResultsVerifier.contentDigest(Array(text.utf8))
        var model = AuditModel(doc, source: "results.json", previous: pinned(runs[0], "2026-11-22T02:00:00Z"))
        model.integrity = .verified
        return model
    }

    private func assertGolden(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        if ProcessInfo.processInfo.environment["GAVEL_UPDATE_GOLDEN"] != nil {
            try text.write(toFile: FormatGoldenTests.repo + "/Tests/GavelReportersTests/Golden/\(name)", atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOfFile: Self.golden + "/\(name)", encoding: .utf8)
        XCTAssertEqual(text, golden, "\(name) differs from its golden file", file: file, line: line)
    }

    func testHTML() throws { try assertGolden(HTMLReporter().render(Self.model()), "audit.html") }

    /// `gavel report` streams the page a control at a time; the pieces must make the golden
    /// page, and there must be one per control (not one piece holding everything).
    func testHTMLStreamedInPiecesIsTheSamePage() throws {
        let m = Self.model()
        var pieces: [String] = []
        HTMLReporter().render(m) { pieces.append($0) }
        let controls = m.frameworks.reduce(0) { $0 + $1.controls.count }
        XCTAssertEqual(pieces.count, 2 + controls + 2 * m.frameworks.count, "head, each framework's start and end, each control, tail")
        try assertGolden(pieces.joined(), "audit.html")
    }
    func testCSV() throws { try assertGolden(CSVReporter().render(Self.model()), "audit.csv") }
    func testMarkdown() throws { try assertGolden(AuditMarkdownReporter().render(Self.model()), "audit.md") }

    func testTheModelGroupsControlsAndFindsChanges() {
        let m = Self.model()
        XCTAssertEqual(m.frameworks.map(\.framework), ["demo"])
        XCTAssertEqual(m.frameworks[0].controls.map(\.ref.id), ["C1", "C2", "C3", "C4"], "C5 has no rule and is not manual: coverage only")
        XCTAssertEqual(m.frameworks[0].controls.map(\.verdict), [.fail, .fail, .fail, .pass])
        XCTAssertEqual(m.frameworks[0].passRate, 0.25)
        XCTAssertEqual(m.failingBySeverity.map { $0.severity }, [.high, .medium])
        XCTAssertEqual(m.changes([.newlyWaived]).map { "\($0.rule)@\($0.asset)" }, ["DEMO-007@a.example.com"])
        XCTAssertEqual(m.doc.coverage?.frameworks[0].controls.filter(\.isGap).map(\.ref.id), ["C5"])
        XCTAssertEqual(m.snapshots("DEMO-001", "b.example.com").map(\.source), ["diff/snapshots/b.example.com.json"])
    }

    func testCSVFieldsAreQuotedAndFormulasNeutralised() {
        let r = CSVReporter()
        XCTAssertEqual(r.field("plain"), "plain")
        XCTAssertEqual(r.field("a,b"), "\"a,b\"")
        XCTAssertEqual(r.field("say \"hi\"\nthere"), "\"say \"\"hi\"\"\nthere\"")
        XCTAssertEqual(r.field("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"")
        XCTAssertEqual(r.field("@SUM(A1)"), "'@SUM(A1)")
        XCTAssertEqual(r.field("-1"), "-1", "a negative number stays a number")
        XCTAssertEqual(r.field("-cmd"), "'-cmd")
        // A CR LF pair is a line break too (Swift sees it as one Character, which the
        // quoting once missed), and a field may start with one.
        XCTAssertEqual(r.field("line one\r\nline two"), "\"line one\r\nline two\"")
        XCTAssertEqual(r.field("\r\n=1"), "\"'\r\n=1\"")
        XCTAssertEqual(r.field(""), "")
        XCTAssertEqual(r.field("clínica, sede"), "\"clínica, sede\"")
    }

    func testCSVHasOneRowPerControlAssetAndRule() {
        let m = Self.model()
        let lines = CSVReporter().render(m).components(separatedBy: "\r\n").dropLast()
        let expected = m.doc.controls.reduce(0) { $0 + ($1.rules.isEmpty ? 1 : $1.assets.count * $1.rules.count) }
        XCTAssertEqual(lines.count, 1 + expected)
        XCTAssertEqual(lines.first, CSVReporter.columns.joined(separator: ","))
    }

    func testSARIFMarksAWaivedFailureAsAcceptedNotAsGone() throws {
        let sarif = SARIFReporter(root: Self.golden).render(Self.model().doc)
        let root = try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as! [String: Any]
        let results = ((root["runs"] as! [[String: Any]])[0]["results"] as! [[String: Any]])
        XCTAssertEqual(results.count, 4, "3 failures and errors, 1 waived failure")
        let suppressed = results.filter { $0["suppressions"] != nil }
        XCTAssertEqual(suppressed.map { $0["ruleId"] as? String }, ["DEMO-007"])
        let s = (suppressed[0]["suppressions"] as! [[String: String]])[0]
        XCTAssertEqual(s["kind"], "external")
        XCTAssertNil(s["status"], "absent means accepted")
        XCTAssertTrue(s["justification"]!.hasPrefix("waived until 2027-01-31 by ciso@example.com: HttpOnly breaks"), s["justification"]!)
    }

    func testHTMLEscapesWhatTheAuditedSystemsSay() {
        let html = HTMLReporter().render(Self.model())
        XCTAssertTrue(html.contains("legacy &lt;portal&gt; widget"), "a waiver reason is text, not markup")
        XCTAssertFalse(html.contains("<portal>"))
        XCTAssertFalse(html.contains("src=\"http"), "nothing is loaded from the network")
        XCTAssertFalse(html.contains("<link"), "no external stylesheet")
    }
}
