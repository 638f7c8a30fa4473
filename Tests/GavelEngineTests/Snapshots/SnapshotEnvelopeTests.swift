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
