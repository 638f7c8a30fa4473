import GavelCore
import XCTest

@testable import GavelYAML

final class YAMLParserTests: XCTestCase {
    func parse(_ s: String) throws -> YAMLNode { try YAMLParser.parse(s, file: "t.yaml") }

    func diag(_ s: String) -> Diagnostic? {
        do { _ = try YAMLParser.parse(s, file: "t.yaml"); return nil } catch { return error }
    }

    func testCoreSchemaScalars() throws {
        let n = try parse("a: yes\nb: on\nc: true\nd: 0x1F\ne: 1.5\nf: ~\ng: '1'\nh: 012\ni: .inf\nj: !!str 42\n")
        XCTAssertEqual(n["a"]?.toValue(), "yes")
        XCTAssertEqual(n["b"]?.toValue(), "on")
        XCTAssertEqual(n["c"]?.toValue(), true)
        XCTAssertEqual(n["d"]?.toValue(), .int(31))
        XCTAssertEqual(n["e"]?.toValue(), .double(1.5))
        XCTAssertEqual(n["f"]?.toValue(), .null)
        XCTAssertEqual(n["g"]?.toValue(), "1")
        XCTAssertEqual(n["h"]?.toValue(), .int(12))
        XCTAssertEqual(n["i"]?.toValue(), .double(.infinity))
        XCTAssertEqual(n["j"]?.toValue(), "42")
    }

    func testPositionsAreOneBased() throws {
        let n = try parse("top:\n  inner: value\n")
        XCTAssertEqual(n["top"]?["inner"]?.location, SourceLocation(file: "t.yaml", line: 2, column: 10))
    }

    func testDuplicateKeyIsAnError() {
        let d = diag("a: 1\nb: 2\na: 3\n")
        XCTAssertEqual(d?.id, "duplicate-key")
        XCTAssertEqual(d?.location?.line, 3)
        XCTAssertEqual(d?.notes.map(\.description), ["first defined at t.yaml:1:1"])
        XCTAssertEqual(d?.notes.first?.location, SourceLocation(file: "t.yaml", line: 1, column: 1))
    }

    func testAliasesAreRejected() {
        XCTAssertEqual(diag("a: &x 1\nb: *x\n")?.id, "yaml-alias")
    }

    func testSecondDocumentIsRejected() {
        let d = diag("a: 1\n---\nb: 2\n")
        XCTAssertEqual(d?.id, "yaml-multi-document")
        XCTAssertEqual(d?.location?.line, 2)
    }

    func testTabIndentationSaysSo() {
        let d = diag("a:\n\tb: 1\n")
        XCTAssertEqual(d?.id, "yaml-tab")
        XCTAssertEqual(d?.location?.line, 2)
    }

    func testUnquotedBracketsInFlowMappingExplained() {
        let d = diag("check: { path: nginx.servers[*], gte: 1 }\n")
        XCTAssertEqual(d?.id, "yaml-flow-brackets")
        XCTAssertTrue(d?.message.contains("quoted") ?? false)
    }

    /// Nesting is limited (everything above the parser recurses on the tree): 100 levels
    /// parse, the 101st is an error at its own position, and 100,000 levels of flow or 2,000
    /// of block nesting are the same error rather than a stack overflow.
    func testNestingDeeperThanAHundredIsAnError() throws {
        let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "\n"
        XCTAssertNoThrow(try YAMLParser.parse(ok, file: "t.yaml"))
        let d = diag(String(repeating: "[", count: 101) + String(repeating: "]", count: 101) + "\n")
        XCTAssertEqual(d?.id, "yaml-too-deep")
        XCTAssertEqual(d?.location?.line, 1)
        XCTAssertEqual(d?.location?.column, 101)
        XCTAssertEqual(diag(String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000))?.id, "yaml-too-deep")
        var block = ""
        for i in 0..<2_000 { block += String(repeating: " ", count: i) + "k:\n" }
        let b = diag(block)
        XCTAssertEqual(b?.id, "yaml-too-deep")
        XCTAssertEqual(b?.location?.line, 101)
    }

    func testEmptyFile() {
        XCTAssertEqual(diag("")?.id, "empty-file")
        XCTAssertEqual(diag("\n\n")?.id, "empty-file")
    }

    func testUnknownTag() {
        XCTAssertEqual(diag("a: !custom 1\n")?.id, "yaml-tag")
    }

    func testSyntaxErrorHasPosition() {
        let d = diag("a: [1, 2\nb: 3\n")
        XCTAssertNotNil(d)
        XCTAssertEqual(d?.location?.file, "t.yaml")
        XCTAssertGreaterThanOrEqual(d?.location?.line ?? 0, 2)
    }
}
