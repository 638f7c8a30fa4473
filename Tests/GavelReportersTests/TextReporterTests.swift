import Foundation
import GavelEngine
import XCTest
@testable import GavelReporters

/// Golden test: the text report of the shipped sample fleet.
final class TextReporterTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func testSampleFleetMatchesGolden() throws {
        let program = Compiler.compile(path: TextReporterTests.repo + "/Policies").program!
        let plan = SnapshotPlan.make([TextReporterTests.repo + "/Snapshots"])
        let doc = ResultsDocument(run: Runner.run(program, plan, jobs: 2), failOn: .info)
        let text = TextReporter(style: .plain).render(doc)
        let golden = Bundle.module.resourcePath! + "/Golden/sample-fleet.txt"
        if ProcessInfo.processInfo.environment["GAVEL_UPDATE_GOLDEN"] != nil {
            try text.write(toFile: TextReporterTests.repo + "/Tests/GavelReportersTests/Golden/sample-fleet.txt", atomically: true, encoding: .utf8)
        }
        XCTAssertEqual(text, try String(contentsOfFile: golden, encoding: .utf8))
    }

    func testColourOnlyWhenEnabled() throws {
        let program = Compiler.compile(path: TextReporterTests.repo + "/Policies").program!
        let doc = ResultsDocument(run: Runner.run(program, SnapshotPlan.make([TextReporterTests.repo + "/Snapshots"]), jobs: 1), failOn: nil)
        XCTAssertTrue(TextReporter(style: Style(enabled: true)).render(doc).contains("\u{1B}[31m"))
        XCTAssertFalse(TextReporter(style: .plain).render(doc).contains("\u{1B}["))
    }
}
