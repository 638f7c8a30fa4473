import XCTest
@testable import GavelEngine

final class RegexTests: XCTestCase {
    func m(_ p: String, _ s: String) -> Bool { try! Regex(p).search(s) }

    func testSearchIsUnanchored() {
        XCTAssertTrue(m("max-age=[0-9]+", "max-age=300; preload"))
        XCTAssertFalse(m("^max-age", "x max-age=1"))
        XCTAssertTrue(m("^a.c$", "abc"))
        XCTAssertFalse(m("^a.c$", "abcd"))
    }

    func testAlternationGroupsAndRepeats() {
        XCTAssertTrue(m("^(TLSv1\\.2|TLSv1\\.3)$", "TLSv1.3"))
        XCTAssertFalse(m("^(TLSv1\\.2|TLSv1\\.3)$", "TLSv1"))
        XCTAssertTrue(m("^a{2,3}$", "aaa"))
        XCTAssertFalse(m("^a{2,3}$", "aaaa"))
        XCTAssertTrue(m("^(ab)+$", "ababab"))
        XCTAssertTrue(m("^x?y*z+$", "zz"))
        XCTAssertTrue(m("^a{2,}$", "aaaaa"))
        XCTAssertTrue(m("^$", ""))
    }

    func testBracketsAndClasses() {
        XCTAssertTrue(m("^[[:alpha:]_][[:alnum:]_-]*$", "wp_options-1"))
        XCTAssertFalse(m("[^a-z]", "abc"))
        XCTAssertTrue(m("[]x]", "]"))
        XCTAssertTrue(m("[a-]", "-"))
        XCTAssertTrue(m("^\\d+\\s\\w+$", "42 ok"))
    }

    func testCaseInsensitiveFlag() {
        XCTAssertTrue(m("(?i)^nosniff$", "NoSniff"))
        XCTAssertFalse(m("^nosniff$", "NoSniff"))
    }

    func testNoCatastrophicBacktracking() {
        // (a*)*b on a long run of a's is exponential for a backtracker; linear here.
        XCTAssertFalse(m("^(a*)*b$", String(repeating: "a", count: 5000)))
    }

    func testSyntaxErrorsHavePositions() {
        func err(_ p: String) -> Regex.SyntaxError? {
            do { _ = try Regex(p); return nil } catch { return error }
        }
        XCTAssertEqual(err("ab(c")?.offset, 2)
        XCTAssertEqual(err("abc)")?.offset, 3)
        XCTAssertEqual(err("*a")?.offset, 0)
        XCTAssertEqual(err("[z-a]")?.message.contains("invalid range"), true)
        XCTAssertEqual(err("[[:nope:]]")?.message, "unknown character class '[:nope:]'")
        XCTAssertNotNil(err("a{3,1}"))
        XCTAssertNotNil(err("x\\"))
        XCTAssertNotNil(err("[abc"))
    }
}
