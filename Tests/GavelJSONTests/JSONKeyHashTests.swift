import GavelCore
import XCTest

@testable import GavelJSON

/// Keys hashed in advance must find exactly what jansson's own lookup finds.
final class JSONKeyHashTests: XCTestCase {
    /// Debian 12's jansson is 2.14, the layout `lookup.h` reads: the direct lookup must be on
    /// there, or the evaluator has silently lost it.
    func testDirectLookupIsOnWithJansson214() throws {
        try XCTSkipUnless(JSONKeyHash.libraryVersion == "2.14", "jansson \(JSONKeyHash.libraryVersion): direct lookups stay off")
        XCTAssertTrue(JSONKeyHash.isDirect)
    }

    /// The run-time check turns the direct lookup off when hashes do not match the library's:
    /// with any other seed than the one jansson uses, it must fail.
    func testTheCheckFailsOnAWrongSeed() {
        guard JSONKeyHash.isDirect else { return }
        XCTAssertTrue(JSONKeyHash.directLookupAgrees(seed: JSONKeyHash.seed))
        XCTAssertFalse(JSONKeyHash.directLookupAgrees(seed: JSONKeyHash.seed &+ 1))
    }

    /// Random objects parsed from text (keys of 0 to 40 bytes, ASCII and not, up to 300
    /// members): every key is found through a `JSONKey` with the same node as jansson's lookup
    /// by string finds, and keys the object lacks are not found.
    func testHashedLookupsAgreeWithJanssonOnRandomObjects() throws {
        var rng = SplitMix64(seed: 7)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz_-.0123456789 éü€😀\"\\")
        for round in 0..<200 {
            let size = round < 20 ? round : rng.int(300)
            var keys = Set<String>()
            while keys.count < size + 30 {
                let n = rng.int(41)
                keys.insert(String((0..<n).map { _ in rng.pick(alphabet) }))
            }
            let all = Array(keys)
            let present = Array(all.prefix(size))
            let text = "{" + present.enumerated().map { i, k in "\(quoted(k)): \(i)" }.joined(separator: ",") + "}"
            let doc = try JSONDocument.parse(text)
            let root = doc.rootNode
            for (i, k) in present.enumerated() {
                let hashed = root.member(JSONKey(k))
                XCTAssertEqual(hashed?.integer, Int64(i), "key \(quoted(k)) in an object of \(size)")
                XCTAssertEqual(hashed?.identity, root.member(k)?.identity)
            }
            for k in all.dropFirst(size) {
                XCTAssertNil(root.member(JSONKey(k)), "absent key \(quoted(k)) found in an object of \(size)")
            }
            withExtendedLifetime(doc) {}
        }
    }

    private func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
