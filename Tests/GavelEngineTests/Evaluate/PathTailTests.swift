import GavelCore
import GavelJSON
import XCTest

@testable import GavelEngine

/// The two spellings of a concrete path that evidence carries: the language's own (what a
/// report shows) and the JSON Pointer its provenance is looked up by. Both are written as
/// bytes, so the quoting, escaping and numbers are checked here byte for byte.
final class PathTailTests: XCTestCase {
    private func display(_ parts: [Evaluator.PathPart]) -> String {
        ByteSink.string(capacity: PathTail.displayBound(parts)) { PathTail.appendDisplay(parts, to: &$0) }
    }

    private func pointer(_ parts: [Evaluator.PathPart]) -> String {
        ByteSink.string(capacity: PathTail.pointerBound(parts)) { PathTail.appendPointer(parts, to: &$0) }
    }

    func testDisplayQuotesOnlyKeysThatAreNotIdentifiers() {
        XCTAssertEqual(
            display([.key("servers"), .index(0), .key("locations"), .index(11), .key("autoindex")]),
            ".servers[0].locations[11].autoindex")
        XCTAssertEqual(
            display([.key("headers"), .key("strict-transport-security"), .key("value")]),
            ".headers.strict-transport-security.value")
        XCTAssertEqual(display([.key("ini"), .key("session.cookie_secure")]), ".ini.\"session.cookie_secure\"")
        XCTAssertEqual(display([.key("9lives")]), ".\"9lives\"")
        XCTAssertEqual(display([.key("")]), ".\"\"")
        XCTAssertEqual(display([.key("say \"hi\" \\ bye")]), ".\"say \\\"hi\\\" \\\\ bye\"")
        XCTAssertEqual(display([.key("clínica")]), ".\"clínica\"")
        XCTAssertEqual(display([]), "")
    }

    func testNumbersAreWrittenAsDecimalDoes() {
        for i in [0, 1, 9, 10, 47, 100, 1234, 99_999, Int.max, -1, -250, Int.min] {
            XCTAssertEqual(ByteSink.string(capacity: 20) { PathTail.appendDecimal(i, to: &$0) }, String(i))
            XCTAssertEqual(display([.index(i)]), "[\(i)]")
        }
    }

    func testPointerEscapesTildeAndSlash() {
        XCTAssertEqual(pointer([.key("servers"), .index(3), .key("locations"), .index(10)]), "/servers/3/locations/10")
        XCTAssertEqual(pointer([.key("a/b"), .key("~x"), .key("m~/n")]), "/a~1b/~0x/m~0~1n")
        XCTAssertEqual(pointer([.key("session.cookie_secure"), .key("")]), "/session.cookie_secure/")
        XCTAssertEqual(pointer([.key("clínica")]), "/clínica")
    }

    func testTailNamesItsPathOnce() {
        let tail = PathTail([.key(JSONKey("sshd")), .key(JSONKey("settings")), .key(JSONKey("Port")), .wildcard, .key(JSONKey("x"))], kind: 0)
        XCTAssertEqual(tail.display, ".sshd.settings.Port")
        XCTAssertEqual(String(decoding: tail.pointer, as: UTF8.self), "/sshd/settings/Port")
        XCTAssertEqual(tail.rooted, SnapshotKinds.known[0] + ".sshd.settings.Port")
    }
}
