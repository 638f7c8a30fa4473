import Foundation
import GavelCore
import XCTest

@testable import GavelHistory

/// The end of a stored document, read a piece at a time from the last: the member the
/// marker starts is found in the last piece, across two pieces, or not at all.
extension HistoryStoreTests {
    func testTheTailIsFoundFromTheLastPieceBackwards() throws {
        let s = try HistoryStore(path: Self.scratch() + "/h.sqlite", create: true)
        var rng = SplitMix64(seed: 9)
        let lines = (0..<12000).map { i in "    {\"asset\": \"host-\(i)\", \"evidence\": \"\((0..<40).map { _ in String(rng.int(10)) }.joined())\"}," }
        let tail = "\n  \"waivers\": [{\"rule\": \"R\"}],\n  \"attestations\": [],\n  \"document_sha256\": \"x\"\n}\n"
        let bytes = Array("{\n  \"results\": [\n\(lines.joined(separator: "\n"))\n  ],\(tail)".utf8)
        let n = night("2026-11-01", x: "1")
        _ = try s.append(bytes: bytes, doc: n.doc, now: Date())
        let (m, _) = try XCTUnwrap(try s.manifest(1))
        XCTAssertGreaterThan(m.count, 20, "many pieces, so the tail is not the whole document")
        XCTAssertEqual(try s.documentTail(1, from: "\n  \"waivers\": "), Array(tail.utf8))
        // A marker that begins pieces back still comes out whole, from its last occurrence.
        let from = "\n    {\"asset\": \"host-11990\""
        let expected = Array(bytes[HistoryStore.lastIndex(of: Array(from.utf8), in: bytes[...])!...])
        XCTAssertEqual(try s.documentTail(1, from: from), expected)
        XCTAssertNil(try s.documentTail(1, from: "\n  \"nothing\": "))
    }
}
