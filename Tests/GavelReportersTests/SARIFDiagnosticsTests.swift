import Foundation
import GavelCore
import XCTest

@testable import GavelReporters

/// `gavel check --format sarif`: a diagnostic's notes that point at another place are
/// SARIF related locations, and a file-only location has no region.
final class SARIFDiagnosticsTests: XCTestCase {
    func testLocatedNotesAreRelatedLocations() throws {
        let d = Diagnostic(
            .duplicateControlId, "control 'C1' appears twice in framework 't'", at: SourceLocation(file: "controls.yaml", line: 9, column: 9),
            notes: [.init("first defined", at: SourceLocation(file: "controls.yaml", line: 4, column: 9)), "a plain hint"])
        let text = SARIFReporter().render(diagnostics: [d, Diagnostic(.unreadable, "cannot read x.yaml", at: SourceLocation(file: "x.yaml"))])
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let results = try XCTUnwrap(((json["runs"] as? [[String: Any]])?.first?["results"]) as? [[String: Any]])
        let message = (results[0]["message"] as? [String: Any])?["text"] as? String
        XCTAssertEqual(message, "control 'C1' appears twice in framework 't'\nfirst defined at controls.yaml:4:9\na plain hint")
        let related = try XCTUnwrap(results[0]["relatedLocations"] as? [[String: Any]])
        XCTAssertEqual(related.count, 1)
        let physical = try XCTUnwrap(related[0]["physicalLocation"] as? [String: Any])
        XCTAssertEqual((physical["region"] as? [String: Any])?["startLine"] as? Int, 4)
        XCTAssertEqual((related[0]["message"] as? [String: Any])?["text"] as? String, "first defined")
        let fileOnly = try XCTUnwrap((results[1]["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        XCTAssertNil(fileOnly["region"])
        XCTAssertNil(results[1]["relatedLocations"])
    }
}
