import XCTest

@testable import GavelCore

final class JSONPointerTests: XCTestCase {
    func testEscapeAndTokensRoundTrip() {
        XCTAssertEqual(JSONPointer.escape("session.cookie_secure"), "session.cookie_secure")
        XCTAssertEqual(JSONPointer.escape("a/b~c"), "a~1b~0c")
        XCTAssertEqual(JSONPointer.tokens("/ini/a~1b~0c/0"), ["ini", "a/b~c", "0"])
        XCTAssertEqual(JSONPointer.tokens("/a~01"), ["a~1"], "~01 is ~ then 1, not /")
        XCTAssertEqual(JSONPointer.tokens("/"), [""], "the empty key")
        XCTAssertEqual(JSONPointer.tokens(""), [])
        for key in ["plain", "a/b", "~", "~1", "x~/y"] {
            XCTAssertEqual(JSONPointer.tokens("/" + JSONPointer.escape(key)), [key])
        }
    }
}
