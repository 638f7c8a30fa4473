import GavelResults
import XCTest

@testable import GavelEngine

/// Evidence writes paths into memory sized by a bound worked out first; the bounds must hold
/// for the worst keys (every byte escaped) and the longest numbers.
final class ByteSinkTests: XCTestCase {
    func testEachFormReturnsExactlyWhatWasWritten() {
        let write: (inout ByteSink) -> Void = { s in
            s.append(UInt8(ascii: "a"))
            s.append("bc")
            s.append([UInt8(ascii: "d")])
        }
        XCTAssertEqual(ByteSink.string(capacity: 10, write), "abcd")
        XCTAssertEqual(ByteSink.bytes(capacity: 10, write), Array("abcd".utf8))
        XCTAssertEqual(ByteSink.withTemporary(capacity: 10, write) { Array($0) }, Array("abcd".utf8))
        XCTAssertEqual(ByteSink.string(capacity: 0) { _ in }, "")
    }

    func testBoundsHoldForKeysWhoseEveryByteIsEscaped() {
        let display: [Evaluator.PathPart] = [.key("\"\\\"\\"), .index(Int.min), .key("")]
        let written = ByteSink.string(capacity: PathTail.displayBound(display)) { PathTail.appendDisplay(display, to: &$0) }
        XCTAssertEqual(written, ".\"\\\"\\\\\\\"\\\\\"[\(Int.min)].\"\"")
        XCTAssertEqual(written.utf8.count, PathTail.displayBound(display))

        let pointer: [Evaluator.PathPart] = [.key("~/~/"), .index(Int.min)]
        let escaped = ByteSink.string(capacity: PathTail.pointerBound(pointer)) { PathTail.appendPointer(pointer, to: &$0) }
        XCTAssertEqual(escaped, "/~0~1~0~1/\(Int.min)")
        XCTAssertEqual(escaped.utf8.count, PathTail.pointerBound(pointer))
    }
}
