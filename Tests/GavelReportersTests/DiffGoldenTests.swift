import Foundation
import GavelCore
import GavelEngine
import GavelResults
import XCTest

@testable import GavelReporters

/// Golden files for the `gavel diff` reporters, rendered from two small policy sets
/// (Golden/diff/base and head) over two snapshots. Between them the head changes a
/// parameter (a regression), a severity and a control mapping, removes, adds and disables
/// rules, narrows one with `when` and points one at a key one snapshot lacks.
/// Regenerate with `GAVEL_UPDATE_GOLDEN=1 swift test --filter DiffGoldenTests`.
final class DiffGoldenTests: XCTestCase {
    static let dir = Bundle.module.resourcePath! + "/Golden/diff"

    static func diff() -> PolicyDiff {
        let base = Compiler.compile(path: dir + "/base").program!
        let head = Compiler.compile(path: dir + "/head").program!
        let runs = Runner.run([base, head], SnapshotPlan.make([dir + "/snapshots"]), jobs: 2)
        return PolicyDiff(
            base: ResultsDocument(run: runs[0], failOn: nil), head: ResultsDocument(run: runs[1], failOn: nil),
            baseLabel: "origin/main:Policies", headLabel: "Policies")
    }

    private func assertGolden(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        if ProcessInfo.processInfo.environment["GAVEL_UPDATE_GOLDEN"] != nil {
            try text.write(toFile: FormatGoldenTests.repo + "/Tests/GavelReportersTests/Golden/\(name)", atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOfFile: Bundle.module.resourcePath! + "/Golden/\(name)", encoding: .utf8)
        XCTAssertEqual(text, golden, "\(name) differs from its golden file", file: file, line: line)
    }

    func testText() throws { try assertGolden(DiffTextReporter(style: .plain).render(Self.diff()), "diff.txt") }
    func testMarkdown() throws { try assertGolden(DiffMarkdownReporter().render(Self.diff()), "diff.md") }
    func testJUnit() throws { try assertGolden(DiffJUnitReporter(gate: .regressions, failOn: .info).render(Self.diff()), "diff.junit.xml") }
    func testJSON() throws { try assertGolden(Self.diff().json(gate: .regressions, failOn: .info), "diff.json") }

    func testJUnitFailsExactlyWhatTheGateTrips() {
        let d = Self.diff()
        let regressions = DiffJUnitReporter(gate: .regressions, failOn: .info).render(d)
        XCTAssertTrue(regressions.contains("<testsuites name=\"gavel diff\" tests=\"14\" failures=\"3\""), regressions)
        let failures = DiffJUnitReporter(gate: .failures, failOn: .info).render(d)
        XCTAssertTrue(failures.contains("failures=\"4\""), "DEMO-007 on a.example.com fails too under the failures gate")
        let highOnly = DiffJUnitReporter(gate: .regressions, failOn: .high).render(d)
        XCTAssertTrue(highOnly.contains("<testsuites name=\"gavel diff\" tests=\"14\" failures=\"0\""), highOnly)
    }

    func testNoChangesSaysSo() {
        let p = Compiler.compile(path: Self.dir + "/base").program!
        let runs = Runner.run([p, p], SnapshotPlan.make([Self.dir + "/snapshots"]), jobs: 1)
        let d = PolicyDiff(base: ResultsDocument(run: runs[0], failOn: nil), head: ResultsDocument(run: runs[1], failOn: nil))
        XCTAssertEqual(
            DiffTextReporter(style: .plain).render(d),
            "gavel diff: base -> head over 2 assets: no verdict, control or rule changes (12 rule and asset pairs compared)\n")
        XCTAssertTrue(DiffMarkdownReporter().render(d).hasPrefix("**gavel diff** `base` → `head` over 2 assets: no verdict changes"))
    }
}
