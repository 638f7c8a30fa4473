import Foundation
import XCTest

@testable import GavelCore

/// docs/ERRORS.md and the catalog of IDs (`DiagnosticID`) list the same IDs.
final class DiagnosticIDTests: XCTestCase {
    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path + "/docs"

    /// Every word in backquotes that looks like an ID (`word` or `word-word`), in ERRORS.md.
    func documented() throws -> Set<String> {
        let text = try String(contentsOfFile: Self.docs + "/ERRORS.md", encoding: .utf8)
        let regex = try NSRegularExpression(pattern: "`([a-z][a-z0-9]*(-[a-z0-9]+)*)`")
        return Set(regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range(at: 1), in: text)!]) })
    }

    func testEveryIDIsDocumented() throws {
        let docs = try documented()
        let missing = DiagnosticID.allCases.map(\.rawValue).filter { !docs.contains($0) }
        XCTAssertEqual(missing, [], "IDs without a word in docs/ERRORS.md")
    }

    /// The IDs the tables of ERRORS.md list (their first column) are all in the catalog.
    func testEveryTabledIDIsInTheCatalog() throws {
        let text = try String(contentsOfFile: Self.docs + "/ERRORS.md", encoding: .utf8)
        let known = Set(DiagnosticID.allCases.map(\.rawValue))
        var listed: [String] = []
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let first = line.split(separator: "|").first ?? ""
            let regex = try NSRegularExpression(pattern: "`([a-z0-9-]+)`")
            let s = String(first)
            listed += regex.matches(in: s, range: NSRange(s.startIndex..., in: s)).map { String(s[Range($0.range(at: 1), in: s)!]) }
        }
        XCTAssertGreaterThan(listed.count, 60)
        XCTAssertEqual(listed.filter { !known.contains($0) }, [], "IDs ERRORS.md lists that no code reports")
    }

    func testIDsAreStableWords() {
        for id in DiagnosticID.allCases {
            XCTAssertTrue(id.rawValue.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }, id.rawValue)
        }
        XCTAssertEqual(Set(DiagnosticID.allCases.map(\.rawValue)).count, DiagnosticID.allCases.count)
    }
}
