import GavelCore
import GavelJSON
import GavelResults
import XCTest

@testable import GavelEngine

/// The envelope's optional members are checked when present, never guessed at.
final class SnapshotEnvelopeTests: XCTestCase {
    private func load(_ bytes: [UInt8]) -> Result<LoadedSnapshot, Diagnostic> {
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
        for bad in [
            #""yesterday""#, #""2026-11-21""#, #""2026-11-21T02:00:04""#, #""2026-13-01T00:00:00Z""#, #""2026-11-21T02:00:04+24:00""#,
            "1795395600", "null", #""""#,
        ] {
            guard case .failure(let e) = load(envelope(collectedAt: bad)) else { XCTFail("accepted collected_at \(bad)"); continue }
            XCTAssertEqual(e.id, "bad-snapshot")
            XCTAssertTrue(e.message.contains("collected_at") && e.message.contains("RFC 3339"), e.message)
        }
    }

    /// An envelope that parses but says something wrong points at the value at fault, or at
    /// the opening brace when a member is missing; a JSON Lines record counts from its line.
    func testEnvelopeErrorsGiveTheLineAndColumnOfTheValueAtFault() {
        let cases: [(String, String, Int, Int)] = [
            ("{\"gavel\": \"snapshot/v1\",\n \"asset\": \"a\",\n \"kind\": \"PHP 8\", \"data\": {}}", "is not a kind name", 3, 10),
            ("{\"gavel\": \"snapshot/v2\", \"asset\": \"a\", \"kind\": \"php\", \"data\": {}}", "unsupported snapshot format", 1, 11),
            ("\n  {\"gavel\": \"snapshot/v1\", \"kind\": \"php\", \"data\": {}}", "missing or empty \"asset\"", 2, 3),
            ("{\"gavel\": \"snapshot/v1\", \"asset\": \"a\", \"kind\": \"php\", \"data\": [1]}", "\"data\" must be an object", 1, 63),
            ("[{\"gavel\": \"snapshot/v1\"}]", "must be a JSON object", 1, 1),
        ]
        for (text, message, line, column) in cases {
            guard case .failure(let e) = load(Array(text.utf8)) else { XCTFail("accepted \(text)"); continue }
            XCTAssertEqual(e.id, "bad-snapshot")
            XCTAssertTrue(e.message.contains(message), e.message)
            XCTAssertEqual([e.location?.knownLine, e.location?.knownColumn], [line, column], "\(message): \(e)")
        }
        let record = Array(#"{"gavel": "snapshot/v1", "asset": "a", "kind": "No.pe", "data": {}}"#.utf8)
        guard case .failure(let e) = record.withUnsafeBytes({ LoadedSnapshot.parse($0, source: "-", line: 7) }) else { return XCTFail("accepted") }
        XCTAssertEqual([e.location?.knownLine, e.location?.knownColumn], [7, 48])
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
        XCTAssertEqual(e.location?.knownLine, 1)
        XCTAssertEqual(e.location?.knownColumn, 11)
    }

    private func provenance(_ text: String) throws -> ProvenanceMap? { try load(Array(text.utf8)).get().provenance }

    private func lookup(_ map: ProvenanceMap?, _ pointer: String) -> String? {
        Array(pointer.utf8).withUnsafeBufferPointer { map?.text(at: $0) }
    }

    /// A map in the plain form collectors write is read from the text; any other map is
    /// jansson's. Either way the same entries are found.
    func testTheProvenanceMapIsReadFromItsTextWhenPlain() throws {
        let plain = try provenance(
            #"{"gavel": "snapshot/v1", "asset": "a", "kind": "php", "data": {"ini": {"x": "1"}}, "provenance": {"/ini/x": "/etc/php.ini:3", "": "php -i"}}"#)
        guard case .strings = plain else { return XCTFail("a plain map should be read from its text") }
        let escaped = try provenance(
            #"{"gavel": "snapshot/v1", "asset": "a", "kind": "php", "data": {"ini": {"x": "1"}}, "provenance": {"\/ini\/x": "/etc/php.ini:3", "": "php -i", "/n": 1}}"#
        )
        guard case .tree = escaped else { return XCTFail("a map with escapes is jansson's") }
        for map in [plain, escaped] {
            XCTAssertEqual(lookup(map, "/ini/x"), "/etc/php.ini:3")
            XCTAssertEqual(lookup(map, ""), "php -i")
            XCTAssertNil(lookup(map, "/ini"))
        }
        XCTAssertNil(lookup(escaped, "/n"), "an entry that is not a string names no place")
        XCTAssertNil(try provenance(#"{"gavel": "snapshot/v1", "asset": "a", "kind": "php", "data": {}}"#))
    }

    /// The map is taken out before jansson parses the rest, but invalid text is still refused
    /// where jansson says, also on the map's own line after it, and a second map is still a
    /// duplicate key.
    func testInvalidTextAroundAPlainMapIsJanssonsError() {
        let envelope = #"{"gavel": "snapshot/v1", "asset": "a", "kind": "php", "data": {}, "provenance": {"/a": "f:1", "/b": "f:2"}"#
        for text in [
            envelope + ", \"x\": tru}", envelope + ",\n \"x\": [1,]}", envelope + "}}", envelope + ", \"provenance\": {}}",
            "{\"provenance\": {\"/a\": \"f:1\"}, \"gavel\": \"snapshot/v1\", \"asset\": \"a\", \"kind\": \"php\", \"data\": {},, }",
        ] {
            var jansson: JSONDocument.ParseError?
            do { _ = try JSONDocument.parse(text) } catch { jansson = error }
            guard case .failure(let e) = load(Array(text.utf8)) else { XCTFail("accepted \(text)"); continue }
            XCTAssertEqual(e.id, "bad-json")
            XCTAssertEqual([e.location?.knownLine, e.location?.knownColumn], [jansson?.line, jansson?.column], text)
            XCTAssertEqual(e.message, "invalid JSON: " + (jansson?.message ?? ""), text)
        }
    }

    /// Mutated snapshots: loaded exactly when jansson reads the whole text, and when not,
    /// refused at jansson's position; a loaded one finds what jansson's tree finds.
    func testMutatedSnapshotsAreJudgedAsJanssonJudgesTheWholeText() throws {
        let base = Array(
            #"""
            {"gavel": "snapshot/v1", "asset": "a", "kind": "php", "data": {"ini": {"x": "1", "y": [2]}},
             "provenance": {"/ini/x": "/etc/php.ini:3", "/ini/y": "/etc/php.ini:4"}, "collected_at": "2026-11-21T02:00:04Z"}
            """#.utf8)
        let alphabet = Array(#"{}[]":,\ "xy/01\#n"#.utf8) + [0xC3, 0x00]
        var rng = SplitMix64(seed: 11)
        var loaded = 0
        for _ in 0..<3000 {
            var text = base
            for _ in 0..<(1 + rng.int(2)) {
                let at = rng.int(text.count)
                switch rng.int(3) {
                case 0: text.remove(at: at)
                case 1: text.insert(rng.pick(alphabet), at: at)
                default: text[at] = rng.pick(alphabet)
                }
            }
            let result = load(text)
            let shown = String(decoding: text, as: UTF8.self)
            let whole: JSONDocument
            do { whole = try JSONDocument.parse(text) } catch {
                guard case .failure(let e) = result, e.id == "bad-json" else { XCTFail("loaded what jansson refuses: \(shown)"); continue }
                XCTAssertEqual([e.location?.knownLine, e.location?.knownColumn], [error.line, error.column], shown)
                continue
            }
            if case .failure(let e) = result {
                XCTAssertNotEqual(e.id, "bad-json", "refused what jansson reads: \(shown)")
                continue
            }
            loaded += 1
            let snap = try result.get()
            guard let tree = whole.rootNode.member("provenance"), tree.type == .object else { continue }
            tree.forEachMember(until: { false }) { key, value in
                XCTAssertEqual(self.lookup(snap.provenance, key()), value.string, shown)
            }
        }
        XCTAssertGreaterThan(loaded, 100)
    }
}
