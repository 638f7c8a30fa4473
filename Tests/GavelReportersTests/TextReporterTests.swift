import Foundation
import GavelEngine
import GavelResults
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

    /// A fleet's report goes out in pieces of about a megabyte that join to the whole report.
    func testLargeReportsAreWrittenInPieces() throws {
        let program = Compiler.compile(path: TextReporterTests.repo + "/Policies").program!
        var doc = ResultsDocument(run: Runner.run(program, SnapshotPlan.make([TextReporterTests.repo + "/Snapshots"]), jobs: 1), failOn: nil)
        doc.entries = (0..<200).flatMap { _ in doc.entries }
        var pieces: [String] = []
        TextReporter(style: .plain).render(doc) { pieces.append($0) }
        XCTAssertGreaterThan(pieces.count, 2)
        XCTAssertTrue(pieces.dropLast().allSatisfy { $0.utf8.count >= 1 << 20 && $0.utf8.count < 1 << 21 }, "\(pieces.map(\.utf8.count))")
        XCTAssertEqual(pieces.joined(), TextReporter(style: .plain).render(doc))
        XCTAssertTrue(pieces.last!.contains("controls: "), "the controls summary comes last")
    }
}
