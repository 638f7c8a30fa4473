import GavelCore
import XCTest
@testable import GavelEngine

/// The envelope's optional members are checked when present, never guessed at.
final class SnapshotEnvelopeTests: XCTestCase {
    private func load(_ bytes: [UInt8]) -> Result<LoadedSnapshot, InputError> {
        bytes.withUnsafeBytes { LoadedSnapshot.parse($0, source: "s.json") }
    }

    private func envelope(collectedAt: String?) -> [UInt8] {
        let at = collectedAt.map { #""collected_at": \#($0), "# } ?? ""
        return Array(#"{"gavel": "snapshot/v1", "asset": "a", "kind": "php", \#(at)"data": {"version": "8.2.7"}}"#.utf8)
    }

    func testCollectedAtIsAnRFC3339TimeOrAbsent() throws {
        for good in [#""2026-11-21T02:00:04Z""#, #""2026-11-21T02:00:04.123Z""#, #""2026-11-21T03:00:04+01:00""#, #""2026-11-20T21:00:04-05:00""#] {
            let snap = try load(envelope(collectedAt: good)).get()
            XCTAssertEqual(snap.info.collectedAt.map { "\"\($0)\"" }, good)
        }
        XCTAssertNil(try load(envelope(collectedAt: nil)).get().info.collectedAt)
        for bad in [#""yesterday""#, #""2026-11-21""#, #""2026-11-21T02:00:04""#, #""2026-13-01T00:00:00Z""#, #""2026-11-21T02:00:04+24:00""#,
                    "1795395600", "null", #""""#] {
            guard case .failure(let e) = load(envelope(collectedAt: bad)) else { XCTFail("accepted collected_at \(bad)"); continue }
            XCTAssertEqual(e.id, "bad-snapshot")
            XCTAssertTrue(e.message.contains("collected_at") && e.message.contains("RFC 3339"), e.message)
        }
    }

    /// An envelope that parses but says something wrong points at the value at fault, or at
    /// the opening brace when a member is missing; a JSON Lines record counts from its line.
    func testEnvelopeErrorsGiveTheLineAndColumnOfTheValueAtFault() {
        let cases: [(String, String, Int, Int)] = [
            ("{\"gavel\": \"snapshot/v1\",\n \"asset\": \"a\",\n \"kind\": \"phpp\", \"data\": {}}", "unknown snapshot kind", 3, 10),
            ("{\"gavel\": \"snapshot/v2\", \"asset\": \"a\", \"kind\": \"php\", \"data\": {}}", "unsupported snapshot format", 1, 11),
            ("\n  {\"gavel\": \"snapshot/v1\", \"kind\": \"php\", \"data\": {}}", "missing or empty \"asset\"", 2, 3),
            ("{\"gavel\": \"snapshot/v1\", \"asset\": \"a\", \"kind\": \"php\", \"data\": [1]}", "\"data\" must be an object", 1, 63),
            ("[{\"gavel\": \"snapshot/v1\"}]", "must be a JSON object", 1, 1),
        ]
        for (text, message, line, column) in cases {
            guard case .failure(let e) = load(Array(text.utf8)) else { XCTFail("accepted \(text)"); continue }
            XCTAssertEqual(e.id, "bad-snapshot")
            XCTAssertTrue(e.message.contains(message), e.message)
            XCTAssertEqual([e.line, e.column], [line, column], "\(message): \(e)")
        }
        let record = Array(#"{"gavel": "snapshot/v1", "asset": "a", "kind": "nope", "data": {}}"#.utf8)
        guard case .failure(let e) = record.withUnsafeBytes({ LoadedSnapshot.parse($0, source: "-", line: 7) }) else { return XCTFail("accepted") }
        XCTAssertEqual([e.line, e.column], [7, 48])
    }

    /// A byte order mark is skipped for parsing, and the digest is still of the file's bytes;
    /// an error after it is reported at the column the reader sees.
    func testAByteOrderMarkIsSkippedButHashed() throws {
        let body = envelope(collectedAt: #""2026-11-21T02:00:04Z""#)
        let withMark = [0xEF, 0xBB, 0xBF] + body
        let snap = try load(withMark).get()
        XCTAssertEqual(snap.info.sha256, SHA256.hex(withMark))
        XCTAssertNotEqual(snap.info.sha256, SHA256.hex(body))
        guard case .failure(let e) = load([0xEF, 0xBB, 0xBF] + Array("{\"gavel\": }".utf8)) else { return XCTFail("accepted bad JSON") }
        XCTAssertEqual(e.id, "bad-json")
        XCTAssertEqual(e.line, 1)
        XCTAssertEqual(e.column, 11)
    }
}
