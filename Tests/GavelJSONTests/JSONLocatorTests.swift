import GavelJSON
import XCTest

/// Positions of top-level members, counted as jansson counts its own error positions.
final class JSONLocatorTests: XCTestCase {
    private func member(_ key: String?, _ text: String) -> JSONLocator.Position? {
        Array(text.utf8).withUnsafeBytes { JSONLocator.member(key, in: $0) }
    }

    private func at(_ line: Int, _ column: Int) -> JSONLocator.Position { JSONLocator.Position(line: line, column: column) }

    func testTheValueOfATopLevelKeyIsFoundPastNestedValuesThatMentionIt() {
        let text = """
            {"data": {"kind": "not this", "list": [{"kind": 1}, "kind", "}{]["]},
             "note": "a \\"kind\\": here",
              "kind":   "phpp"}
            """
        XCTAssertEqual(member("kind", text), at(3, 13))
        XCTAssertEqual(member("data", text), at(1, 10))
        XCTAssertEqual(member("note", text), at(2, 10))
    }

    func testAnAbsentKeyGivesTheOpeningBrace() {
        XCTAssertEqual(member("asset", "\n\n   {\"kind\": \"php\"}"), at(3, 4))
        XCTAssertEqual(member(nil, "{}"), at(1, 1))
        XCTAssertEqual(member("kind", "{}"), at(1, 1))
    }

    func testTheLastOfDuplicateKeysIsTheOneJanssonKeeps() {
        XCTAssertEqual(member("kind", #"{"kind": "a", "kind": "b"}"#), at(1, 23))
    }

    func testColumnsCountCharactersAndAByteOrderMarkIsNotCounted() {
        // "é" and "€" are two and three bytes: one column each.
        XCTAssertEqual(member("kind", #"{"é€": 1, "kind": 2}"#), at(1, 19))
        let withMark: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(#"{"kind": 2}"#.utf8)
        XCTAssertEqual(withMark.withUnsafeBytes { JSONLocator.member("kind", in: $0) }, at(1, 10))
    }

    func testTextThatIsNotAnObject() {
        XCTAssertNil(member("kind", "  [1, 2]"))
        XCTAssertEqual(Array("\n  [1, 2]".utf8).withUnsafeBytes { JSONLocator.start(of: $0) }, at(2, 3))
        XCTAssertNil(Array(" \n ".utf8).withUnsafeBytes { JSONLocator.start(of: $0) })
    }
}
