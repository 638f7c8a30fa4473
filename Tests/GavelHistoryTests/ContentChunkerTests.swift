import GavelCore
import XCTest

@testable import GavelHistory

/// Content-defined pieces: the same bytes are cut the same way wherever they sit, sizes stay
/// within bounds, and a change moves only the cuts near it.
final class ContentChunkerTests: XCTestCase {
    func bytes(_ n: Int, seed: UInt64) -> [UInt8] {
        var g = SplitMix64(seed: seed)
        return (0..<n).map { _ in UInt8(truncatingIfNeeded: g.next()) }
    }

    func testPiecesStayWithinTheBoundsAndCoverTheInput() {
        let data = bytes(3 << 20, seed: 1)
        let pieces = data.withUnsafeBytes { ContentChunker.pieces($0) }
        XCTAssertEqual(pieces.reduce(0, +), data.count)
        for p in pieces.dropLast() {
            XCTAssertGreaterThan(p, ContentChunker.minimum)
            XCTAssertLessThanOrEqual(p, ContentChunker.maximum)
        }
        let mean = data.count / pieces.count
        XCTAssertTrue((ContentChunker.average / 2...ContentChunker.average * 2).contains(mean), "mean piece \(mean) bytes")
    }

    func testAnInsertionMovesOnlyTheCutsNearIt() {
        let data = bytes(2 << 20, seed: 2)
        var changed = data
        changed.insert(contentsOf: Array("an inserted line\n".utf8), at: 1_000_000)
        func hashes(_ d: [UInt8]) -> [[UInt8]] {
            d.withUnsafeBytes { raw in
                var out: [[UInt8]] = []
                var start = 0
                for n in ContentChunker.pieces(raw) {
                    out.append(SHA256.digest(UnsafeRawBufferPointer(rebasing: raw[start..<start + n])))
                    start += n
                }
                return out
            }
        }
        let (a, b) = (hashes(data), hashes(changed))
        let shared = Set(a).intersection(Set(b)).count
        XCTAssertGreaterThanOrEqual(shared, a.count - 2, "\(a.count) pieces before, \(shared) shared after one insertion")
        XCTAssertLessThan(shared, a.count, "the piece with the insertion is new")
    }
}
